package org.dysonmonitor.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration of a cluster node: {@code dyson-cluster.conf} (provider, Artery TCP, the split
 * brain resolver, sharding, Jackson CBOR for {@link org.dysonmonitor.monitor.ClusterMessage} only)
 * with this node's address, seed nodes and ports over it.
 */
public final class ClusterConfig {

    /** The actor system's name: every node of one cluster must use the same. */
    public static final String SYSTEM_NAME = "dyson";

    private ClusterConfig() {
    }

    /** A seed node, {@code HOST:PORT}. */
    public record Seed(String host, int port) {

        /** Parses {@code HOST:PORT}; throws IllegalArgumentException with a message for the user. */
        public static Seed parse(String value) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new IllegalArgumentException("seed node \"" + value + "\": expected HOST:PORT, e.g. 10.0.0.5:25520");
            }
            int port;
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("seed node \"" + value + "\": port is not a number");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("seed node \"" + value + "\": port must be 1..65535");
            }
            return new Seed(value.substring(0, colon), port);
        }

        String address() {
            return "akka://" + SYSTEM_NAME + "@" + host + ":" + port;
        }
    }

    /**
     * This node's cluster configuration over {@code base}.
     *
     * @param host           the address other nodes reach this one at
     * @param port           Artery's port (0: a free one, for tests)
     * @param seeds          the seed nodes (this node may be one of them)
     * @param managementPort Akka Management's HTTP port for members and health, -1 for none
     */
    public static Config of(Config base, String host, int port, List<Seed> seeds, int managementPort) {
        List<String> seedAddresses = new ArrayList<>();
        seeds.forEach(s -> seedAddresses.add(s.address()));
        // A silent layer's entity goes when its run would go idle on one node.
        Duration idle = base.hasPath("dyson.idle-timeout") ? base.getDuration("dyson.idle-timeout") : Duration.ZERO;
        return ConfigFactory.empty()
                .withValue("akka.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout",
                        ConfigValueFactory.fromAnyRef(idle.isZero() ? "off" : idle.toMillis() + "ms"))
                .withValue("akka.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(host))
                .withValue("akka.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
                .withValue("akka.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedAddresses))
                .withValue("akka.management.http.hostname", ConfigValueFactory.fromAnyRef(host))
                .withValue("akka.management.http.port", ConfigValueFactory.fromAnyRef(Math.max(managementPort, 0)))
                .withValue("dyson.cluster.management-port", ConfigValueFactory.fromAnyRef(managementPort))
                .withFallback(ConfigFactory.parseResources("dyson-cluster.conf"))
                .withFallback(base)
                .resolve();
    }

    /**
     * {@code config} with the cluster's transport over TLS with mutual authentication: every node
     * presents {@code cert} (with {@code key}) and accepts only peers whose certificate {@code ca}
     * signed and that share its subject name (Akka's RotatingKeysSSLEngineProvider reads the PEM files,
     * and reloads them, so certificates can be rotated without a restart).
     */
    public static Config withTls(Config config, java.nio.file.Path cert, java.nio.file.Path key, java.nio.file.Path ca) {
        String engine = "akka.remote.artery.ssl.rotating-keys-engine.";
        return ConfigFactory.empty()
                .withValue("akka.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
                .withValue("akka.remote.artery.ssl.ssl-engine-provider",
                        ConfigValueFactory.fromAnyRef("akka.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider"))
                .withValue(engine + "cert-file", ConfigValueFactory.fromAnyRef(cert.toString()))
                .withValue(engine + "key-file", ConfigValueFactory.fromAnyRef(key.toString()))
                .withValue(engine + "ca-cert-file", ConfigValueFactory.fromAnyRef(ca.toString()))
                // RSA keys (what `dyson-monitor certs` makes: Akka 2.6's PEM loader reads RSA only) and ECDSA ones.
                .withValue(engine + "enabled-algorithms", ConfigValueFactory.fromIterable(List.of(
                        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")))
                .withFallback(config);
    }

    /** Whether {@code config} is a cluster node's. */
    public static boolean enabled(Config config) {
        return config.hasPath("dyson.cluster.enabled") && config.getBoolean("dyson.cluster.enabled");
    }

    /** The cluster settings of the monitor itself. */
    record Settings(int managementPort, Duration observeTimeout) {

        static Settings of(Config config) {
            Config c = config.getConfig("dyson.cluster");
            return new Settings(c.getInt("management-port"), c.getDuration("observe-timeout"));
        }
    }
}

package org.dysonmonitor.cli;

import com.typesafe.config.Config;
import org.dysonmonitor.cluster.ClusterConfig;
import org.dysonmonitor.cluster.ClusterNode;
import org.dysonmonitor.monitor.ClusterMode;
import org.dysonmonitor.store.HistoryStores;
import org.dysonmonitor.store.PostgresSettings;
import org.dysonmonitor.store.PostgresSnapshotLedger;
import org.dysonmonitor.store.SnapshotLedger;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Optional;
import java.util.List;
import java.util.function.Function;

/** The options of {@code serve --cluster}: this node's cluster address, the seed nodes, Akka Management's port. */
final class ClusterOptions {

    @Option(names = "--cluster", description = "Run as a node of a cluster (Akka Cluster Sharding of the layers); "
            + "needs --seed-nodes and a shared PostgreSQL store (--store postgresql://...).")
    boolean cluster;

    @Option(names = "--seed-nodes", split = ",", paramLabel = "HOST:PORT",
            description = "The cluster's seed nodes (their --cluster-host:--cluster-port), comma separated; the first "
                    + "node lists itself first.")
    List<String> seedNodes = new ArrayList<>();

    @Option(names = "--cluster-host", defaultValue = "127.0.0.1",
            description = "The address other nodes reach this one at (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--cluster-port", defaultValue = "25520",
            description = "The cluster's port on this node, Artery TCP (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--management-port", defaultValue = "-1",
            description = "Akka Management's HTTP port (/cluster/members, /health/ready, /health/alive) on "
                    + "--cluster-host; -1: none (default).")
    int managementPort;

    @Option(names = "--cluster-tls-cert", paramLabel = "FILE",
            description = "This node's certificate (PEM), signed by the cluster's CA: the cluster's transport is then "
                    + "TLS with mutual authentication (with --cluster-tls-key and --cluster-ca).")
    java.nio.file.Path tlsCert;

    @Option(names = "--cluster-tls-key", paramLabel = "FILE", description = "This node's private key (PEM).")
    java.nio.file.Path tlsKey;

    @Option(names = "--cluster-ca", paramLabel = "FILE",
            description = "The cluster's CA certificate (PEM): only nodes whose certificate it signed can join.")
    java.nio.file.Path tlsCa;

    /** {@code base} with this node's cluster settings over it, or {@code base} alone without --cluster. */
    Config apply(CommandLine cmd, Config base) {
        if (!cluster) {
            MonitorOptions.require(cmd, seedNodes.isEmpty(), "--seed-nodes needs --cluster");
            return base;
        }
        MonitorOptions.require(cmd, !seedNodes.isEmpty(), "--cluster needs --seed-nodes HOST:PORT,... "
                + "(the first node names itself)");
        MonitorOptions.require(cmd, port >= 1 && port <= 65535, "--cluster-port must be in 1..65535");
        MonitorOptions.require(cmd, managementPort >= -1 && managementPort <= 65535,
                "--management-port must be in 0..65535, or -1 for none");
        List<ClusterConfig.Seed> seeds = new ArrayList<>();
        for (String s : seedNodes) {
            try {
                seeds.add(ClusterConfig.Seed.parse(s.strip()));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, "--seed-nodes: " + e.getMessage());
            }
        }
        Config config = ClusterConfig.of(base, host, port, seeds, managementPort);
        boolean anyTls = tlsCert != null || tlsKey != null || tlsCa != null;
        if (!anyTls) {
            return config;
        }
        MonitorOptions.require(cmd, tlsCert != null && tlsKey != null && tlsCa != null,
                "--cluster-tls-cert, --cluster-tls-key and --cluster-ca go together");
        for (java.nio.file.Path f : List.of(tlsCert, tlsKey, tlsCa)) {
            MonitorOptions.require(cmd, java.nio.file.Files.isReadable(f), "cannot read " + f);
        }
        return ClusterConfig.withTls(config, tlsCert.toAbsolutePath(), tlsKey.toAbsolutePath(), tlsCa.toAbsolutePath());
    }

    /**
     * Cluster mode, with the ledger in the run's PostgreSQL store (its URL and password file as
     * {@code --store} left them in {@code config}), or null without --cluster. A cluster without a
     * shared store is refused: its nodes' statistics and accounting would not outlive them.
     */
    ClusterMode mode(CommandLine cmd, Config config) {
        if (!cluster) {
            return null;
        }
        MonitorOptions.require(cmd, config.hasPath("dyson.store.url"),
                "--cluster needs a shared store: --store postgresql://HOST:PORT/DB?user=USER (password from "
                        + "--store-password-file or " + HistoryStores.PASSWORD_VARIABLE + ")");
        String url = config.getString("dyson.store.url");
        Optional<Path> passwordFile = config.hasPath("dyson.store.password-file")
                ? Optional.of(Path.of(config.getString("dyson.store.password-file"))) : Optional.empty();
        PostgresSettings database = HistoryStores.postgres(url, passwordFile, System.getenv());
        Function<String, SnapshotLedger> ledgers = node -> PostgresSnapshotLedger.open(database, node);
        return new ClusterNode(ledgers);
    }

    /** The actor system's name: one name for every node of a cluster. */
    String systemName() {
        return cluster ? ClusterConfig.SYSTEM_NAME : "dyson-monitor";
    }
}

package org.dysonmonitor.cluster;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.cli.DysonMonitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster's transport with mutual TLS: three nodes with certificates of one CA (made by the
 * {@code certs} command) form a cluster; a fourth node with a certificate of another CA, and a
 * fifth with no certificate at all (plain TCP), cannot join it, and the members log the refused
 * handshakes.
 */
class ClusterTlsTest {

    @TempDir
    Path dir;

    private final List<ActorSystem<?>> systems = new ArrayList<>();

    @AfterEach
    void stop() {
        systems.forEach(ActorSystem::terminate);
        systems.forEach(s -> s.getWhenTerminated().toCompletableFuture().join());
    }

    private void certs(Path out, String... nodes) {
        List<String> args = new ArrayList<>(List.of("certs", "--out", out.toString()));
        for (String n : nodes) {
            args.add("--node");
            args.add(n + ",127.0.0.1");
        }
        assertEquals(0, new CommandLine(new DysonMonitor()).execute(args.toArray(String[]::new)));
    }

    private ActorSystem<Void> node(int port, int seed, Path certs, String name) {
        Config config = ClusterConfig.of(ConfigFactory.parseMap(Map.of("akka.cluster.jmx.multi-mbeans-in-same-jvm", "on"))
                .withFallback(ConfigFactory.load()), "127.0.0.1", port, List.of(new ClusterConfig.Seed("127.0.0.1", seed)), -1);
        if (certs != null) {
            config = ClusterConfig.withTls(config, certs.resolve(name + ".crt"), certs.resolve(name + ".key"),
                    certs.resolve("ca.crt"));
        }
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), ClusterConfig.SYSTEM_NAME, config);
        systems.add(system);
        return system;
    }

    private static long up(ActorSystem<?> system) {
        return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
                .filter(m -> m.status() == MemberStatus.up()).count();
    }

    @Test
    void onlyNodesWithACertificateOfTheClustersCaJoin() throws Exception {
        Path ours = dir.resolve("ours");
        Path theirs = dir.resolve("theirs");
        certs(ours, "n1", "n2", "n3");
        certs(theirs, "rogue");
        int seed = freePort();
        ActorSystem<Void> first = node(seed, seed, ours, "n1");
        node(freePort(), seed, ours, "n2");
        node(freePort(), seed, ours, "n3");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (up(first) < 3) {
            assertTrue(System.nanoTime() < deadline, "three nodes with the cluster's certificates did not form a cluster");
            Thread.sleep(200);
        }

        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new Tee(err, log), true, StandardCharsets.UTF_8));
        try {
            ActorSystem<Void> rogue = node(freePort(), seed, theirs, "rogue");
            ActorSystem<Void> plain = node(freePort(), seed, null, null);
            Thread.sleep(15_000);
            assertEquals(3, StreamSupport.stream(Cluster.get(first).state().getMembers().spliterator(), false).count(),
                    "a node without the cluster's CA joined");
            assertEquals(0, up(rogue), "the node with another CA's certificate is up in some cluster");
            assertEquals(0, up(plain), "the node without a certificate is up in some cluster");
        } finally {
            System.setErr(err);
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("SSLHandshakeException") || logged.contains("handshake"),
                "the refused handshakes were not logged");
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

package org.dysonmonitor.cluster;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Leave;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.dysonmonitor.store.LedgerRow;
import org.dysonmonitor.store.PostgresServer;
import org.dysonmonitor.store.PostgresSettings;
import org.dysonmonitor.store.PostgresSnapshotLedger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger's reconciliation as a node leaves, on two cluster nodes in this JVM and a real
 * PostgreSQL: the node that stays counts what the leaver held in flight as lost, and the leaver,
 * whose shutting-down cluster publishes every other member as removed, counts nothing of the node
 * that stays.
 */
class MembershipWatchTest {

    private static final String RUN = "leave";

    @Test
    void aLeavingNodeReconcilesOnlyItselfAndNeverTheNodeThatStays() throws Exception {
        Assumptions.assumeTrue(PostgresServer.available(), "Debian's postgresql is not installed");
        int seedPort = freePort();
        List<ClusterConfig.Seed> seeds = List.of(new ClusterConfig.Seed("127.0.0.1", seedPort));
        try (PostgresServer postgres = PostgresServer.start()) {
            ActorSystem<Void> stays = ActorSystem.create(Behaviors.empty(), ClusterConfig.SYSTEM_NAME,
                    node(seedPort, seeds, ConfigFactory.empty()));
            // The leaver's cluster shuts down while its actors live on, so that its watch certainly
            // sees the removals its cluster publishes as it stops (a process would exit meanwhile, or not).
            ActorSystem<Void> leaves = ActorSystem.create(Behaviors.empty(), ClusterConfig.SYSTEM_NAME,
                    node(freePort(), seeds, ConfigFactory.parseMap(Map.of(
                            "akka.coordinated-shutdown.terminate-actor-system", "off",
                            "akka.coordinated-shutdown.run-by-actor-system-terminate", "off"))));
            PostgresSettings database = PostgresSettings.parse(postgres.url()).withPassword(Optional.of(postgres.password()));
            String stayer = Cluster.get(stays).selfMember().uniqueAddress().toString();
            String leaver = Cluster.get(leaves).selfMember().uniqueAddress().toString();
            try (PostgresSnapshotLedger stayerLedger = PostgresSnapshotLedger.open(database, stayer);
                 PostgresSnapshotLedger leaverLedger = PostgresSnapshotLedger.open(database, leaver)) {
                await(() -> up(stays) == 2 && up(leaves) == 2, "two members up");
                stays.systemActorOf(MembershipWatch.create(new NodeMetrics(registry()), stayerLedger, stayer),
                        "membership", akka.actor.typed.Props.empty());
                leaves.systemActorOf(MembershipWatch.create(new NodeMetrics(registry()), leaverLedger, leaver),
                        "membership", akka.actor.typed.Props.empty());
                // Each holds snapshots in flight: 2 received, none answered, on the node that stays;
                // 3 received, 1 processed, on the one that leaves.
                stayerLedger.add(RUN, "L0", 2, 0, 0, 0);
                leaverLedger.add(RUN, "L0", 3, 1, 0, 0);
                stayerLedger.committed().toCompletableFuture().get(30, TimeUnit.SECONDS);
                leaverLedger.committed().toCompletableFuture().get(30, TimeUnit.SECONDS);

                Cluster.get(leaves).manager().tell(Leave.create(Cluster.get(leaves).selfMember().address()));
                await(() -> Cluster.get(leaves).isTerminated() && up(stays) == 1, "the leaver gone");
                await(() -> total(stayerLedger).lost() >= 2, "the leaver's 2 in flight counted lost");
                // The leaver's watch had the removal of the node that stays as its cluster stopped: give
                // it time to act on it, as it did before it knew better.
                Thread.sleep(3_000);
                LedgerRow row = total(stayerLedger);
                assertEquals(5, row.received(), row.toString());
                assertEquals(2, row.lost(), "only the leaver's snapshots in flight are lost: " + row);
                assertEquals(2, row.received() - row.processed() - row.dropped() - row.rejected() - row.lost(),
                        "the node that stays still holds its 2 in flight: " + row);
            } finally {
                leaves.terminate();
                stays.terminate();
                leaves.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
                stays.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Config node(int port, List<ClusterConfig.Seed> seeds, Config overrides) {
        return overrides.withFallback(ClusterConfig.of(ConfigFactory.parseMap(Map.of(
                        "akka.cluster.jmx.multi-mbeans-in-same-jvm", "on")).withFallback(ConfigFactory.load()),
                "127.0.0.1", port, seeds, -1));
    }

    private static PrometheusMeterRegistry registry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    private static long up(ActorSystem<?> system) {
        long up = 0;
        for (var m : Cluster.get(system).state().getMembers()) {
            up += m.status() == MemberStatus.up() ? 1 : 0;
        }
        return up;
    }

    private static LedgerRow total(PostgresSnapshotLedger ledger) throws Exception {
        List<LedgerRow> rows = ledger.totals(RUN).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(1, rows.size(), rows.toString());
        return rows.get(0);
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.holds()) {
            assertTrue(System.nanoTime() < deadline, what + ": not within 60 s");
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

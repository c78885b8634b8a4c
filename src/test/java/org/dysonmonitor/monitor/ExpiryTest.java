package org.dysonmonitor.monitor;

import org.dysonmonitor.ingest.WeightMatrix;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import static org.dysonmonitor.monitor.MonitorFixture.ask;
import static org.dysonmonitor.monitor.MonitorFixture.eventually;
import static org.dysonmonitor.monitor.MonitorFixture.layer;
import static org.dysonmonitor.monitor.MonitorFixture.open;
import static org.dysonmonitor.monitor.MonitorFixture.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs that stop sending go idle and free their slot; removing a run ends what its queues hold at
 * once, bytes included; a snapshot that meets a removed run's channel is answered alike under both
 * policies.
 */
class ExpiryTest {

    @Test
    void aSilentRunGoesIdleFreesItsSlotAndSeriesAndASnapshotRevivesItWithItsPolicy() {
        try (Monitor m = Monitor.start("idle", MonitorFixture.config(Map.of("dyson.idle-timeout", "300ms",
                "dyson.max-runs", 1)))) {
            LayerChannel channel = open(m, "sleepy", new RunSpec(0.1, 16, OverloadPolicy.ALL, Map.of()), "W", 8, 8);
            channel.received();
            assertEquals(LayerChannel.Offer.QUEUED, channel.offer(new Snapshot("sleepy", "W", 1, random(8, 8, 1), 0.1, 16)));
            eventually("processed", () -> layer(m, "sleepy", "W").processed() == 1);

            eventually("sleepy idle", () -> "idle".equals(view(m, "sleepy").status()));
            RunRegistry.RunView idle = view(m, "sleepy");
            assertEquals("all", idle.policy(), "an idle run keeps what it revives with");
            assertTrue(idle.layers().isEmpty(), "an idle run holds no layer");
            assertFalse(m.meters().scrape().contains("run=\"sleepy\""), "an idle run's series are gone");
            assertEquals(LayerChannel.Offer.CLOSED, channel.offer(new Snapshot("sleepy", "W", 2, random(8, 8, 2), 0.1, 16)));

            // The only slot is free again: another run is admitted, and goes idle in turn.
            assertInstanceOf(RunRegistry.Ok.class, ask(m, r -> new RunRegistry.PutRun("other", RunSpec.unknown(), r)));
            eventually("other idle", () -> "idle".equals(view(m, "other").status()));

            // A new snapshot revives sleepy as it was.
            LayerChannel revived = open(m, "sleepy", new RunSpec(Double.NaN, 0, null, Map.of()), "W", 8, 8);
            assertEquals("active", view(m, "sleepy").status());
            assertEquals("all", revived.policy().label());
            assertEquals(0.1, view(m, "sleepy").learningRate());
        }
    }

    @Test
    void removingARunEndsWhatItsQueueAndMailboxHoldAtOnceAndGivesTheirBytesBack() {
        try (Monitor m = Monitor.start("dead", MonitorFixture.config(Map.of("dyson.retention", "50ms",
                "dyson.queue-capacity", 10)))) {
            // 600×600 float64: each spectrum takes long enough that most of the 10 are still queued (the queue holds all 10)
            // (or in the actor's mailbox) when the run is removed.
            LayerChannel channel = open(m, "slow", new RunSpec(0.1, 16, OverloadPolicy.ALL, Map.of()), "W", 600, 600);
            WeightMatrix w = random(600, 600, 3);
            long bytes = InflightBudget.bytesOf(w);
            for (int step = 0; step < 10; step++) {
                assertTrue(m.budget().tryAcquire(bytes));
                channel.received();
                assertEquals(LayerChannel.Offer.QUEUED, channel.offer(new Snapshot("slow", "W", step, w, 0.1, 16), bytes));
            }
            assertTrue(m.budget().used() > 0);
            ask(m, r -> new RunRegistry.FinishRun("slow", r));
            // Without the channel ending them, asks to the stopped actor would hold their matrices
            // until the 10-minute ask timeout.
            eventually("every byte given back", () -> m.budget().used() == 0);
            assertTrue(channel.drained());
        }
    }

    @Test
    void aSnapshotMeetingAnExpiredRunsChannelIsAnsweredAlikeUnderBothPolicies() {
        try (Monitor m = Monitor.start("gone", MonitorFixture.config(Map.of("dyson.retention", "50ms")))) {
            SnapshotIntake intake = new SnapshotIntake(m);
            for (OverloadPolicy policy : List.of(OverloadPolicy.LATEST, OverloadPolicy.ALL)) {
                String run = "gone-" + policy.label();
                LayerChannel stale = open(m, run, new RunSpec(0.1, 16, policy, Map.of()), "W", 8, 8);
                ask(m, r -> new RunRegistry.FinishRun(run, r));
                eventually(run + " expired", () -> runs(m).stream().noneMatch(v -> v.run().equals(run)));
                assertEquals(LayerChannel.Offer.CLOSED, stale.offer(new Snapshot(run, "W", 1, random(8, 8, 1), 0.1, 16)),
                        policy.label());

                // Through the intake, as HTTP delivers: the layer is admitted afresh, and the snapshot queued.
                WeightMatrix w = random(8, 8, 2);
                InflightBudget.Reservation reservation = m.budget().reservation();
                assertTrue(reservation.grow(InflightBudget.bytesOf(w)));
                List<LayerChannel.Offer> offers = intake.deliver(List.of(stale), 2, List.of(w), OptionalDouble.empty(),
                        OptionalInt.empty(), Duration.ofSeconds(5), reservation).toCompletableFuture().join();
                reservation.close();
                assertEquals(List.of(LayerChannel.Offer.QUEUED), offers, policy.label());
                eventually(run + " processed afresh", () -> layer(m, run, "W").processed() == 1);
                RunRegistry.LayerView v = layer(m, run, "W");
                assertEquals(1, v.received(), "the new run counts the snapshot once");
                assertEquals(0, v.dropped() + v.rejected());
            }
            eventually("every byte given back", () -> m.budget().used() == 0);
        }
    }

    private static List<RunRegistry.RunView> runs(Monitor m) {
        return ((RunRegistry.Runs) ask(m, RunRegistry.ListRuns::new)).runs();
    }

    private static RunRegistry.RunView view(Monitor m, String run) {
        return runs(m).stream().filter(v -> v.run().equals(run)).findFirst().orElseThrow();
    }
}

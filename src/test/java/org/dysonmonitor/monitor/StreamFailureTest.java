package org.dysonmonitor.monitor;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import org.dysonmonitor.ingest.WeightMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.dysonmonitor.monitor.MonitorFixture.ask;
import static org.dysonmonitor.monitor.MonitorFixture.eventually;
import static org.dysonmonitor.monitor.MonitorFixture.layer;
import static org.dysonmonitor.monitor.MonitorFixture.open;
import static org.dysonmonitor.monitor.MonitorFixture.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A layer whose stream fails: its snapshots still queued or in the actor are counted
 * {@code stream_failed}, the registry removes the layer, and the next snapshot starts it afresh; the
 * run's other layers carry on.
 *
 * <p>No client input makes a layer's stream fail: the actor answers every snapshot, failures
 * included, and the answer is settled in a handler that catches the ask's own failures. The stream
 * fails only if settling throws, which it does only if counting does: the meter registry refusing a
 * new counter by throwing (or the scheduler refusing an ask while the system shuts down). The fault
 * here is that: Micrometer's own extension point, a {@link MeterFilter}, throws when the run's first
 * {@code non_finite} rejection registers its counter, as a registry with a failing filter would. No
 * part of the monitor is replaced.
 */
class StreamFailureTest {

    private static Monitor monitor;

    @BeforeAll
    static void start() {
        monitor = Monitor.start("streamfailure", MonitorFixture.config(Map.of("dyson.retention", "300ms")));
        monitor.meters().config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getName().equals("dyson.snapshots.rejected") && "broken".equals(id.getTag("run"))
                        && "non_finite".equals(id.getTag("reason"))) {
                    throw new IllegalStateException("meter refused (injected into the registry)");
                }
                return id;
            }
        });
    }

    @AfterAll
    static void stop() {
        try {
            MonitorFixture.finishAllAndAssertStreamsStopped(monitor);
        } finally {
            monitor.close();
        }
    }

    @Test
    void aFailedStreamCountsItsSnapshotsRemovesTheLayerAndTheNextSnapshotRestartsIt() {
        RunSpec all = new RunSpec(0.1, 16, OverloadPolicy.ALL, Map.of());
        LayerChannel failing = open(monitor, "broken", all, "W", 4, 4);
        LayerChannel other = open(monitor, "broken", all, "V", 4, 4);
        WeightMatrix good = random(4, 4, 3);
        double[] v = good.toRowMajor();
        v[5] = Double.NaN; // the actor rejects it non_finite: settling it registers the refused counter
        offer(failing, 1, good);
        eventually("step 1 processed", () -> layer(monitor, "broken", "W").processed() == 1);
        offer(failing, 2, WeightMatrix.of(4, 4, v, false));
        // Steps 3 and 4 race step 2's failure: each is queued (then in the actor or its mailbox when the
        // stream fails) or, if the stream already failed, refused CLOSED: the answer HTTP turns into a 503.
        int queued = offerOrClosed(failing, 3, good) + offerOrClosed(failing, 4, good);

        eventually("layer W removed", () -> layers("broken").stream().noneMatch(l -> l.layer().equals("W")));
        // Each queued step ends processed (answered before the close) or stream_failed. Step 2 itself is the
        // one snapshot no counter holds: the counter that was to count it is the one the registry refused.
        double processed = monitor.meters().get("dyson.snapshots.processed").tags("run", "broken", "layer", "W")
                .counter().count();
        double streamFailed = rejected("broken", "W", "stream_failed");
        double received = monitor.meters().get("dyson.snapshots.received").tags("run", "broken", "layer", "W")
                .counter().count();
        assertEquals(4.0, received);
        assertEquals(1.0 + queued, processed + streamFailed,
                "queued " + queued + " of steps 3 and 4, processed " + processed + ", stream_failed " + streamFailed);
        assertTrue(processed >= 1.0);

        // The next snapshot opens the layer afresh (a new stream and actor) and is processed.
        RunRegistry.Reply reopened = ask(monitor, r -> new RunRegistry.OpenLayer("broken", "W", 4, 4, r));
        LayerChannel fresh = ((RunRegistry.Opened) reopened).channel();
        assertTrue(fresh != failing, "a new channel");
        assertEquals(LayerChannel.Offer.CLOSED, failing.offer(new Snapshot("broken", "W", 9, good, 0.1, 16)),
                "the failed layer's channel takes nothing");
        offer(fresh, 5, good);
        eventually("step 5 processed by the restarted layer", () -> monitor.meters().get("dyson.snapshots.processed")
                .tags("run", "broken", "layer", "W").counter().count() == processed + 1);

        // The run's other layer never noticed.
        offer(other, 1, good);
        eventually("V processed", () -> layer(monitor, "broken", "V").processed() == 1);
        assertEquals(0, layer(monitor, "broken", "V").rejected());
    }

    private static double rejected(String run, String layer, String reason) {
        io.micrometer.core.instrument.Counter c = monitor.meters().find("dyson.snapshots.rejected")
                .tags("run", run, "layer", layer, "reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private static List<RunRegistry.LayerView> layers(String run) {
        return ((RunRegistry.Runs) ask(monitor, RunRegistry.ListRuns::new)).runs().stream()
                .filter(r -> r.run().equals(run)).findFirst().orElseThrow().layers();
    }

    /** 1 if the channel queued the snapshot, 0 if it was already closed. */
    private static int offerOrClosed(LayerChannel channel, long step, WeightMatrix w) {
        channel.received();
        LayerChannel.Offer answer = channel.offer(new Snapshot(channel.run(), channel.layer(), step, w, 0.1, 16));
        assertTrue(answer != LayerChannel.Offer.FULL, "step " + step + " " + answer);
        return answer == LayerChannel.Offer.QUEUED ? 1 : 0;
    }

    private static void offer(LayerChannel channel, long step, WeightMatrix w) {
        channel.received();
        assertEquals(LayerChannel.Offer.QUEUED,
                channel.offer(new Snapshot(channel.run(), channel.layer(), step, w, 0.1, 16)));
    }
}

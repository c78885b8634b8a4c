package org.dysonmonitor.monitor;

import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.linalg.EjmlSpectrumSolver;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.SpectrumSolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.dysonmonitor.monitor.MonitorFixture.eventually;
import static org.dysonmonitor.monitor.MonitorFixture.layer;
import static org.dysonmonitor.monitor.MonitorFixture.open;
import static org.dysonmonitor.monitor.MonitorFixture.random;
import static org.dysonmonitor.monitor.MonitorFixture.settled;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A failing spectrum computation restarts only its own actor; a non-finite snapshot is rejected
 * without a restart; no other layer notices either.
 */
class SupervisionTest {

    /** The first weight that makes the solver fail, as EJML does when a decomposition does not converge. */
    private static final double POISON = 42.0;
    private static Monitor monitor;

    /**
     * Fault injection: the real EJML solver, except that it throws on a marked matrix, the way
     * {@link EjmlSpectrumSolver} throws ArithmeticException when EJML does not converge.
     */
    private static final class FailingOnMark implements SpectrumSolver {
        private final EjmlSpectrumSolver real = new EjmlSpectrumSolver();

        @Override
        public int eigenvalues(double[] values, int rows, int cols, MatrixLayout layout, double[] out) {
            if (values[0] == POISON) {
                throw new ArithmeticException("decomposition did not converge (injected)");
            }
            return real.eigenvalues(values, rows, cols, layout, out);
        }

        @Override
        public int eigenvalues(float[] values, int rows, int cols, MatrixLayout layout, double[] out) {
            return real.eigenvalues(values, rows, cols, layout, out);
        }

        @Override
        public String name() {
            return "ejml-failing-on-mark";
        }
    }

    @BeforeAll
    static void start() {
        monitor = Monitor.start("supervision", MonitorFixture.config(Map.of("dyson.retention", "300ms")), FailingOnMark::new, "ejml with injected failures");
    }

    @AfterAll
    static void stop() {
        MonitorFixture.finishAllAndAssertStreamsStopped(monitor);
    }

    @Test
    void anExceptionRestartsOnlyThatLayerAndLaterSnapshotsAreStillProcessed() {
        RunSpec all = new RunSpec(0.1, 16, OverloadPolicy.ALL, Map.of());
        LayerChannel failing = open(monitor, "sup", all, "A", 8, 6);
        LayerChannel healthy = open(monitor, "sup", all, "B", 8, 6);
        WeightMatrix good = random(8, 6, 1);
        double[] marked = good.toRowMajor();
        marked[0] = POISON;
        WeightMatrix poison = WeightMatrix.of(8, 6, marked, false);

        send(failing, "A", 1, good);
        send(failing, "A", 2, poison);
        send(failing, "A", 3, good); // arrives during the restart back-off: stashed, then processed
        for (int i = 1; i <= 20; i++) {
            send(healthy, "B", i, good);
        }
        eventually("A settled", () -> settled(layer(monitor, "sup", "A")));
        eventually("B settled", () -> settled(layer(monitor, "sup", "B")));
        RunRegistry.LayerView a = layer(monitor, "sup", "A");
        assertEquals(3, a.received());
        assertEquals(2, a.processed());
        assertEquals(1, a.rejected());
        RunRegistry.LayerView b = layer(monitor, "sup", "B");
        assertEquals(20, b.processed());
        assertEquals(0, b.rejected());
        String scrape = monitor.meters().scrape();
        assertContains(scrape, "dyson_snapshots_rejected_total{layer=\"A\",reason=\"internal_error\",run=\"sup\"} 1.0");
    }

    @Test
    void aNonFiniteSnapshotIsRejectedWithoutDisturbingTheLayer() {
        LayerChannel channel = open(monitor, "nan", new RunSpec(0.1, 16, OverloadPolicy.ALL, Map.of()), "W", 4, 4);
        WeightMatrix good = random(4, 4, 2);
        double[] v = good.toRowMajor();
        v[6] = Double.NaN;
        send(channel, "W", 1, good);
        send(channel, "W", 2, WeightMatrix.of(4, 4, v, false));
        send(channel, "W", 3, good);
        eventually("settled", () -> settled(layer(monitor, "nan", "W")));
        RunRegistry.LayerView view = layer(monitor, "nan", "W");
        assertEquals(2, view.processed());
        assertEquals(1, view.rejected());
        assertContains(monitor.meters().scrape(),
                "dyson_snapshots_rejected_total{layer=\"W\",reason=\"non_finite\",run=\"nan\"} 1.0");
    }

    private static void send(LayerChannel channel, String layer, long step, WeightMatrix w) {
        channel.received();
        LayerChannel.Offer offer = channel.offerWithin(new Snapshot(channel.run(), layer, step, w, 0.1, 16),
                java.time.Duration.ofSeconds(30), monitor.system()).toCompletableFuture().join();
        assertEquals(LayerChannel.Offer.QUEUED, offer);
    }

    private static void assertContains(String text, String line) {
        if (!text.contains(line)) {
            throw new AssertionError("scrape lacks <" + line + ">");
        }
    }
}

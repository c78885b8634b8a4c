package org.dysonmonitor.sweep;

import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.PairReport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One run's reports into its result: only the snapshots the monitor pooled. */
class RunCollectorTest {

    private static final double[] TARGET = {1.0, 2.0, 2.0};
    private static final RunPlan PLAN = new RunPlan(new Setting(0.1, 16), 3, 44, 100, 20, 20);

    static LayerReport report(String run, long step, double[] x, boolean stationary, long samples) {
        List<PairReport> pairs = List.of(new PairReport("1-2", 1, 2, 2.0, samples, 0.01, 0.001, 0.17, 0.01, 1.27,
                0.02, -0.15, 0.01, 1.6));
        return LayerReport.builder(run, "W", step, 3, 3)
                .snapshots(step / 20)
                .spectrum(x, x, new double[3], new double[5])
                .norms(Math.sqrt(x[2]), 1)
                .target(TARGET, 0.1)
                .convergence(stationary, stationary)
                .hyperparameters(0.1, 16)
                .pairs(pairs, new double[0])
                .build();
    }

    @Test
    void keepsThePairEigenvaluesOfPooledSnapshotsAndTheLastStatistics() {
        RunCollector c = new RunCollector(PLAN);
        String run = PLAN.name();
        c.add(report(run, 20, new double[] {0.5, 1.0, 1.5}, false, 0));
        c.add(report(run, 40, new double[] {0.9, 1.9, 2.1}, true, 1));
        c.add(report(run, 60, new double[] {1.0, 1.8, 2.3}, true, 2));
        c.add(report(run, 80, new double[] {1.1, 1.95, 2.0}, false, 2)); // left stationarity: not pooled
        assertFalse(c.complete());
        c.add(report(run, 100, new double[] {1.0, 1.7, 2.2}, true, 3));
        assertTrue(c.complete());
        RunResult r = c.result();
        assertEquals(5, r.snapshots());
        assertEquals(3, r.pooledSnapshots());
        PairSeries s = r.series().get(0);
        assertArrayEquals(new long[] {40, 60, 100}, s.steps());
        assertArrayEquals(new double[] {1.9, 1.8, 1.7}, s.low());
        assertArrayEquals(new double[] {2.1, 2.3, 2.2}, s.high());
        assertEquals(0.5, s.spacing(2), 1e-12);
        assertEquals(3, r.pairs().get(0).samples(), "the monitor's cumulative statistics of the last report");
    }

    @Test
    void aRestartedSpectrumActorRestartsTheSeriesWithItsStatistics() {
        RunCollector c = new RunCollector(PLAN);
        String run = PLAN.name();
        c.add(report(run, 20, new double[] {0.9, 1.9, 2.1}, true, 1));
        c.add(report(run, 40, new double[] {0.9, 1.8, 2.2}, true, 2));
        c.add(report(run, 60, new double[] {0.9, 1.7, 2.3}, false, 0)); // fresh statistics after a restart
        c.add(report(run, 80, new double[] {0.9, 1.6, 2.4}, true, 1));
        RunResult r = c.result();
        assertEquals(1, r.pooledSnapshots());
        assertArrayEquals(new long[] {80}, r.series().get(0).steps(), "series and monitor count the same snapshots");
    }

    @Test
    void aRunNeverStationaryHasNoPairs() {
        RunCollector c = new RunCollector(PLAN);
        c.add(report(PLAN.name(), 20, new double[] {0.5, 1.0, 1.5}, false, 0));
        RunResult r = c.result();
        assertEquals(0, r.pooledSnapshots());
        assertTrue(r.pairs().isEmpty());
    }

    @Test
    void refusesReportsOfOtherRunsOrOutOfOrder() {
        RunCollector c = new RunCollector(PLAN);
        c.add(report(PLAN.name(), 40, new double[] {0.5, 1.0, 1.5}, false, 0));
        assertThrows(IllegalArgumentException.class, () -> c.add(report("other", 60, new double[] {0, 1, 2}, false, 0)));
        assertThrows(IllegalArgumentException.class, () -> c.add(report(PLAN.name(), 40, new double[] {0, 1, 2}, false, 0)));
    }

    @Test
    void theEvolutionRunKeepsEverySpectrum() {
        RunPlan evo = new RunPlan(new Setting(0.1, 16), RunPlan.EVOLUTION, 1, 30, 0, 10);
        RunCollector c = new RunCollector(evo);
        c.add(report(evo.name(), 10, new double[] {0.01, 0.02, 0.3}, false, 0));
        c.add(report(evo.name(), 20, new double[] {0.1, 0.5, 0.9}, false, 0));
        c.add(report(evo.name(), 30, new double[] {0.9, 1.9, 2.1}, true, 1));
        Evolution e = c.evolution();
        assertEquals(3, e.size());
        assertArrayEquals(new long[] {10, 20, 30}, e.steps());
        assertEquals(0.5, e.eigenvalue(1, 1), 0);
        assertArrayEquals(TARGET, e.target());
    }
}

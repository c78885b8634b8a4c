package org.dysonmonitor.rmt;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint of a layer's running statistics, written to JSON and read back, continues the
 * series exactly: the reports after the restore are the reports of an uninterrupted run, bit for
 * bit (the state copies every sum and ring, so nothing is re-associated).
 */
class LayerStatisticsStateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Degenerate pairs (1,2), (3,4) and a single level at each end: pair statistics are exercised. */
    private static final double[] TARGET = {0.5, 1.0, 1.0, 2.0, 2.0, 3.5};

    private static double[] noisySpectrum(SplittableRandom rng) {
        double[] x = new double[TARGET.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(0, TARGET[i] + 0.05 * rng.nextGaussian());
        }
        Arrays.sort(x);
        return x;
    }

    private static List<double[]> spectra(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<double[]> out = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            out.add(noisySpectrum(rng));
        }
        return out;
    }

    /** α changes half-way, so the pair statistics restart once: that bookkeeping is state too. */
    private static LayerReport feed(LayerStatistics stats, List<double[]> spectra, int from, int to) {
        LayerReport last = null;
        for (int t = from; t < to; t++) {
            double lr = t < spectra.size() / 2 ? 0.1 : 0.05;
            last = stats.update(t, new Spectrum(6, 8, spectra.get(t)), lr, 16);
        }
        return last;
    }

    private static String json(Object value) throws Exception {
        return JSON.writeValueAsString(value);
    }

    @Test
    void checkpointThroughJsonContinuesBitForBit() throws Exception {
        List<double[]> spectra = spectra(900, 7);
        LayerStatistics.Config config = LayerStatistics.Config.defaults();

        LayerStatistics uninterrupted = new LayerStatistics("r", "W", 6, 8, TARGET, config);
        LayerReport expected = feed(uninterrupted, spectra, 0, spectra.size());

        // k = 683: inside a stationarity block (block 10), between two histogram refreshes (every
        // 50), after the α change at 450, with the pairs' jackknife blocks partly filled.
        int k = 683;
        LayerStatistics first = new LayerStatistics("r", "W", 6, 8, TARGET, config);
        feed(first, spectra, 0, k);
        String saved = json(first.state());
        LayerStatistics.State read = JSON.readValue(saved, LayerStatistics.State.class);
        LayerStatistics resumed = LayerStatistics.restore(read);
        LayerReport actual = feed(resumed, spectra, k, spectra.size());

        assertTrue(expected.stationary(), "the test must reach the stationary regime");
        assertTrue(expected.pairs().get(0).samples() > 100, "pairs must have pooled snapshots");
        // The JSON of a double is its shortest exact decimal, so equal text is equal bits. The measured
        // Dyson dynamics are checkpointed too: the whole report, rows, ETA and all, is the same.
        assertTrue(expected.dynamics().measuredStep() > k, "the dynamics must have measured after the restore");
        assertEquals(json(expected), json(actual));
        assertEquals(uninterrupted.snapshots(), resumed.snapshots());
        assertEquals(json(uninterrupted.state()), json(resumed.state()));
    }

    /**
     * Every report after a restore equals the uninterrupted run's, the Dyson dynamics included, with a clock
     * (the update rate, the 1 s cadence) and a checkpoint taken between two measurements; the layer's
     * convergence decision (its hysteresis) is carried too.
     */
    @Test
    void everyReportAfterARestoreIsTheUninterruptedOne() throws Exception {
        List<double[]> spectra = spectra(700, 11);
        LayerStatistics.Config config = LayerStatistics.Config.defaults();
        LayerStatistics uninterrupted = new LayerStatistics("r", "W", 6, 8, TARGET, config);
        List<String> expected = new ArrayList<>();
        for (int t = 0; t < spectra.size(); t++) {
            expected.add(json(timed(uninterrupted, spectra, t)));
        }
        int k = 437;
        LayerStatistics first = new LayerStatistics("r", "W", 6, 8, TARGET, config);
        for (int t = 0; t < k; t++) {
            timed(first, spectra, t);
        }
        LayerStatistics.State state = JSON.readValue(json(first.state()), LayerStatistics.State.class);
        assertTrue(state.dynamics() != null && state.dynamics().latest().measuredStep() > 0,
                "the checkpoint holds measured dynamics");
        LayerStatistics resumed = LayerStatistics.restore(state);
        int converged = 0;
        for (int t = k; t < spectra.size(); t++) {
            LayerReport r = timed(resumed, spectra, t);
            assertEquals(expected.get(t), json(r), "report " + t);
            converged += r.converged() ? 1 : 0;
        }
        assertTrue(converged > 0, "the run must converge after the restore");
    }

    /**
     * A checkpoint written before the dynamics and the convergence decision were kept (its JSON without
     * those fields) still restores: the statistics continue exactly, the dynamics start empty.
     */
    @Test
    void aCheckpointWithoutDynamicsRestoresWithEmptyDynamics() throws Exception {
        List<double[]> spectra = spectra(300, 5);
        LayerStatistics stats = new LayerStatistics("r", "W", 6, 8, TARGET, LayerStatistics.Config.defaults());
        feed(stats, spectra, 0, 200);
        com.fasterxml.jackson.databind.node.ObjectNode older = JSON.valueToTree(stats.state());
        older.remove("dynamics");
        older.remove("converged");
        ((com.fasterxml.jackson.databind.node.ObjectNode) older.get("stationarity")).remove("exitEvaluations");
        ((com.fasterxml.jackson.databind.node.ObjectNode) older.get("stationarity")).remove("exitRun");
        LayerStatistics.State read = JSON.treeToValue(older, LayerStatistics.State.class);
        assertEquals(null, read.dynamics());
        LayerStatistics resumed = LayerStatistics.restore(read);
        LayerReport after = resumed.update(200, new Spectrum(6, 8, spectra.get(200)), 0.05, 16);
        assertEquals(DysonReport.NONE, after.dynamics(), "no measurement before the dynamics' first 50 snapshots");
        assertEquals(stats.snapshots() + 1, after.snapshots());
        assertEquals(json(stats.state().moments()), json(read.moments()));
    }

    private static LayerReport timed(LayerStatistics stats, List<double[]> spectra, int t) {
        double lr = t < spectra.size() / 2 ? 0.1 : 0.05;
        return stats.update(t, new Spectrum(6, 8, spectra.get(t)), lr, 16, (RandomizedBaseline.Weights) null, null,
                t * 0.004);
    }

    @Test
    void stateIsAValueNotAView() {
        LayerStatistics stats = new LayerStatistics("r", "W", 6, 8, TARGET, LayerStatistics.Config.defaults());
        List<double[]> spectra = spectra(30, 3);
        feed(stats, spectra, 0, 10);
        LayerStatistics.State before = stats.state();
        double[] ring = before.moments().ring();
        feed(stats, spectra, 10, 30);
        assertTrue(Arrays.equals(ring, before.moments().ring()), "a later update must not change a taken state");
        ring[0] = -1;
        assertTrue(before.moments().ring()[0] != -1, "the state's arrays are copied out");
    }

    @Test
    void aStateOfAnotherShapeIsRefused() {
        LayerStatistics.Config config = LayerStatistics.Config.defaults();
        LayerStatistics stats = new LayerStatistics("r", "W", 6, 8, TARGET, config);
        feed(stats, spectra(20, 5), 0, 20);
        LayerStatistics.State s = stats.state();
        LayerStatistics.State otherWindow = new LayerStatistics.State(s.run(), s.layer(), s.rows(), s.cols(),
                new LayerStatistics.Config(50, config.stationarityBlock(), config.stationarityBlocks(),
                        config.stationarityZ(), config.targetTolerance(), config.pairTolerance(),
                        config.pairReservoir()),
                s.target(), s.moments(), s.stationarity(), s.pairs(), s.snapshots(), s.histogram(),
                s.histogramAt(), s.pairsLearningRate(), s.pairsBatchSize());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LayerStatistics.restore(otherWindow));
        assertTrue(e.getMessage().contains("window"), e.getMessage());
    }
}

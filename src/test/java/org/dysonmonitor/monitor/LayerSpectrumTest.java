package org.dysonmonitor.monitor;

import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.NativeSpectrumSolver;
import org.dysonmonitor.linalg.TrackedTopSpectrum;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A layer's way to its eigenvalues: which layers get a tracker, and the switch to full spectra when
 * tracking keeps needing many cycles (here: any tracked snapshot with more than one cycle, on a
 * Marchenko-Pastur bulk whose cold start always needs several), with the forced full spectra named.
 */
class LayerSpectrumTest {

    private static final int ROWS = 360;
    private static final int COLS = 330;

    @Test
    void onlyLayersAtOrAboveTheThresholdAndLargeEnoughForTheTrackerAreTracked() {
        TopSpectra settings = new TopSpectra(256, 3, 16, 2, 3, 100);
        assertNotNull(LayerSpectrum.trackerFor(ROWS, COLS, settings, 0));
        assertNull(LayerSpectrum.trackerFor(ROWS, COLS, settings, 331), "the run's own threshold wins");
        assertNotNull(LayerSpectrum.trackerFor(ROWS, COLS, new TopSpectra(4096, 3, 16, 2, 3, 100), 300));
        assertNull(LayerSpectrum.trackerFor(300, 300, settings, 0),
                "300 < 2·(4 + 1)·(16 + 16): the tracker cannot gain, so the layer is not tracked");
        assertNull(LayerSpectrum.trackerFor(255, 4000, settings, 0), "the smaller side counts");
    }

    @Test
    void slowTrackingSwitchesToFullSpectraForTheBackoffThenTracksAgain() {
        TopSpectra settings = new TopSpectra(256, 10, 16, 1, 1, 2);
        TrackedTopSpectrum tracker = LayerSpectrum.trackerFor(ROWS, COLS, settings, 0);
        NativeSpectrumSolver solver = new NativeSpectrumSolver();
        LayerSpectrum spectra = new LayerSpectrum(solver, tracker, settings, ROWS, COLS);
        Random random = new Random(3);
        double[] w = new double[ROWS * COLS];
        List<String> seen = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            for (int i = 0; i < w.length; i++) {
                w[i] = s == 0 ? random.nextGaussian() : w[i] + 0.01 * random.nextGaussian();
            }
            LayerSpectrum.Computed c = spectra.compute(WeightMatrix.of(ROWS, COLS, w.clone(), false));
            double[] full = new double[COLS];
            solver.eigenvalues(w, ROWS, COLS, MatrixLayout.ROW_MAJOR, full);
            if (c.top()) {
                double[] top = Arrays.copyOfRange(full, COLS - 16, COLS);
                for (int i = 0; i < 16; i++) {
                    assertEquals(top[i], c.values()[i], 1e-8 * top[i]);
                }
            } else {
                assertArrayEquals(full, c.values(), 1e-9 * full[COLS - 1]);
            }
            seen.add((c.top() ? "top" : "full") + "/" + c.forced());
        }
        // 0: scheduled full; 1: a cold tracked start on a bulk, > 1 cycle: slow; 2, 3: the back-off's
        // full spectra; 4: tracked again.
        assertEquals(List.of("full/NONE", "top/NONE", "full/SLOW_TRACKING", "full/SLOW_TRACKING", "top/NONE"), seen);
    }
}

package org.dysonmonitor.store;

import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.Spectrum;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Real layer reports for the store's tests: a 10×10 layer with the RBM's target spectrum
 * (physics.md §5: four degenerate pairs), fed noisy spectra around it by a real LayerStatistics.
 */
final class Reports {

    static final double[] RBM_TARGET = {1, 1.382, 1.382, 2.382, 2.382, 3.618, 3.618, 4.618, 4.618, 5};

    private final LayerStatistics statistics;
    private final SplittableRandom rng;
    private final int modes;
    private final double[] target;
    private long step;

    Reports(String run, String layer, long seed) {
        this(run, layer, 10, RBM_TARGET, seed);
    }

    Reports(String run, String layer, int modes, double[] target, long seed) {
        this.statistics = new LayerStatistics(run, layer, modes, modes, target, LayerStatistics.Config.defaults());
        this.rng = new SplittableRandom(seed);
        this.modes = modes;
        this.target = target;
    }

    LayerReport next() {
        double[] x = new double[modes];
        for (int i = 0; i < modes; i++) {
            double centre = target == null ? 1.0 + i : target[i];
            x[i] = Math.max(0, centre + 0.05 * rng.nextGaussian());
        }
        Arrays.sort(x);
        return statistics.update(step++, new Spectrum(modes, modes, x), 0.1, 16);
    }

    LayerStatistics statistics() {
        return statistics;
    }
}

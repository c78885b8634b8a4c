package org.dysonmonitor.metrics;

import java.util.ArrayList;
import java.util.List;
import org.dysonmonitor.rmt.DysonDynamics;
import org.dysonmonitor.rmt.DysonReport;
import org.dysonmonitor.rmt.LayerDynamics;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.PairReport;

/**
 * Hand-made LayerReports with numbers a test can predict: every statistic is a fixed function of
 * the eigenvalues and a scale factor, so a second report with another scale differs everywhere.
 */
final class TestReports {

    /** Unfolded spacings with known cumulative counts at the buckets 0.1 … 4.0 (see the tests). */
    static final double[] SPACINGS = {0.05, 0.1, 0.15, 0.3, 0.95, 1.0, 1.05, 2.5, 4.0};

    private TestReports() {
    }

    /** Eigenvalues x_mode = scale · (mode + 1) for modes 0 … n−1. */
    static double[] eigenvalues(int n, double scale) {
        double[] x = new double[n];
        for (int m = 0; m < n; m++) {
            x[m] = scale * (m + 1);
        }
        return x;
    }

    /** Pairs "0-1", "2-3", … with σ̂² = scale·0.1·k and so on, k = 1 … count. */
    static List<PairReport> pairs(int count, double scale) {
        List<PairReport> pairs = new ArrayList<>();
        for (int k = 1; k <= count; k++) {
            int lower = 2 * (k - 1);
            pairs.add(new PairReport(lower + "-" + (lower + 1), lower, lower + 1, lower + 1.5, 100,
                    sigmaSquared(k, scale), 0.001, 0.5, 0.01, spacingS2(k, scale), 0.01,
                    binderCumulant(k, scale), 0.001, sigmaSquaredPerLrBatch(k, scale)));
        }
        return pairs;
    }

    static double sigmaSquared(int k, double scale) {
        return scale * 0.1 * k;
    }

    static double spacingS2(int k, double scale) {
        return scale * (1.25 + 0.01 * k);
    }

    static double binderCumulant(int k, double scale) {
        return -scale * (0.125 + 0.001 * k);
    }

    static double sigmaSquaredPerLrBatch(int k, double scale) {
        return scale * 320 * k;
    }

    /** Mean of x_mode over the window: x + 0.5·scale. */
    static double mean(int mode, double scale) {
        return scale * (mode + 1.5);
    }

    /** Variance of x_mode over the window: 0.01·scale·(mode + 1). */
    static double variance(int mode, double scale) {
        return 0.01 * scale * (mode + 1);
    }

    /**
     * A report of {@code modes} eigenvalues scale·1 … scale·modes, {@code pairCount} pairs, the
     * {@link #SPACINGS}, and a target spectrum if {@code withTarget}.
     */
    static LayerReport report(String run, String layer, long step, int modes, double scale, int pairCount,
                              boolean withTarget) {
        double[] x = eigenvalues(modes, scale);
        double[] mean = new double[modes];
        double[] variance = new double[modes];
        for (int m = 0; m < modes; m++) {
            mean[m] = mean(m, scale);
            variance[m] = variance(m, scale);
        }
        double[] quantiles = {scale, scale * 3.25, scale * 5.5, scale * 7.75, scale * 10};
        double[] target = withTarget ? eigenvalues(modes, 1.0) : new double[0];
        return LayerReport.builder(run, layer, step, modes, 2 * modes)
                .snapshots(step / 10)
                .spectrum(x, mean, variance, quantiles)
                .spacings(0.53 * scale, 0.12 * scale, 0.34 * scale, SPACINGS)
                .marchenkoPastur(0.07 * scale, (int) (2 * scale), 8.5 * scale)
                .norms(Math.sqrt(x[modes - 1]), 5.5 * scale)
                .target(target, withTarget ? 0.25 * scale : Double.NaN)
                .convergence(true, scale == 1.0)
                .hyperparameters(0.01, 32)
                .pairs(pairs(pairCount, scale), new double[pairCount > 0 ? 40 : 0])
                .powerLaw(3.5 * scale, 0.1 * scale, 2.0 * scale, 0.04 * scale, 6)
                .heavyTail(3.5 * scale, 1.7 * scale, 1.0 * scale, 3.9 * scale, 0.4 * scale, 0.8 * scale, "ok")
                .baseline(0.3 * scale, (int) (3 * scale), step)
                .rigidity(lengthMap(0.1 * scale), lengthMap(0.2 * scale))
                .build();
    }

    /** {"2": v·2, "5": v·5, "10": v·10, "20": v·20}: Δ₃ or Σ² growing with L. */
    static java.util.Map<String, Double> lengthMap(double v) {
        java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
        for (int length : org.dysonmonitor.rmt.SpectralRigidity.LENGTHS) {
            m.put(Integer.toString(length), v * length);
        }
        return m;
    }

    /** The ten-mode report with four pairs and a target that most tests use. */
    static LayerReport tenModes(String run, String layer, double scale) {
        return report(run, layer, 1000, 10, scale, 4, true);
    }

    /**
     * A real measurement of two AR(1) modes (x_{t+1} − c = 0.9(x_t − c) + 0.01η, 60 snapshots one update
     * apart, seeded): a {@link DysonReport} with two rows, for reports that must carry the dynamics' series.
     */
    static DysonReport dynamics() {
        LayerDynamics d = new LayerDynamics(2, List.of(), DysonDynamics.Config.defaults());
        org.apache.commons.math3.random.MersenneTwister rng = new org.apache.commons.math3.random.MersenneTwister(7);
        double[] x = {1, 2};
        DysonReport out = DysonReport.NONE;
        for (int t = 1; t <= 60; t++) {
            x[0] = 1 + 0.9 * (x[0] - 1) + 0.01 * rng.nextGaussian();
            x[1] = 2 + 0.9 * (x[1] - 2) + 0.01 * rng.nextGaussian();
            out = d.add(t, x, t / 100.0, 0.1, 16);
        }
        return out;
    }
}

package org.dysonmonitor.rmt;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LayerStatistics brings every piece together; these tests feed it spectra whose statistics are
 * known from theory and check the reports.
 */
class LayerStatisticsTest {

    private static final LayerStatistics.Config CONFIG = LayerStatistics.Config.defaults();

    /**
     * Independent Wishart spectra (W_ij ~ N(0, 1/M)): GOE-like repulsion, Marchenko-Pastur bulk,
     * no spikes, and, since nothing drifts, stationary once the test has its 20 blocks.
     */
    /**
     * A layer of low rank has no Marchenko-Pastur bulk: a constant 12×8 matrix (rank 1: one
     * eigenvalue 12·8 = 96, seven zeros) and an all-zero one (a zero-initialised adapter) are reported,
     * with the fit's fields NaN, instead of failing the layer.
     */
    @Test
    void lowRankAndZeroLayersAreReportedWithoutAMarchenkoPasturFit() {
        LayerStatistics stats = new LayerStatistics("r", "lora_B", 12, 8, null, CONFIG);
        double[] rankOne = new double[8];
        rankOne[7] = 96;
        LayerReport report = stats.update(1, new Spectrum(12, 8, rankOne), 0.01, 32);
        assertEquals(96, report.eigenvalue(7), 0);
        assertTrue(Double.isNaN(report.mpKsDistance()) && Double.isNaN(report.mpUpperEdge()), report::toString);
        assertEquals(0, report.mpSpikes());

        report = stats.update(2, new Spectrum(12, 8, new double[8]), 0.01, 32);
        assertEquals(0, report.eigenvalue(7), 0);
        assertTrue(Double.isNaN(report.mpUpperEdge()), report::toString);
    }

    @Test
    void wishartStreamShowsRepulsionMarchenkoPasturAndBecomesStationary() {
        int rows = 400;
        int cols = 200;
        org.apache.commons.math3.random.RandomGenerator rng = new org.apache.commons.math3.random.Well19937c(2024);
        LayerStatistics stats = new LayerStatistics("r", "W", rows, cols, null, CONFIG);
        LayerReport report = null;
        double[][] fed = new double[260][];
        double[] ratios = new double[fed.length];
        for (int t = 0; t < fed.length; t++) {
            fed[t] = BulkTestSpectra.wishart(rows, cols, 1.0 / rows, rng);
            report = stats.update(t, new Spectrum(rows, cols, fed[t]), 0.01, 32);
            ratios[t] = report.spacingRatioMean();
        }
        // ⟨r̃⟩ of each report, over 260 independent 200-level spectra: their mean is GOE's 0.5307 within
        // 4 standard errors of that mean (from the reports' own spread; one spectrum's ⟨r̃⟩ spreads by
        // ≈ 0.02), which rules out Poisson's 0.386 by far more than that.
        double mean = java.util.Arrays.stream(ratios).average().orElseThrow();
        double se = Math.sqrt(java.util.Arrays.stream(ratios).map(r -> (r - mean) * (r - mean)).sum()
                / (ratios.length - 1) / ratios.length);
        assertEquals(SpacingRatio.GOE_MEAN, mean, 4 * se, "mean ⟨r̃⟩ over the reports ± " + se);
        assertTrue(se < 0.005, "standard error " + se);
        assertTrue(report.spacingKsWigner() < report.spacingKsPoisson(),
                "Wigner " + report.spacingKsWigner() + " vs Poisson " + report.spacingKsPoisson());
        // KS critical value at α = 1e-3 for n = 200 is 1.95/√200 ≈ 0.14; rigid spectra do better.
        assertTrue(report.mpKsDistance() < KolmogorovSmirnov.criticalValue(cols, 1e-3), "MP KS " + report.mpKsDistance());
        assertEquals(0, report.mpSpikes());
        assertEquals(rows * (1.0 / rows) * Math.pow(1 + Math.sqrt(0.5), 2), report.mpUpperEdge(), 0.05 * 2.914);
        assertTrue(report.stationary(), "i.i.d. spectra are stationary after 20 blocks of 10");
        assertTrue(report.converged(), "without a target, converged = stationary");
        assertEquals(Double.NaN, report.targetDistance());
        assertTrue(report.pairs().isEmpty());
        assertEquals(0, report.pairSpacingHistogram().length);

        // Window means are exactly the means of the last 100 spectra fed in.
        for (int mode : new int[] {0, 99, 199}) {
            double sum = 0;
            for (int t = fed.length - 100; t < fed.length; t++) {
                sum += fed[t][mode];
            }
            assertEquals(sum / 100, report.eigenvalueMean(mode), 1e-12);
        }
        Spectrum last = new Spectrum(rows, cols, fed[fed.length - 1]);
        assertEquals(last.quantile(0.5), report.eigenvalueQuantile(2), 0);
        assertEquals(last.spectralNorm(), report.spectralNorm(), 0);
        assertEquals(last.stableRank(), report.stableRank(), 0);
        assertEquals(fed.length, report.snapshots());
    }

    /**
     * A 4-mode layer whose middle two modes are a degenerate pair drawn from the two-level density
     * (a 2×2 GOE block, diagonal N(κ, σ²), off-diagonal N(0, σ²/2)), the others Gaussian about
     * their targets. The pair's statistics must reproduce physics.md §3.
     */
    @Test
    void degeneratePairOfATargetReproducesTheTwoLevelDensity() {
        double kappa = 3;
        double sigma = 0.1;
        double[] target = {1, kappa, kappa, 6};
        LayerStatistics stats = new LayerStatistics("r", "W", 4, 4, target, CONFIG);
        SplittableRandom rng = new SplittableRandom(7);
        double lr = 0.1;
        int batch = 16;
        LayerReport report = null;
        for (int t = 0; t < 40_000; t++) {
            report = stats.update(t, new Spectrum(4, 4, pairSpectrum(rng, kappa, sigma)), lr, batch);
        }
        assertTrue(report.stationary());
        assertTrue(report.converged());
        assertEquals(1, report.pairs().size());
        PairReport pair = report.pairs().get(0);
        assertEquals("1-2", pair.pair());
        assertEquals(kappa, pair.centre());
        assertTrue(pair.samples() > 39_000, "pairs collect from stationarity on: " + pair.samples());
        // Every estimate within 5 of its own jackknife standard errors of the theory value.
        assertEquals(sigma * sigma, pair.sigmaSquared(), 5 * pair.sigmaSquaredError());
        assertEquals(Math.sqrt(Math.PI) * sigma, pair.meanSpacing(), 5 * pair.meanSpacingError());
        assertEquals(4 / Math.PI, pair.spacingS2(), 5 * pair.spacingS2Error());
        assertEquals(-4.0 / 27, pair.binderCumulant(), 5 * pair.binderCumulantError());
        // σ²/(α/|B|) against its theory value, within the same 5 SE scaled by |B|/α.
        assertEquals(sigma * sigma * batch / lr, pair.sigmaSquaredPerLrBatch(), 5 * pair.sigmaSquaredError() * batch / lr);

        // The pooled rescaled-spacing histogram is a density following the Wigner surmise.
        double[] h = report.pairSpacingHistogram();
        assertEquals(40, h.length);
        assertEquals(1.0, Arrays.stream(h).sum() * LayerReport.PAIR_HISTOGRAM_BIN, 0.01);
        double bin = LayerReport.PAIR_HISTOGRAM_BIN;
        for (int i = 0; i < 20; i++) {
            // The Wigner surmise's CDF in closed form, F(s) = 1 − exp(−πs²/4), not the class under test.
            double expected = (Math.exp(-Math.PI * i * bin * i * bin / 4)
                    - Math.exp(-Math.PI * (i + 1) * bin * (i + 1) * bin / 4)) / bin;
            // 4096 recent spacings: a bin holds ~4096·p·… counts; 5 Poisson standard deviations.
            double sd = Math.sqrt(expected * bin * 4096) / (4096 * bin);
            assertEquals(expected, h[i], 5 * sd + 1e-3, "bin " + i);
        }
        // Repulsion: the ordered pair's means sit at κ ∓ ⟨S⟩/2 = κ ∓ √π σ/2, so the RMS distance of
        // the 4 window means to the target is √(2·(√π σ/2)²/4) = √π σ/(2√2) ≈ 0.0627. The window
        // mean of 100 snapshots moves each by ~0.07σ/… ≈ 0.007; 0.015 allows twice that.
        assertEquals(Math.sqrt(Math.PI) * sigma / (2 * Math.sqrt(2)), report.targetDistance(), 0.015);
    }

    @Test
    void pairStatisticsRestartWhenLearningRateOrBatchChange() {
        double[] target = {1, 3, 3, 6};
        LayerStatistics stats = new LayerStatistics("r", "W", 4, 4, target, CONFIG);
        SplittableRandom rng = new SplittableRandom(3);
        LayerReport report = null;
        for (int t = 0; t < 1000; t++) {
            report = stats.update(t, new Spectrum(4, 4, pairSpectrum(rng, 3, 0.1)), 0.1, 16);
        }
        long before = report.pairs().get(0).samples();
        assertTrue(before > 500);
        report = stats.update(1000, new Spectrum(4, 4, pairSpectrum(rng, 3, 0.1)), 0.1, 32);
        assertEquals(1, report.pairs().get(0).samples(), "σ² depends on α/|B|: a change starts afresh");
    }

    @Test
    void aRelaxingSpectrumIsNotStationaryWhileItMoves() {
        LayerStatistics stats = new LayerStatistics("r", "W", 2, 2, new double[] {1, 2}, CONFIG);
        SplittableRandom rng = new SplittableRandom(5);
        for (int t = 0; t < 400; t++) {
            // x(t) relaxes from 5 to its target with a time constant of 2000 snapshots: still moving.
            double drift = 4 * Math.exp(-t / 2000.0);
            double a = 1 + drift + 0.01 * rng.nextGaussian();
            double b = 2 + drift + 0.01 * rng.nextGaussian();
            LayerReport r = stats.update(t, new Spectrum(2, 2, new double[] {Math.min(a, b), Math.max(a, b)}), 0.1, 16);
            assertFalse(r.stationary(), "step " + t);
            assertFalse(r.converged());
            assertEquals(0, r.pairs().size());
        }
    }

    @Test
    void rejectsShapesThatAreNotTheLayers() {
        LayerStatistics stats = new LayerStatistics("r", "W", 4, 3, null, CONFIG);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> stats.update(0, new Spectrum(3, 4, new double[] {1, 2, 3}), 0.1, 16));
        assertTrue(e.getMessage().contains("layer W is 4×3, snapshot is 3×4"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new LayerStatistics("r", "W", 4, 3, new double[] {1, 2}, CONFIG));
    }

    /** Ascending spectrum {≈1, pair about κ, ≈6}. */
    private static double[] pairSpectrum(SplittableRandom rng, double kappa, double sigma) {
        double a = kappa + sigma * rng.nextGaussian();
        double d = kappa + sigma * rng.nextGaussian();
        double b = sigma / Math.sqrt(2) * rng.nextGaussian();
        double mean = 0.5 * (a + d);
        double radius = Math.sqrt(0.25 * (a - d) * (a - d) + b * b);
        double[] x = {1 + 0.05 * rng.nextGaussian(), mean - radius, mean + radius, 6 + 0.05 * rng.nextGaussian()};
        Arrays.sort(x);
        return x;
    }

    /**
     * A Gaussian layer through the diagnostics: a random bulk is not a power law worth the name (α far
     * above 6), it is its own randomized baseline, and its unfolded bulk is as rigid as the GOE.
     */
    @Test
    void diagnosticsOfARandomLayerWithABaselineEveryThirdSnapshot() {
        int rows = 400;
        int cols = 200;
        org.apache.commons.math3.random.RandomGenerator rng = new org.apache.commons.math3.random.Well19937c(77);
        LayerStatistics stats = new LayerStatistics("r", "W", rows, cols, null, CONFIG.withBaselineEvery(3));
        int[] solves = {0};
        RandomizedBaseline.GramEigenvalues ejml = (values, r, c, out) -> {
            solves[0]++;
            double[] x = BulkTestSpectra.gramEigenvalues(org.ejml.data.DMatrixRMaj.wrap(r, c, values.clone()));
            System.arraycopy(x, 0, out, 0, x.length);
        };
        long[] baselineSteps = new long[5];
        LayerReport report = null;
        for (int t = 0; t < baselineSteps.length; t++) {
            org.ejml.data.DMatrixRMaj w = BulkTestSpectra.gaussian(rows, cols, 1.0 / rows, rng);
            double[] x = BulkTestSpectra.gramEigenvalues(w);
            report = stats.update(100 + t, new Spectrum(rows, cols, x), 0.01, 32, w.data, ejml);
            baselineSteps[t] = report.randomizedStep();
        }
        assertEquals(Arrays.toString(new long[] {100, 100, 100, 103, 103}), Arrays.toString(baselineSteps),
                "a baseline at the first snapshot, then every third");
        assertEquals(2, solves[0]);
        assertEquals(0, report.correlationTraps());
        assertTrue(report.randomizedDistance() < 0.15, "a random layer is its own baseline: " + report.randomizedDistance());
        assertTrue(report.powerlawAlpha() > 6, "an MP bulk has no power-law tail: α = " + report.powerlawAlpha());
        assertEquals(TrainingStatus.UNDER_TRAINED.label(), report.trainingStatus());
        assertEquals(report.mpUpperEdge() / report.eigenvalue(cols - 1), report.mpSoftrank(), 1e-15);
        assertEquals(Arrays.asList("2", "5", "10", "20"), new java.util.ArrayList<>(report.spectralRigidity().keySet()));
        // One 200-level spectrum: Δ₃(10) is GOE-like (exact 0.236), far from Poisson's 0.667.
        assertTrue(report.spectralRigidity(10) < 0.4, "Δ₃(10) = " + report.spectralRigidity(10));
        assertTrue(report.numberVariance(10) < 2, "Σ²(10) = " + report.numberVariance(10));

        LayerReport withoutWeights = new LayerStatistics("r", "W", rows, cols, null, CONFIG)
                .update(1, new Spectrum(rows, cols, report.eigenvalues()), 0.01, 32);
        assertEquals(-1, withoutWeights.randomizedStep());
        assertEquals(null, withoutWeights.correlationTraps());
        assertEquals(report.powerlawAlpha(), withoutWeights.powerlawAlpha(), 0, "the fit needs no W");
    }
}

package org.dysonmonitor.sweep;

import org.dysonmonitor.rmt.PairReport;
import org.dysonmonitor.rmt.TwoLevelDensity;
import org.dysonmonitor.rmt.WignerSurmise;
import org.dysonmonitor.sweep.SweepSummary.Point;
import org.dysonmonitor.sweep.SweepSummary.WidthFit;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pooling across runs, jackknife errors and fits, on runs built by hand. */
class SweepAnalysisTest {

    private static final List<Setting> SETTINGS = List.of(new Setting(0.1, 16), new Setting(0.1, 32));
    /** Target x of two RBM pairs: κ = 7.618 and 4.382. */
    private static final double[] CENTRES = {1.382, 4.618};
    private static final int N = 100;

    /**
     * Run r has ⟨S⟩ = a_r·X and σ̂² = c_r·(α/|B|)(μ² − κ) at every point, a_r = 2 + 0.2r, c_r = 1.5 + 0.1r.
     * Equal samples per run, so the pooled values are the means ā = 2.5, c̄ = 1.75, and every
     * leave-one-run-out sample lies exactly on a line: the fits return the leave-one-out means, whose
     * jackknife error is the standard error of the mean, sd/√R.
     */
    private static SweepData handMade(int runs) {
        SweepPlan plan = SweepPlan.create(TrainerKind.RBM, List.of(0.1), List.of(16, 32), runs, 40_000L, 10_000L, 20, 1,
                TrainerKind.DEFAULT_EPSILON);
        List<RunResult> results = new ArrayList<>();
        for (RunPlan rp : plan.pooledRuns()) {
            int r = rp.index();
            double a = 2.0 + 0.2 * r;
            double c = 1.5 + 0.1 * r;
            List<PairReport> pairs = new ArrayList<>();
            List<PairSeries> series = new ArrayList<>();
            for (int p = 0; p < CENTRES.length; p++) {
                double x = Math.sqrt(rp.setting().alphaOverBatch() * CENTRES[p]);
                double spacing = a * x;
                double sigma2 = c * rp.setting().alphaOverBatch() * CENTRES[p];
                String label = (2 * p + 1) + "-" + (2 * p + 2);
                pairs.add(new PairReport(label, 2 * p + 1, 2 * p + 2, CENTRES[p], N, sigma2, 0.002, spacing, 0.003,
                        1.27, 0.01, -0.15, 0.02, sigma2 / rp.setting().alphaOverBatch()));
                long[] steps = new long[N];
                double[] lo = new double[N];
                double[] hi = new double[N];
                for (int i = 0; i < N; i++) {
                    steps[i] = 10_000 + 20L * i;
                    lo[i] = CENTRES[p] - spacing / 2;
                    hi[i] = CENTRES[p] + spacing / 2;
                }
                series.add(new PairSeries(label, 2 * p + 1, 2 * p + 2, CENTRES[p], steps, lo, hi));
            }
            results.add(new RunResult(rp, pairs, series, N));
        }
        return new SweepData(plan, results, null, List.of(), false,
                new SweepData.Conditions(Duration.ofSeconds(1), 2, 4, 2, Double.NaN, Double.NaN));
    }

    /** Standard deviation of {x0, x0 + d, …, x0 + (n−1)d} over √n: the jackknife error of its mean. */
    private static double errorOfMean(double step, int n) {
        double mean = step * (n - 1) / 2.0;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            ss += (step * i - mean) * (step * i - mean);
        }
        return Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
    }

    @Test
    void pooledEstimatesAndTheirJackknifeErrorsOverRuns() {
        SweepSummary s = SweepAnalysis.analyse(handMade(6));
        assertEquals(4, s.points().size());
        for (Point p : s.points()) {
            double x = Math.sqrt(p.setting().alphaOverBatch() * p.centre());
            assertTrue(p.errorsFromRuns());
            assertEquals(6, p.runs());
            assertEquals(6 * N, p.samples());
            assertEquals(2.5 * x, p.meanSpacing().value(), 1e-12);
            assertEquals(errorOfMean(0.2, 6) * x, p.meanSpacing().error(), 1e-12);
            assertEquals(1.75, p.coefficient().value(), 1e-12);
            assertEquals(errorOfMean(0.1, 6), p.coefficient().error(), 1e-12);
            assertEquals(x, p.predictor(), 1e-12);
            assertEquals(-0.15, p.binderAboutTarget().value(), 1e-12, "the monitor's U₄, sample-weighted");
        }
    }

    @Test
    void fitThroughTheOriginHasTheJackknifeErrorOfTheRunSlopes() {
        SweepSummary s = SweepAnalysis.analyse(handMade(6));
        assertEquals(2.5, s.spacingFit().slope(), 1e-12);
        assertEquals(errorOfMean(0.2, 6), s.spacingFit().error(), 1e-12); // 0.15275…
        assertEquals(4, s.spacingFit().points());
        assertEquals(0.0, s.spacingFit().chiSquaredPerDof(), 1e-12);
    }

    @Test
    void linearFitsPerPairHaveSlopeCoefficientTimesWidthAndJackknifeErrors() {
        SweepSummary s = SweepAnalysis.analyse(handMade(6));
        assertEquals(2, s.widthFits().size());
        for (WidthFit f : s.widthFits()) {
            assertEquals(f.widthScale() * 1.75, f.linear().slope(), 1e-9);
            assertEquals(f.widthScale() * errorOfMean(0.1, 6), f.linear().slopeError(), 1e-9);
            assertEquals(0.0, f.linear().intercept(), 1e-12);
            assertEquals(1.0, f.coefficient().value() / 1.75, 1e-9);
            assertEquals(2, f.linear().points());
        }
        assertEquals(1.382, s.widthFits().get(0).widthScale(), 1e-12, "μ² − κ = σ_h² x_t");
    }

    @Test
    void withFewRunsErrorsArePropagatedFromTheMonitor() {
        SweepSummary s = SweepAnalysis.analyse(handMade(3));
        for (Point p : s.points()) {
            assertFalse(p.errorsFromRuns());
            assertEquals(0.002 / Math.sqrt(3), p.sigmaSquared().error(), 1e-12, "√(Σ n²e²)/Σn, equal n and e");
            assertEquals(0.003 / Math.sqrt(3), p.meanSpacing().error(), 1e-12);
        }
        assertTrue(s.spacingFit().error() > 0, "from the fit weights");
        assertTrue(SummaryMarkdown.of(s).contains("propagated from the monitor"));
    }

    /**
     * Pairs drawn from the two-level density itself (2×2 GOE: diagonal N(x_t + δ, σ²), off-diagonal
     * N(0, σ²/2)), with the monitor's numbers computed from the same samples: the analysis must
     * recover ⟨s²⟩ = 4/π, U₄ = −4/27 about the shifted centre, the offset δ, a Wigner KS distance below
     * its critical value and a Poisson one far above, all within computed errors.
     */
    @Test
    void sampledTwoLevelPairsRecoverTheTheory() {
        double sigma = 0.05;
        double offset = -0.03;
        int n = 3000;
        SweepPlan plan = SweepPlan.create(TrainerKind.RBM, List.of(0.1), List.of(16), 8, 100_000L, 10_000L, 20, 1, 0.05);
        SplittableRandom rng = new SplittableRandom(2024);
        List<RunResult> results = new ArrayList<>();
        for (RunPlan rp : plan.pooledRuns()) {
            long[] steps = new long[n];
            double[] lo = new double[n];
            double[] hi = new double[n];
            double s1 = 0;
            double s2 = 0;
            for (int i = 0; i < n; i++) {
                double a = CENTRES[1] + offset + sigma * rng.nextGaussian();
                double d = CENTRES[1] + offset + sigma * rng.nextGaussian();
                double b = sigma / Math.sqrt(2) * rng.nextGaussian();
                double half = Math.hypot((a - d) / 2, b);
                steps[i] = 10_000 + 20L * i;
                lo[i] = (a + d) / 2 - half;
                hi[i] = (a + d) / 2 + half;
                s1 += 2 * half;
                s2 += 4 * half * half;
            }
            double mean = s1 / n;
            double sig2 = s2 / n / 4;
            PairReport pr = new PairReport("7-8", 7, 8, CENTRES[1], n, sig2, 0.01 * sig2, mean, 0.01 * mean,
                    s2 / n / (mean * mean), 0.01, -0.15, 0.01, sig2 / rp.setting().alphaOverBatch());
            results.add(new RunResult(rp, List.of(pr), List.of(new PairSeries("7-8", 7, 8, CENTRES[1], steps, lo, hi)), n));
        }
        SweepSummary s = SweepAnalysis.analyse(new SweepData(plan, results, null, List.of(), false,
                new SweepData.Conditions(Duration.ofSeconds(1), 2, 4, 2, Double.NaN, Double.NaN)));
        Point p = s.points().get(0);
        assertEquals(WignerSurmise.MEAN_S_SQUARED, p.spacingS2().value(), 4 * p.spacingS2().error());
        assertEquals(TwoLevelDensity.BINDER_CUMULANT, p.binder().value(), 4 * p.binder().error());
        assertEquals(offset, p.centreOffset().value(), 4 * p.centreOffset().error());
        assertEquals(sigma * sigma, p.sigmaSquared().value(), 4 * p.sigmaSquared().error());
        assertEquals(8 * n, p.effectiveSamples(), 0.15 * 8 * n, "independent samples: τ_int ≈ ½");
        KsResult ks = s.ksAll();
        assertTrue(ks.dWigner() < ks.critical001(), ks.toString());
        assertTrue(ks.dPoisson() > 10 * ks.critical001(), ks.toString());
        assertEquals(TwoLevelDensity.BINDER_CUMULANT, s.densities().get(0).binder().value(),
                4 * s.densities().get(0).binder().error());
    }
}

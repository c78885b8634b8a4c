package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.junit.jupiter.api.Test;

class PairStatisticsTest {

    private static final DegeneratePair PAIR = new DegeneratePair(0, 1);
    private static final double KAPPA = 3.0;
    private static final double SIGMA = 0.25;

    /** Number of standard errors allowed for a central value. */
    private static final double Z = 5.0;

    /**
     * n·Var of the i.i.d. estimators for the two-level distribution, σ = 1 (physics.md §3):
     * S² ~ Exponential(mean 4σ²) so Var(S²/4) = σ⁴; Var(S) = (4 − π)σ²; and by the delta method
     * for ⟨S²⟩/⟨S⟩² with ⟨S³⟩ = 6√π σ³: Var = (256 − 80π)/π³.
     */
    private static final double N_VAR_SIGMA_SQUARED = 1.0;
    private static final double N_VAR_MEAN_SPACING = 4.0 - Math.PI;
    private static final double N_VAR_RESCALED_S2 = (256.0 - 80.0 * Math.PI) / Math.pow(Math.PI, 3);

    /**
     * One 2×2 GOE matrix [[a, b], [b, c]] per snapshot with a, c ~ N(κ, σ²) and b ~ N(0, σ²/2), whose
     * eigenvalue density is ∝ |x₁−x₂| e^{−Σ(x−κ)²/(2σ²)}. With φ &gt; 0 the entries follow an AR(1)
     * chain e ← φ e + √(1−φ²) ξ, which keeps this marginal and correlates consecutive snapshots.
     */
    private static final class GoeChain {
        private final SplittableRandom rng;
        private final double phi;
        private final double innovation;
        private double za;
        private double zc;
        private double zb;
        private final double[] spectrum = new double[2];

        GoeChain(long seed, double phi) {
            this.rng = new SplittableRandom(seed);
            this.phi = phi;
            this.innovation = Math.sqrt(1.0 - phi * phi);
            za = rng.nextGaussian();
            zc = rng.nextGaussian();
            zb = rng.nextGaussian();
        }

        double[] next() {
            za = phi * za + innovation * rng.nextGaussian();
            zc = phi * zc + innovation * rng.nextGaussian();
            zb = phi * zb + innovation * rng.nextGaussian();
            double a = KAPPA + SIGMA * za;
            double c = KAPPA + SIGMA * zc;
            double b = SIGMA / Math.sqrt(2.0) * zb;
            double mid = 0.5 * (a + c);
            double r = Math.hypot(0.5 * (a - c), b);
            spectrum[0] = mid - r;
            spectrum[1] = mid + r;
            return spectrum;
        }
    }

    /** Relative s.d. of a jackknife error from g blocks: √(1/(2(g−1))) (χ²_{g−1} scatter of a variance). */
    private static double jackknifeRelativeSd(int blocks) {
        return Math.sqrt(1.0 / (2.0 * (blocks - 1)));
    }

    @Test
    void goeSamplesReproduceTwoLevelValuesWithAndWithoutKnownCentre() {
        int n = 400_000;
        PairStatistics known = new PairStatistics(PAIR, KAPPA);
        PairStatistics unknown = new PairStatistics(PAIR, Double.NaN);
        GoeChain chain = new GoeChain(42L, 0.0);
        for (int i = 0; i < n; i++) {
            double[] x = chain.next();
            known.add(x);
            unknown.add(x);
        }
        double s2 = SIGMA * SIGMA;
        for (PairStatistics p : new PairStatistics[] {known, unknown}) {
            assertEquals(n, p.count());
            // Exact i.i.d. standard errors (see N_VAR_* above), Z of them.
            assertEquals(s2, p.sigmaSquared(), Z * s2 * Math.sqrt(N_VAR_SIGMA_SQUARED / n));
            assertEquals(TwoLevelDensity.MEAN_SPACING_OVER_SIGMA * SIGMA, p.meanSpacing(),
                    Z * SIGMA * Math.sqrt(N_VAR_MEAN_SPACING / n));
            assertEquals(TwoLevelDensity.MEAN_S_SQUARED, p.rescaledSpacingSquared(), Z * Math.sqrt(N_VAR_RESCALED_S2 / n));
            // Centre (a + c)/2 ~ N(κ, σ²/2).
            assertEquals(KAPPA, p.meanCentre(), Z * SIGMA * Math.sqrt(0.5 / n));
            // U₄: no closed-form variance for the pooled pair, so Z jackknife errors (checked against
            // the spread of repetitions in jackknifeErrorsMatchSpreadOfIndependentRepetitions).
            assertEquals(TwoLevelDensity.BINDER_CUMULANT, p.binderCumulant(), Z * p.binderCumulantError());

            // The jackknife errors agree with the exact i.i.d. errors within Z times their own
            // relative scatter √(1/(2(g−1))).
            double band = Z * jackknifeRelativeSd(p.blockCount());
            assertEquals(1.0, p.sigmaSquaredError() / (s2 * Math.sqrt(N_VAR_SIGMA_SQUARED / n)), band);
            assertEquals(1.0, p.meanSpacingError() / (SIGMA * Math.sqrt(N_VAR_MEAN_SPACING / n)), band);
            assertEquals(1.0, p.rescaledSpacingSquaredError() / Math.sqrt(N_VAR_RESCALED_S2 / n), band);
            assertEquals(1.0, p.meanCentreError() / (SIGMA * Math.sqrt(0.5 / n)), band);
            assertTrue(p.blockCount() >= PairStatistics.DEFAULT_BLOCKS / 2 && p.blockCount() <= PairStatistics.DEFAULT_BLOCKS);
        }
        // Same data, same spacing statistics regardless of the centre convention.
        assertEquals(known.rescaledSpacingSquared(), unknown.rescaledSpacingSquared(), 0.0);
        // About the sample mean vs about κ: they differ by O(1/n) plus the O(1/√n) mean offset
        // squared effect; both estimate −4/27, so they agree within the jackknife error.
        assertEquals(known.binderCumulant(), unknown.binderCumulant(), known.binderCumulantError());
    }

    private static double mean(double[] v) {
        double s = 0.0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double sd(double[] v) {
        double m = mean(v);
        double ss = 0.0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (v.length - 1));
    }

    private static double rms(double[] v) {
        double ss = 0.0;
        for (double x : v) {
            ss += x * x;
        }
        return Math.sqrt(ss / v.length);
    }

    /**
     * The ratio (observed s.d. of R estimates)/(RMS jackknife error) should be 1. The sample s.d. of
     * R Gaussian estimates satisfies (R−1)sd²/σ² ~ χ²_{R−1}; take its two-sided 10⁻⁴ quantiles and
     * widen by Z times the relative scatter of the RMS of R jackknife errors, 1/√(2(g−1)R).
     */
    private static void assertConsistent(double[] estimates, double[] errors, int blocks) {
        int r = estimates.length;
        ChiSquaredDistribution chi2 = new ChiSquaredDistribution(r - 1);
        double lo = Math.sqrt(chi2.inverseCumulativeProbability(1e-4) / (r - 1));
        double hi = Math.sqrt(chi2.inverseCumulativeProbability(1 - 1e-4) / (r - 1));
        double slack = Z * jackknifeRelativeSd(blocks) / Math.sqrt(r);
        double ratio = sd(estimates) / rms(errors);
        assertTrue(ratio > lo * (1 - slack) && ratio < hi * (1 + slack),
                "spread/jackknife = " + ratio + " outside [" + lo * (1 - slack) + ", " + hi * (1 + slack) + "]");
    }

    @Test
    void jackknifeErrorsMatchSpreadOfIndependentRepetitions() {
        int reps = 20;
        int n = 20_000;
        double[][] est = new double[4][reps];
        double[][] err = new double[4][reps];
        int minBlocks = Integer.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            PairStatistics p = new PairStatistics(PAIR, KAPPA);
            GoeChain chain = new GoeChain(1000L + r, 0.0);
            for (int i = 0; i < n; i++) {
                p.add(chain.next());
            }
            record(p, est, err, r);
            minBlocks = Math.min(minBlocks, p.blockCount());
        }
        for (int k = 0; k < 4; k++) {
            assertConsistent(est[k], err[k], minBlocks);
        }
    }

    private static void record(PairStatistics p, double[][] est, double[][] err, int r) {
        est[0][r] = p.sigmaSquared();
        err[0][r] = p.sigmaSquaredError();
        est[1][r] = p.meanSpacing();
        err[1][r] = p.meanSpacingError();
        est[2][r] = p.rescaledSpacingSquared();
        err[2][r] = p.rescaledSpacingSquaredError();
        est[3][r] = p.binderCumulant();
        err[3][r] = p.binderCumulantError();
    }

    /**
     * Consecutive snapshots correlated by an AR(1) chain of the matrix entries (φ = 0.9): the rebinned
     * blocks (≈ 300–600 snapshots ≫ τ_int ≈ 5–10) give errors that match the spread of repetitions,
     * while single-snapshot blocks (the naive i.i.d. error) underestimate it by √(2τ_int).
     */
    @Test
    void blockedJackknifeRespectsAutocorrelation() {
        double phi = 0.9;
        int reps = 20;
        int n = 20_000;
        double[][] est = new double[4][reps];
        double[][] err = new double[4][reps];
        double[] naiveSigma2Error = new double[reps];
        int minBlocks = Integer.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            PairStatistics blocked = new PairStatistics(PAIR, KAPPA);
            // More blocks than snapshots: never rebins, every block is one snapshot.
            PairStatistics naive = new PairStatistics(PAIR, KAPPA, 32_768, 1, 0);
            GoeChain chain = new GoeChain(5000L + r, phi);
            for (int i = 0; i < n; i++) {
                double[] x = chain.next();
                blocked.add(x);
                naive.add(x);
            }
            assertEquals(n, naive.blockCount());
            record(blocked, est, err, r);
            naiveSigma2Error[r] = naive.sigmaSquaredError();
            minBlocks = Math.min(minBlocks, blocked.blockCount());
        }
        for (int k = 0; k < 4; k++) {
            assertConsistent(est[k], err[k], minBlocks);
        }
        // S² = (a−c)² + 4b² is a sum of squared Gaussian AR(1) processes, so its autocorrelation is
        // φ^{2t} and τ_int = (1+φ²)/(2(1−φ²)); the blocked error exceeds the naive one by √(2τ_int).
        // Tolerance: Z times the relative scatter of the RMS of R blocked errors (the naive error from
        // 20 000 blocks is essentially exact).
        double tau = (1 + phi * phi) / (2 * (1 - phi * phi));
        double ratio = rms(err[0]) / rms(naiveSigma2Error);
        assertEquals(Math.sqrt(2 * tau), ratio, Math.sqrt(2 * tau) * Z * jackknifeRelativeSd(minBlocks) / Math.sqrt(reps));
    }

    @Test
    void mergeOfRunsEqualsOneStream() {
        int n = 10_000;
        // Summation of n terms rounds by at most n·ε relative; ×100 covers the ratio and the
        // central-moment arithmetic on top of the sums.
        double tol = 100.0 * n * Math.ulp(1.0);
        for (double centre : new double[] {KAPPA, Double.NaN}) {
            PairStatistics whole = new PairStatistics(PAIR, centre);
            PairStatistics first = new PairStatistics(PAIR, centre);
            PairStatistics second = new PairStatistics(PAIR, centre);
            GoeChain chainA = new GoeChain(7L, 0.5);
            GoeChain chainB = new GoeChain(8L, 0.5);
            for (int i = 0; i < n; i++) {
                double[] x = chainA.next();
                whole.add(x);
                first.add(x);
            }
            for (int i = 0; i < 3 * n / 2; i++) {
                // A shifted second run: its own first-snapshot shift differs from the first run's.
                double[] x = chainB.next().clone();
                x[0] += 0.01;
                x[1] += 0.01;
                whole.add(x);
                second.add(x);
            }
            first.merge(second);
            assertEquals(whole.count(), first.count());
            assertEquals(whole.sigmaSquared(), first.sigmaSquared(), tol * whole.sigmaSquared());
            assertEquals(whole.meanSpacing(), first.meanSpacing(), tol * whole.meanSpacing());
            assertEquals(whole.rescaledSpacingSquared(), first.rescaledSpacingSquared(), tol);
            assertEquals(whole.binderCumulant(), first.binderCumulant(), tol);
            assertEquals(whole.meanCentre(), first.meanCentre(), tol * KAPPA);
            assertTrue(first.blockCount() <= PairStatistics.DEFAULT_BLOCKS);
            // Errors of the merged blocks estimate the same quantity as the single stream's, each
            // with relative scatter ≈ 1/√(2(g−1)); allow Z of those for both.
            double band = Z * Math.sqrt(2.0) * jackknifeRelativeSd(PairStatistics.DEFAULT_BLOCKS / 2);
            assertEquals(1.0, first.sigmaSquaredError() / whole.sigmaSquaredError(), band);
            assertEquals(1.0, first.binderCumulantError() / whole.binderCumulantError(), band);
        }
    }

    @Test
    void mergeValidatesAndIgnoresEmpty() {
        PairStatistics a = new PairStatistics(PAIR, KAPPA);
        a.add(new double[] {2.9, 3.1});
        a.merge(new PairStatistics(PAIR, KAPPA));
        assertEquals(1, a.count());
        PairStatistics empty = new PairStatistics(PAIR, KAPPA);
        empty.merge(a);
        assertEquals(1, empty.count());
        assertEquals(0.2, empty.meanSpacing(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> a.merge(a));
        assertThrows(IllegalArgumentException.class, () -> a.merge(new PairStatistics(PAIR, Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> a.merge(new PairStatistics(PAIR, 2.0)));
        assertThrows(IllegalArgumentException.class, () -> a.merge(new PairStatistics(new DegeneratePair(1, 2), KAPPA)));
    }

    @Test
    void rebinningKeepsMemoryBoundedAndBlocksEqual() {
        PairStatistics p = new PairStatistics(PAIR, Double.NaN, 8, 3, 16);
        GoeChain chain = new GoeChain(3L, 0.0);
        for (int i = 1; i <= 100_000; i++) {
            p.add(chain.next());
            assertTrue(p.blockCount() <= 8);
            if (i >= 8 * 3) {
                assertTrue(p.blockCount() >= 4, "after the first rebin at least B/2 blocks remain");
            }
        }
        // Block lengths are L₀·2^k; 100 000 snapshots in ≤ 8 blocks need ≥ 12 500 per block.
        long len = p.blockLength();
        assertEquals(0, len % 3);
        assertEquals(1, Long.bitCount(len / 3));
        assertTrue(len * 8 >= 100_000 && len * 4 < 100_000 + len);
        assertTrue(Double.isFinite(p.binderCumulantError()));
    }

    @Test
    void recentSpacingsComeFromABoundedRing() {
        PairStatistics p = new PairStatistics(PAIR, 0.0, 100);
        for (int i = 1; i <= 250; i++) {
            p.add(new double[] {-0.5 * i, 0.5 * i}); // S = i
        }
        double[] last10 = p.recentRescaledSpacings(10);
        double meanLast10 = (241 + 250) / 2.0;
        for (int k = 0; k < 10; k++) {
            assertEquals((241 + k) / meanLast10, last10[k], 1e-15);
        }
        assertEquals(100, p.recentRescaledSpacings(1000).length);
        assertEquals(1.0, mean(p.recentRescaledSpacings(1000)), 1e-15);
        assertEquals(0, p.recentRescaledSpacings(0).length);

        PairStatistics other = new PairStatistics(PAIR, 0.0, 100);
        other.add(new double[] {-1000, 1000}); // S = 2000
        p.merge(other);
        double[] last2 = p.recentRescaledSpacings(2);
        assertArrayEquals(new double[] {250.0 / 1125.0, 2000.0 / 1125.0}, last2, 1e-15);

        PairStatistics none = new PairStatistics(PAIR, 0.0, 0);
        none.add(new double[] {-1, 1});
        assertEquals(0, none.recentRescaledSpacings(5).length);
    }

    @Test
    void validatesInputAndNeverModifiesIt() {
        PairStatistics p = new PairStatistics(new DegeneratePair(1, 2), Double.NaN);
        double[] x = {0.5, 1.0, 1.2, 3.0};
        double[] copy = x.clone();
        p.add(x);
        assertArrayEquals(copy, x);
        assertEquals(0.2, p.meanSpacing(), 1e-15);
        assertEquals(1.1, p.meanCentre(), 1e-15);
        assertTrue(Double.isNaN(p.sigmaSquaredError()), "one block: no error");
        assertThrows(IllegalArgumentException.class, () -> p.add(new double[] {1.0, 2.0}));
        assertThrows(IllegalArgumentException.class, () -> p.add(new double[] {0, Double.NaN, 1, 2}));
        assertThrows(IllegalArgumentException.class, () -> new PairStatistics(PAIR, 0.0, 5, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new PairStatistics(PAIR, Double.POSITIVE_INFINITY));
        p.clear();
        assertEquals(0, p.count());
        assertTrue(Double.isNaN(p.meanSpacing()));
        p.add(new double[] {0, 10.0, 10.5, 0});
        assertEquals(10.25, p.meanCentre(), 1e-15);
        assertEquals(0.5 * 0.5 / 4, p.sigmaSquared(), 1e-15);
    }
}

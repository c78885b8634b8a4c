package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.junit.jupiter.api.Test;

class TwoLevelDensityTest {

    /**
     * Quadrature target: the integrator stops when successive refinements agree to 1e-14 relative
     * or absolute; integrands are smooth, so 100× that is a safe bound on its error.
     */
    private static final double QUADRATURE_TOL = 1e-12;

    /** Integration range ±12σ: the neglected tails are below e^{−72/2}·poly ≈ 1e-15, under QUADRATURE_TOL. */
    private static final double RANGE = 12.0;

    /** 2×2 GOE samples (physics.md §7 uses 4·10⁵). */
    private static final int MATRICES = 400_000;

    /** Kolmogorov-Smirnov false-rejection probability for a correct distribution. */
    private static final double KS_P = 1e-6;

    private static double integrate(DoubleUnaryOperator f, double lo, double hi) {
        IterativeLegendreGaussIntegrator integrator = new IterativeLegendreGaussIntegrator(16, 1e-14, 1e-14);
        return integrator.integrate(10_000_000, f::applyAsDouble, lo, hi);
    }

    @Test
    void densityIsNormalisedWithAnalyticMoments() {
        for (double sigma : new double[] {0.3, 1.0, 2.5}) {
            double lo = -RANGE * sigma;
            double hi = RANGE * sigma;
            double norm = integrate(u -> TwoLevelDensity.density(u, sigma), lo, hi);
            double m1 = integrate(u -> u * TwoLevelDensity.density(u, sigma), lo, hi);
            double m2 = integrate(u -> u * u * TwoLevelDensity.density(u, sigma), lo, hi);
            double m4 = integrate(u -> Math.pow(u, 4) * TwoLevelDensity.density(u, sigma), lo, hi);
            double s2 = sigma * sigma;
            assertEquals(1.0, norm, QUADRATURE_TOL);
            assertEquals(0.0, m1, QUADRATURE_TOL * sigma);
            assertEquals(TwoLevelDensity.SECOND_MOMENT_OVER_SIGMA_SQUARED * s2, m2, QUADRATURE_TOL * s2);
            assertEquals(TwoLevelDensity.FOURTH_MOMENT_OVER_SIGMA_FOURTH * s2 * s2, m4, QUADRATURE_TOL * s2 * s2);
            // U₄ from quadrature; error propagation: δU₄ ≲ (δm4/m4 + 2δm2/m2)(1 + U₄) < 10·QUADRATURE_TOL.
            assertEquals(TwoLevelDensity.BINDER_CUMULANT, m4 / (3.0 * m2 * m2) - 1.0, 10 * QUADRATURE_TOL);
        }
        assertEquals(-0.148148, TwoLevelDensity.BINDER_CUMULANT, 1e-6);
    }

    @Test
    void densityIsSymmetricAndCumulativeIsItsIntegral() {
        double sigma = 0.7;
        // ρ(0) = 2/(4√π σ): only the first term survives at u = 0.
        assertEquals(1.0 / (2.0 * Math.sqrt(Math.PI) * sigma), TwoLevelDensity.density(0.0, sigma), 1e-15);
        assertEquals(0.5, TwoLevelDensity.cumulative(0.0, sigma), 1e-15);
        for (double u = -4.0; u <= 4.0; u += 0.37) {
            assertEquals(TwoLevelDensity.density(u, sigma), TwoLevelDensity.density(-u, sigma), 1e-15);
            double numeric = integrate(v -> TwoLevelDensity.density(v, sigma), -RANGE * sigma, u);
            assertEquals(numeric, TwoLevelDensity.cumulative(u, sigma), QUADRATURE_TOL);
            // F(u) + F(−u) = 1 by symmetry; both evaluations are accurate to a few ulp.
            assertEquals(1.0, TwoLevelDensity.cumulative(u, sigma) + TwoLevelDensity.cumulative(-u, sigma), 1e-14);
        }
        assertThrows(IllegalArgumentException.class, () -> TwoLevelDensity.density(0.0, 0.0));
        assertThrows(IllegalArgumentException.class, () -> TwoLevelDensity.cumulative(0.0, -1.0));
    }

    @Test
    void spacingDensityIsNormalisedWithWignerMoments() {
        for (double sigma : new double[] {0.3, 1.0, 2.5}) {
            double hi = RANGE * sigma;
            double norm = integrate(s -> TwoLevelDensity.spacingDensity(s, sigma), 0.0, hi);
            double m1 = integrate(s -> s * TwoLevelDensity.spacingDensity(s, sigma), 0.0, hi);
            double m2 = integrate(s -> s * s * TwoLevelDensity.spacingDensity(s, sigma), 0.0, hi);
            assertEquals(1.0, norm, QUADRATURE_TOL);
            assertEquals(TwoLevelDensity.MEAN_SPACING_OVER_SIGMA * sigma, m1, QUADRATURE_TOL * sigma);
            assertEquals(4.0 * sigma * sigma, m2, QUADRATURE_TOL * sigma * sigma);
            assertEquals(TwoLevelDensity.MEAN_S_SQUARED, m2 / (m1 * m1), 10 * QUADRATURE_TOL);
            for (double s = 0.13 * sigma; s <= 3.0 * sigma; s += 0.41 * sigma) {
                double sEnd = s;
                assertEquals(integrate(v -> TwoLevelDensity.spacingDensity(v, sigma), 0.0, sEnd),
                        TwoLevelDensity.spacingCumulative(s, sigma), QUADRATURE_TOL);
            }
        }
        assertEquals(0.0, TwoLevelDensity.spacingDensity(-1.0, 1.0));
        assertEquals(0.0, TwoLevelDensity.spacingCumulative(-1.0, 1.0));
    }

    /**
     * Dvoretzky-Kiefer-Wolfowitz-Massart: for n i.i.d. samples P(√n·sup|F_n − F| &gt; λ) ≤ 2e^{−2λ²}
     * for every n, so λ = √(ln(2/p)/2) has false-rejection probability ≤ p.
     */
    private static double ksThreshold(double p) {
        return Math.sqrt(Math.log(2.0 / p) / 2.0);
    }

    private static double ksDistance(double[] sample, DoubleUnaryOperator cdf) {
        double[] x = sample.clone();
        Arrays.sort(x);
        double d = 0.0;
        for (int i = 0; i < x.length; i++) {
            double f = cdf.applyAsDouble(x[i]);
            d = Math.max(d, Math.max((i + 1.0) / x.length - f, f - (double) i / x.length));
        }
        return d;
    }

    /** Eigenvalues of [[a, b], [b, c]] with a, c ~ N(κ, σ²), b ~ N(0, σ²/2): density ∝ |x₁−x₂| e^{−Σ(x−κ)²/(2σ²)}. */
    private static double[][] sampleGoePairs(long seed, int n, double kappa, double sigma) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] out = new double[n][2];
        for (int i = 0; i < n; i++) {
            double a = kappa + sigma * rng.nextGaussian();
            double c = kappa + sigma * rng.nextGaussian();
            double b = sigma / Math.sqrt(2.0) * rng.nextGaussian();
            double mid = 0.5 * (a + c);
            double r = Math.hypot(0.5 * (a - c), b);
            out[i][0] = mid - r;
            out[i][1] = mid + r;
        }
        return out;
    }

    @Test
    void sampledEigenvaluesFollowDensityWhenNotOrdered() {
        double kappa = 2.0;
        double sigma = 0.4;
        double[][] pairs = sampleGoePairs(20240716L, MATRICES, kappa, sigma);
        SplittableRandom coin = new SplittableRandom(7L);
        double[] randomPick = new double[MATRICES];
        double[] pooled = new double[2 * MATRICES];
        double[] spacings = new double[MATRICES];
        for (int i = 0; i < MATRICES; i++) {
            // A fair coin independent of the values: exactly one i.i.d. draw from ρ per matrix.
            randomPick[i] = pairs[i][coin.nextBoolean() ? 1 : 0] - kappa;
            pooled[2 * i] = pairs[i][0] - kappa;
            pooled[2 * i + 1] = pairs[i][1] - kappa;
            spacings[i] = pairs[i][1] - pairs[i][0];
        }
        double lambda = ksThreshold(KS_P);
        double sqrtN = Math.sqrt(MATRICES);
        assertTrue(sqrtN * ksDistance(randomPick, u -> TwoLevelDensity.cumulative(u, sigma)) < lambda);
        assertTrue(sqrtN * ksDistance(spacings, s -> TwoLevelDensity.spacingCumulative(s, sigma)) < lambda);
        // Pooling both levels averages the random pick over the coin (a conditional expectation), so
        // its empirical CDF fluctuates less; the same threshold with n = MATRICES is conservative.
        assertTrue(sqrtN * ksDistance(pooled, u -> TwoLevelDensity.cumulative(u, sigma)) < lambda);
    }

    /**
     * Why PairStatistics pools both eigenvalues (physics.md §3): the lower level alone is
     * u_l = m − S/2 with m ~ N(0, σ²/2), so its mean is −⟨S⟩/2 = −√π σ/2 and its histogram is not
     * ρ(u). (Its even moments about κ happen to coincide with ρ's, since ρ_upper(u) = ρ_lower(−u);
     * the bias shows in the histogram, the mean and every statistic about the sample mean.)
     */
    @Test
    void orderingTheEigenvaluesBiasesTheDensity() {
        double kappa = 0.0;
        double sigma = 1.0;
        double[][] pairs = sampleGoePairs(99L, MATRICES, kappa, sigma);
        double[] lower = new double[MATRICES];
        double sum = 0.0;
        for (int i = 0; i < MATRICES; i++) {
            lower[i] = pairs[i][0] - kappa;
            sum += lower[i];
        }
        double mean = sum / MATRICES;
        // Var(u_l) = Var(m) + Var(S)/4 = σ²/2 + (4 − π)σ²/4 = (6 − π)σ²/4; 5 standard errors.
        double se = sigma * Math.sqrt((6.0 - Math.PI) / 4.0 / MATRICES);
        assertEquals(-Math.sqrt(Math.PI) / 2.0 * sigma, mean, 5.0 * se);
        // The offset is hundreds of standard errors: the lower level is not centred on κ.
        assertTrue(Math.abs(mean) > 100.0 * se);

        double lambda = ksThreshold(KS_P);
        double dLower = Math.sqrt(MATRICES) * ksDistance(lower, u -> TwoLevelDensity.cumulative(u, sigma));
        // The lower level's CDF exceeds F by ≈ 0.3 near u = −0.5σ; √n·D is then ~200, far beyond λ ≈ 2.7.
        assertTrue(dLower > 20.0 * lambda, "lower-only KS √n·D = " + dLower);

        // U₄ about the sample mean: for u_l it is (3/4 + 3v + κ_R v²)/(3(1/2 + v)²) − 1 with
        // v = Var(S/2)/σ² = (4 − π)/4 and κ_R = 3 + (−6π² + 24π − 16)/(4 − π)² the Rayleigh kurtosis,
        // ≈ +0.007 rather than −4/27.
        double v = (4.0 - Math.PI) / 4.0;
        double kurtosis = 3.0 + (-6.0 * Math.PI * Math.PI + 24.0 * Math.PI - 16.0) / Math.pow(4.0 - Math.PI, 2);
        double expected = (0.75 + 3.0 * v + kurtosis * v * v) / (3.0 * Math.pow(0.5 + v, 2)) - 1.0;
        double u4Lower = BinderCumulant.aboutMean(lower);
        // SE of U₄ from 40 batches of 10⁴ i.i.d. values (batch-means); 5 SE, widened by 1.5 for the
        // ≈ 1/√78 relative uncertainty of a 40-batch error estimate.
        double batchSe = batchStandardError(lower, 40);
        assertEquals(expected, u4Lower, 5.0 * 1.5 * batchSe);
        assertTrue(Math.abs(u4Lower - TwoLevelDensity.BINDER_CUMULANT) > 20.0 * batchSe);
    }

    private static double batchStandardError(double[] x, int batches) {
        int len = x.length / batches;
        double[] u4 = new double[batches];
        double mean = 0.0;
        for (int b = 0; b < batches; b++) {
            u4[b] = BinderCumulant.aboutMean(Arrays.copyOfRange(x, b * len, (b + 1) * len));
            mean += u4[b] / batches;
        }
        double ss = 0.0;
        for (double v : u4) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / (batches - 1) / batches);
    }
}

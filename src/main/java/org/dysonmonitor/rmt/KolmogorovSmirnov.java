package org.dysonmonitor.rmt;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * One-sample Kolmogorov-Smirnov statistic against a continuous distribution function F:
 *
 * <pre>
 *   D_n = sup_x |F_n(x) − F(x)| = max_{i=1..n} max( i/n − F(x_(i)),  F(x_(i)) − (i−1)/n ),
 * </pre>
 *
 * with x_(1) ≤ … ≤ x_(n) the order statistics and F_n the empirical distribution function. The
 * supremum of |F_n − F| for continuous F is attained at a jump of F_n, just after it (first term) or
 * just before it (second term), so the maximum over the order statistics is exact. Ties are handled
 * correctly: within a block of equal values the extreme ranks give the extreme terms.
 */
public final class KolmogorovSmirnov {

    /** Used only for its distribution of D_n, which is stateless. */
    private static final KolmogorovSmirnovTest DISTRIBUTION = new KolmogorovSmirnovTest();

    private KolmogorovSmirnov() {
    }

    /**
     * The exact one-sample statistic D_n (see the class comment). Sorts a copy of the sample.
     *
     * @param sample observations; not modified
     * @param cdf    a continuous distribution function F
     * @return D_n ∈ [0, 1]; NaN if the sample is empty or F returns NaN at a sample point
     */
    public static double distance(double[] sample, DoubleUnaryOperator cdf) {
        int n = sample.length;
        if (n == 0) {
            return Double.NaN;
        }
        double[] sorted = sample.clone();
        Arrays.sort(sorted);
        double d = 0.0;
        for (int i = 0; i < n; i++) {
            double f = cdf.applyAsDouble(sorted[i]);
            // Math.max propagates NaN, so a NaN from F (or in the sample) makes D_n NaN, not a guess.
            d = Math.max(d, Math.max((i + 1.0) / n - f, f - (double) i / n));
        }
        return d;
    }

    /**
     * Critical value d_α with P(D_n ≥ d_α) = α under the null hypothesis that the n values are
     * independent draws from F: the level-α test rejects when D_n ≥ d_α.
     *
     * <p>Solved by Brent's method on the distribution of D_n of Commons Math
     * ({@link KolmogorovSmirnovTest#cdf(double, int)}: Marsaglia-Tsang-Wang for n ≤ 140,
     * Pelz-Good for larger n). For large n, d_α → c(α)/√n with c(α) = √(−ln(α/2)/2)
     * (c(0.05) = 1.358, c(0.01) = 1.628, c(0.001) = 1.949); at finite n the exact value is slightly
     * smaller.
     *
     * <p>Note for spectra: levels and spacings of a random-matrix spectrum are not independent; for
     * the (anti-correlated) spacings of a rigid spectrum this critical value is conservative.
     *
     * @param n     sample size ≥ 1
     * @param alpha significance level in (0, 1)
     * @return d_α ∈ (0, 1]
     */
    public static double criticalValue(int n, double alpha) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        // P(D_n < d) = 0 for d ≤ 1/(2n) and = 1 for d ≥ 1, so the root is bracketed.
        BrentSolver solver = new BrentSolver(1e-12, 1e-14);
        return solver.solve(1000, d -> 1.0 - DISTRIBUTION.cdf(d, n) - alpha, 0.5 / n, 1.0);
    }

    /**
     * Asymptotic Kolmogorov coefficient c(α) = √(−ln(α/2)/2): P(√n D_n &gt; c) → 2 Σ_{k≥1}
     * (−1)^{k−1} e^{−2k²c²} ≈ 2 e^{−2c²} for n → ∞; the neglected
     * k = 2 term is 2 e^{−8c²} = α⁴/8.
     *
     * @param alpha significance level in (0, 1)
     * @return c(α)
     */
    public static double asymptoticCoefficient(double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        }
        return Math.sqrt(-0.5 * Math.log(0.5 * alpha));
    }
}

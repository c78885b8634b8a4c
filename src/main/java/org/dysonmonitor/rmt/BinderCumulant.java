package org.dysonmonitor.rmt;

/**
 * Binder cumulant U₄ = ⟨u⁴⟩ / (3⟨u²⟩²) − 1 of a sample: 0 for a Gaussian, −4/27 for the
 * one-eigenvalue density of a degenerate pair ({@link TwoLevelDensity#BINDER_CUMULANT}), −2/3 for
 * two symmetric points ±a.
 *
 * <p>Inputs are never modified. An all-zero sample gives NaN (0/0).
 */
public final class BinderCumulant {

    private BinderCumulant() {
    }

    /**
     * U₄ about zero: the caller has already subtracted a known centre, u = x − κ.
     * Using the known centre (rather than the sample mean) is the estimator of the paper and has
     * no O(1/n) bias from estimating the mean.
     *
     * @throws IllegalArgumentException if {@code u} is empty
     */
    public static double of(double[] u) {
        requireNonEmpty(u);
        return aboutCentre(u, 0.0);
    }

    /**
     * U₄ about the sample mean x̄: ⟨(x−x̄)⁴⟩ / (3⟨(x−x̄)²⟩²) − 1, by two passes.
     * The mean is accumulated relative to x₀ so that a large common offset (e.g. 10⁹ + noise)
     * does not swamp the fluctuations.
     *
     * @throws IllegalArgumentException if {@code x} is empty
     */
    public static double aboutMean(double[] x) {
        requireNonEmpty(x);
        double x0 = x[0];
        double sum = 0.0;
        for (double v : x) {
            sum += v - x0;
        }
        return aboutCentre(x, x0 + sum / x.length);
    }

    /** ⟨(x−c)⁴⟩ / (3⟨(x−c)²⟩²) − 1. */
    private static double aboutCentre(double[] x, double c) {
        double s2 = 0.0;
        double s4 = 0.0;
        for (double v : x) {
            double d = v - c;
            double d2 = d * d;
            s2 += d2;
            s4 += d2 * d2;
        }
        double m2 = s2 / x.length;
        double m4 = s4 / x.length;
        return m4 / (3.0 * m2 * m2) - 1.0;
    }

    private static void requireNonEmpty(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("empty sample");
        }
    }
}

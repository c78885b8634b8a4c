package org.dysonmonitor.rmt;

/**
 * Spacing law of uncorrelated (Poisson) levels, with s normalised to ⟨s⟩ = 1:
 *
 * <pre>
 *   P(s) = e^{−s},   F(s) = 1 − e^{−s},   s ≥ 0,   ⟨s⟩ = 1,   ⟨s²⟩ = 2.
 * </pre>
 *
 * <p>No level repulsion: P(0) = 1, against P(s) ∝ s for the GOE ({@link WignerSurmise}).
 */
public final class PoissonSpacing {

    /** Second moment ⟨s²⟩ = 2 at ⟨s⟩ = 1. */
    public static final double MEAN_S_SQUARED = 2.0;

    private PoissonSpacing() {
    }

    /**
     * P(s) = e^{−s}.
     *
     * @param s spacing in units of the mean spacing
     * @return the density; 0 for s &lt; 0
     */
    public static double pdf(double s) {
        return s < 0 ? 0.0 : Math.exp(-s);
    }

    /**
     * F(s) = 1 − e^{−s}, evaluated as −expm1(−s) for full relative precision at small s.
     *
     * @param s spacing in units of the mean spacing
     * @return the distribution function; 0 for s &lt; 0
     */
    public static double cdf(double s) {
        return s < 0 ? 0.0 : -Math.expm1(-s);
    }

    /**
     * Inverse of {@link #cdf(double)}: s = −ln(1 − p).
     *
     * @param p probability in [0, 1]
     * @return the quantile; +∞ for p = 1
     */
    public static double quantile(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
        return -Math.log1p(-p);
    }

    /**
     * Kolmogorov-Smirnov distance sup_s |F_n(s) − (1 − e^{−s})|.
     *
     * <p>The caller must normalise the spacings to mean 1 (e.g. {@link Spacings#unfolded(double[])}).
     *
     * @param spacings spacings with mean 1; not modified
     * @return D_n; NaN for an empty array
     */
    public static double ksDistance(double[] spacings) {
        return KolmogorovSmirnov.distance(spacings, PoissonSpacing::cdf);
    }
}

package org.dysonmonitor.rmt;

/**
 * GOE (β = 1) Wigner surmise for nearest-neighbour spacings s normalised to ⟨s⟩ = 1:
 *
 * <pre>
 *   P(s) = (π/2) s exp(−π s²/4),   F(s) = 1 − exp(−π s²/4),   s ≥ 0,
 *   ⟨s⟩ = 1,   ⟨s²⟩ = 4/π.
 * </pre>
 *
 * <p>It is exact for the spacing of a 2×2 GOE matrix and within about 0.01 (in P(s)) of the large-N GOE
 * spacing distribution (Gaudin-Mehta). F is a Weibull law with shape 2 and scale 2/√π.
 */
public final class WignerSurmise {

    /** Second moment ⟨s²⟩ = 4/π ≈ 1.2732 of the surmise at ⟨s⟩ = 1. */
    public static final double MEAN_S_SQUARED = 4.0 / Math.PI;

    private static final double QUARTER_PI = Math.PI / 4.0;

    private WignerSurmise() {
    }

    /**
     * P(s) = (π/2) s exp(−π s²/4).
     *
     * @param s spacing in units of the mean spacing
     * @return the density; 0 for s &lt; 0
     */
    public static double pdf(double s) {
        if (s < 0) {
            return 0.0;
        }
        return 2.0 * QUARTER_PI * s * Math.exp(-QUARTER_PI * s * s);
    }

    /**
     * F(s) = 1 − exp(−π s²/4), evaluated as −expm1(−π s²/4) so it keeps full relative precision at
     * small s, where F ≈ π s²/4 is the level-repulsion regime.
     *
     * @param s spacing in units of the mean spacing
     * @return the distribution function; 0 for s &lt; 0
     */
    public static double cdf(double s) {
        if (s < 0) {
            return 0.0;
        }
        return -Math.expm1(-QUARTER_PI * s * s);
    }

    /**
     * Inverse of {@link #cdf(double)}: s = √(−(4/π) ln(1 − p)).
     *
     * @param p probability in [0, 1]
     * @return the quantile; +∞ for p = 1
     */
    public static double quantile(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
        return Math.sqrt(-Math.log1p(-p) / QUARTER_PI);
    }

    /**
     * Kolmogorov-Smirnov distance sup_s |F_n(s) − F(s)| of spacings from the surmise.
     *
     * <p>The caller must normalise the spacings to mean 1 (e.g. {@link Spacings#unfolded(double[])});
     * the surmise has no scale parameter.
     *
     * @param spacings spacings with mean 1; not modified
     * @return D_n; NaN for an empty array
     */
    public static double ksDistance(double[] spacings) {
        return KolmogorovSmirnov.distance(spacings, WignerSurmise::cdf);
    }
}

package org.dysonmonitor.rmt;

import org.apache.commons.math3.special.Erf;

/**
 * Analytic distributions of a (near-)degenerate eigenvalue pair in the Coulomb-gas picture
 * (physics.md §3). The pair (x₁, x₂) with target κ has the joint density
 * <pre>
 *   P(x₁, x₂) ∝ |x₁ − x₂| · exp(−[(x₁−κ)² + (x₂−κ)²] / (2σ²)),
 * </pre>
 * which is the eigenvalue density of a 2×2 real symmetric matrix with diagonal entries N(κ, σ²)
 * and off-diagonal entry N(0, σ²/2).
 *
 * <p>Writing u = x − κ for <em>one</em> eigenvalue of the pair (either one, chosen without
 * looking at which is larger):
 * <pre>
 *   ρ(u) = e^{−u²/(2σ²)} / (4√π σ) · [2 e^{−u²/(2σ²)} + √(2π) (u/σ) erf(u/(√2 σ))],
 *   ⟨u²⟩ = 3σ²/2,  ⟨u⁴⟩ = 23σ⁴/4,  U₄ = ⟨u⁴⟩/(3⟨u²⟩²) − 1 = −4/27.
 * </pre>
 * The moments follow from u = m ± S/2 with the centre m ~ N(0, σ²/2) independent of the spacing S.
 *
 * <p>Spacing S = |x₁ − x₂| (a Rayleigh variable of scale √2 σ):
 * <pre>
 *   P(S) = S/(2σ²) · exp(−S²/(4σ²)),  ⟨S⟩ = √π σ,  ⟨S²⟩ = 4σ²,  ⟨s²⟩ = ⟨S²⟩/⟨S⟩² = 4/π.
 * </pre>
 */
public final class TwoLevelDensity {

    /** U₄ = ⟨u⁴⟩/(3⟨u²⟩²) − 1 of ρ(u): (23/4)/(3·9/4) − 1 = −4/27 ≈ −0.1481 (0 for a Gaussian). */
    public static final double BINDER_CUMULANT = -4.0 / 27.0;

    /** ⟨S⟩/σ = √π ≈ 1.7725. */
    public static final double MEAN_SPACING_OVER_SIGMA = Math.sqrt(Math.PI);

    /** ⟨s²⟩ with s = S/⟨S⟩: 4σ²/(πσ²) = 4/π ≈ 1.2732 (GOE Wigner surmise). */
    public static final double MEAN_S_SQUARED = 4.0 / Math.PI;

    /** ⟨u²⟩/σ² = 3/2: centre variance σ²/2 plus ⟨S²⟩/4 = σ². */
    public static final double SECOND_MOMENT_OVER_SIGMA_SQUARED = 1.5;

    /** ⟨u⁴⟩/σ⁴ = 23/4: ⟨m⁴⟩ + 6⟨m²⟩⟨S²⟩/4 + ⟨S⁴⟩/16 = 3/4 + 3 + 2. */
    public static final double FOURTH_MOMENT_OVER_SIGMA_FOURTH = 23.0 / 4.0;

    private static final double SQRT_PI = Math.sqrt(Math.PI);
    private static final double SQRT_2 = Math.sqrt(2.0);
    private static final double SQRT_2PI = Math.sqrt(2.0 * Math.PI);

    private TwoLevelDensity() {
    }

    /**
     * ρ(u) = e^{−u²/(2σ²)} / (4√π σ) · [2 e^{−u²/(2σ²)} + √(2π) (u/σ) erf(u/(√2 σ))].
     *
     * @param u     offset of one eigenvalue from the pair centre κ
     * @param sigma width parameter σ &gt; 0
     */
    public static double density(double u, double sigma) {
        requirePositive(sigma);
        double z = u / sigma;
        double g = Math.exp(-0.5 * z * z);
        return g / (4.0 * SQRT_PI * sigma) * (2.0 * g + SQRT_2PI * z * Erf.erf(z / SQRT_2));
    }

    /**
     * Cumulative distribution of ρ, with z = u/σ:
     * F(u) = ½ erfc(−z) − e^{−z²/2} erf(z/√2) / (2√2).
     * Obtained by integrating the second term of ρ by parts; written with erfc so that neither
     * tail suffers cancellation (for z &lt; 0 both terms are positive).
     */
    public static double cumulative(double u, double sigma) {
        requirePositive(sigma);
        double z = u / sigma;
        return 0.5 * Erf.erfc(-z) - Math.exp(-0.5 * z * z) * Erf.erf(z / SQRT_2) / (2.0 * SQRT_2);
    }

    /** P(S) = S/(2σ²) · exp(−S²/(4σ²)) for S ≥ 0, and 0 for S &lt; 0. */
    public static double spacingDensity(double s, double sigma) {
        requirePositive(sigma);
        if (s < 0.0) {
            return 0.0;
        }
        double v = sigma * sigma;
        return s / (2.0 * v) * Math.exp(-s * s / (4.0 * v));
    }

    /** ∫₀^S P = 1 − exp(−S²/(4σ²)) for S ≥ 0, and 0 for S &lt; 0. */
    public static double spacingCumulative(double s, double sigma) {
        requirePositive(sigma);
        if (s <= 0.0) {
            return 0.0;
        }
        // −expm1 keeps full relative precision for small S, where 1 − exp(·) would cancel.
        return -Math.expm1(-s * s / (4.0 * sigma * sigma));
    }

    private static void requirePositive(double sigma) {
        if (!(sigma > 0.0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be positive and finite: " + sigma);
        }
    }
}

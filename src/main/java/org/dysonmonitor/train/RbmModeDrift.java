package org.dysonmonitor.train;

import org.dysonmonitor.rmt.FokkerPlanckSpectrum;
import org.dysonmonitor.rmt.OneModePotential;

/**
 * The known one-mode drift of an eigenvalue x of X = WᵀW under the PCD update of {@link RbmTrainer}
 * (physics.md §5), its potential, its PCD noise and its Fokker–Planck spectrum. All rates per update.
 *
 * <h2>Derivation of K from the update rule</h2>
 * One update is ΔW = α s D W with s = σ_h² and D = C_t − C_m, C_t = ⟨φφᵀ⟩_target = K_target⁻¹,
 * C_m = ⟨φφᵀ⟩_model (|B| chains). Then
 * <pre>
 *   ΔX = ΔWᵀW + WᵀΔW + ΔWᵀΔW = 2αs WᵀDW + O(α²).
 * </pre>
 * With the SVD W = Σ ξ_i u_i v_iᵀ (x_i = ξ_i²), first-order perturbation theory for the eigenvalue with
 * eigenvector v_i gives δx_i = v_iᵀ ΔX v_i = 2αs ξ_i² u_iᵀ D u_i = 2αs x_i (u_iᵀC_t u_i − u_iᵀC_m u_i). In the
 * learned basis (u_i an eigenvector of K_target with eigenvalue κ_i, and of the model kernel
 * μ² − sWWᵀ with eigenvalue μ² − s x_i) and with exact model averages C_m = (μ² − sWWᵀ)⁻¹:
 * <pre>
 *   δx = α K(x),   K(x) = 2s x (1/κ − 1/(μ² − s x)).
 * </pre>
 * The factor 2 comes from X being quadratic in W (both ΔWᵀW and WᵀΔW); the one-mode slide's drift has none.
 * Fixed point x_s = (μ² − κ)/s; K′(x_s) = −2s²x_s/κ², so the harmonic rate is Ω = 2αs²x_s/κ² per update.
 * Potential (V = −α∫₀ˣK, V(0) = 0):
 * <pre>
 *   V(x) = −2αs [x²/(2κ) + x/s + (μ²/s²) ln((μ² − s x)/μ²)],  0 ≤ x &lt; μ²/s.
 * </pre>
 * x = 0 is the other zero of K (W = 0 never moves), unstable: V″(0) = −2αs(1/κ − 1/μ²) &lt; 0 for κ &lt; μ².
 *
 * <h2>Noise</h2>
 * The noise of C_m along u_i is (1/|B|)Σ_b(u_iᵀφ_b)² − 1/(μ² − s x_i) with u_iᵀφ_b ~ N(0, 1/(μ² − s x_i)) for
 * independent, equilibrated chains, variance 2/(|B|(μ² − s x)²). Hence Var δx = 2g² with
 * <pre>
 *   g²(x) = 4α²s²x² / (|B| (μ² − s x)²)   (= 4α²s²x_s²/(|B|κ²) at x_s),
 * </pre>
 * and, for i ≠ j, Var δX_ij = 4α²s² x_i x_j / (|B| (μ² − s x_i)(μ² − s x_j)): the coefficient c_ij of the
 * Coulomb drift Σ_j c_ij/(x_i − x_j) that second-order perturbation theory adds (c_ii-neighbour = g² for a
 * degenerate pair, the Dyson case). One-mode prediction σ² = g²/Ω = 2αx_s/|B| = 2(α/|B|)(μ² − κ)/s.
 * Left out: the O(α²/|B|) drift of E[ΔWᵀΔW] and the Coulomb term (the neighbours' effect), the chains'
 * lag behind W (PCD chains are neither independent between updates nor exactly at equilibrium), and the
 * x-dependence of g² in the one-mode Fokker–Planck picture, which takes g² constant.
 */
public final class RbmModeDrift implements OneModePotential {

    private final double kappa;
    private final double mu2;
    private final double s;
    private final double alpha;

    /**
     * @param kappa  κ, the target eigenvalue of K_target this mode learns (0 &lt; κ &lt; μ²)
     * @param mu2    μ²
     * @param sigmaH σ_h
     * @param alpha  learning rate α
     */
    public RbmModeDrift(double kappa, double mu2, double sigmaH, double alpha) {
        if (!(kappa > 0 && kappa < mu2) || !(sigmaH > 0) || !(alpha > 0)) {
            throw new IllegalArgumentException("need 0 < kappa < mu^2, sigma_h > 0, alpha > 0; got "
                    + kappa + ", " + mu2 + ", " + sigmaH + ", " + alpha);
        }
        this.kappa = kappa;
        this.mu2 = mu2;
        this.s = sigmaH * sigmaH;
        this.alpha = alpha;
    }

    /** The drift of one mode of a trainer's configuration. */
    public static RbmModeDrift of(RbmConfig config, double kappa) {
        return new RbmModeDrift(kappa, config.mu2(), config.sigmaH(), config.learningRate());
    }

    /** Mean increment per update, αK(x). */
    public double drift(double x) {
        return 2 * alpha * s * x * (1 / kappa - 1 / (mu2 - s * x));
    }

    /** x* = (μ² − κ)/σ_h². */
    public double fixedPoint() {
        return (mu2 - kappa) / s;
    }

    /** −αK′(x) per update, the local relaxation rate (Ω = 2αs²x_s/κ² at x_s). */
    public double rate(double x) {
        return curvature(x);
    }

    /** One-mode PCD diffusion g²(x) = 4α²s²x²/(|B|(μ² − s x)²) per update. */
    public double diffusion(double x, int batch) {
        double k = mu2 - s * x;
        return 4 * alpha * alpha * s * s * x * x / (batch * k * k);
    }

    /** Coulomb coefficient c_ij = Var δX_ij = 4α²s²x_i x_j/(|B|(μ² − s x_i)(μ² − s x_j)). */
    public static double coulombCoefficient(RbmConfig config, double xi, double xj) {
        double s = config.sigmaH() * config.sigmaH();
        double a = config.learningRate();
        return 4 * a * a * s * s * xi * xj / (config.batchSize() * (config.mu2() - s * xi) * (config.mu2() - s * xj));
    }

    @Override
    public double value(double x) {
        return -2 * alpha * s * (x * x / (2 * kappa) + x / s + mu2 / (s * s) * Math.log((mu2 - s * x) / mu2));
    }

    @Override
    public double slope(double x) {
        return -drift(x);
    }

    @Override
    public double curvature(double x) {
        double k = mu2 - s * x;
        return -2 * alpha * s * (1 / kappa - 1 / k - s * x / (k * k));
    }

    /** μ²/σ_h², where K stops being positive definite (V → ∞). */
    public double upperBound() {
        return mu2 / s;
    }

    /**
     * H_FP for this mode with constant diffusion g² on [0, b]: Dirichlet at x = 0 (the eigenvalue of WᵀW
     * cannot cross 0; P_s(0)/P_s(x_s) = e^{−(V(0) − V(x_s))/g²} measures what the condition costs) and at
     * b = min(μ²/σ_h², the x &gt; x_s with V(b) − V(x_s) = 200 g²), where P_s is below e^{−200}.
     *
     * @param g2     the diffusion (measured, or {@link #diffusion} at x_s)
     * @param points interior grid points
     * @param count  states to compute
     */
    public FokkerPlanckSpectrum fokkerPlanck(double g2, int points, int count) {
        double xs = fixedPoint();
        double lo = xs;
        double hi = upperBound();
        double target = value(xs) + 200 * g2;
        for (int i = 0; i < 200; i++) {
            double mid = 0.5 * (lo + hi);
            if (value(mid) > target) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return new FokkerPlanckSpectrum(this, g2, 0.0, hi, points, count);
    }
}

package org.dysonmonitor.train;

import java.util.SplittableRandom;

/**
 * Linear teacher-student model with additive GOE noise (Model B, physics.md §6; arXiv:2407.16427).
 *
 * <p>Teacher W_t = 2·𝟙 (2 × 2, doubly degenerate singular values); inputs x ~ N(0, 𝟙₂), labels y = W_t x;
 * loss ½ |y − W_s x|², whose negative gradient is (W_t − W_s) x xᵀ. One {@link #step()}:
 * <pre>
 *   W_s ← W_s + α · (1/|B|) Σ_{b∈B} [ (W_t − W_s) x_b x_bᵀ + a_b ],
 * </pre>
 * W_s held fixed over the batch; a_b a fresh symmetric GOE matrix per sample: (a_b)_{12} = (a_b)_{21} ~ N(0, ε²),
 * (a_b)_{ii} ~ N(0, 2ε²). Computed as W_s += (α/|B|)[(W_t − W_s) Σ_b x_b x_bᵀ + Σ_b a_b].
 *
 * <p>Near the teacher, δ = W_s − W_t obeys δ ← (1 − α)δ + α ā to leading order (ā: GOE with variances
 * divided by |B|), so δ is GOE with off-diagonal variance v = αε²/(|B|(2 − α)) and the singular-value
 * splitting S = ξ₂ − ξ₁ ≈ |λ₁(δ) − λ₂(δ)| is Rayleigh distributed: ⟨s²⟩ = 4/π,
 * ⟨S⟩ = √(2π v), i.e. ⟨S⟩/√(αε²/|B|) = √(2π/(2 − α)) ≈ 1.82 at α = 0.1 (physics.md §6–7). The neglected
 * multiplicative noise δ(x xᵀ − 𝟙) adds O(α/|B|) corrections (measured: ⟨S⟩ higher by ≈ 0.5 α/|B|,
 * relative; ⟨s²⟩ higher by ≈ 0.25 α/|B|).
 *
 * <p>Randomness: one {@link SplittableRandom} (JDK ziggurat {@code nextGaussian()}); draw order: W_s
 * row-major at construction, then per sample x₁, x₂, a₁₁, a₁₂, a₂₂. Same config and seed ⇒ bit-identical
 * weights. {@code step()} allocates nothing (5|B| normals, ≈ 0.25 µs per update at |B| = 16). Not thread-safe.
 */
public final class TeacherStudentTrainer extends SgdTrainer {

    /** Teacher scale: W_t = TEACHER·𝟙. */
    public static final double TEACHER = 2.0;

    private static final double SQRT2 = Math.sqrt(2.0);

    private final TeacherStudentConfig config;
    private final SplittableRandom rng;
    private final double eps;
    private final double epsDiag;
    /** W_s = [[w00, w01], [w10, w11]]. */
    private double w00;
    private double w01;
    private double w10;
    private double w11;

    public TeacherStudentTrainer(TeacherStudentConfig config) {
        super(2, 2, config.learningRate(), config.batchSize());
        this.config = config;
        this.rng = new SplittableRandom(config.seed());
        this.eps = config.noise();
        this.epsDiag = SQRT2 * eps;
        double s = config.initStd();
        w00 = s * rng.nextGaussian();
        w01 = s * rng.nextGaussian();
        w10 = s * rng.nextGaussian();
        w11 = s * rng.nextGaussian();
    }

    @Override
    public void step() {
        double sxx = 0.0;
        double sxy = 0.0;
        double syy = 0.0;
        double a00 = 0.0;
        double a01 = 0.0;
        double a11 = 0.0;
        final int batch = batchSize();
        for (int b = 0; b < batch; b++) {
            double x0 = rng.nextGaussian();
            double x1 = rng.nextGaussian();
            sxx += x0 * x0;
            sxy += x0 * x1;
            syy += x1 * x1;
            a00 += epsDiag * rng.nextGaussian();
            a01 += eps * rng.nextGaussian();
            a11 += epsDiag * rng.nextGaussian();
        }
        // E = W_t − W_s; update (α/|B|)(E·Σxxᵀ + Σa).
        double e00 = TEACHER - w00;
        double e01 = -w01;
        double e10 = -w10;
        double e11 = TEACHER - w11;
        double c = learningRate() / batch;
        double n00 = w00 + c * (e00 * sxx + e01 * sxy + a00);
        double n01 = w01 + c * (e00 * sxy + e01 * syy + a01);
        double n10 = w10 + c * (e10 * sxx + e11 * sxy + a01);
        double n11 = w11 + c * (e10 * sxy + e11 * syy + a11);
        w00 = n00;
        w01 = n01;
        w10 = n10;
        w11 = n11;
        countStep();
    }

    /** The two singular values ξ₁ ≤ ξ₂ of W_s (a fresh array). */
    public double[] singularValues() {
        double p = sum();
        double q = splitting();
        return new double[] {0.5 * (p - q), 0.5 * (p + q)};
    }

    /**
     * Singular-value splitting S = ξ₂ − ξ₁ of W_s = [[a, b], [c, d]], computed without cancellation as
     * S = √((a − d)² + (b + c)²) (and ξ₁ + ξ₂ = √((a + d)² + (c − b)²)). Allocation-free.
     */
    public double splitting() {
        return Math.hypot(w00 - w11, w01 + w10);
    }

    private double sum() {
        return Math.hypot(w00 + w11, w10 - w01);
    }

    /** The configuration this trainer was built from. */
    public TeacherStudentConfig config() {
        return config;
    }

    @Override
    void writeWeights(double[] into) {
        into[0] = w00;
        into[1] = w01;
        into[2] = w10;
        into[3] = w11;
    }

    /** {4, 4}: the eigenvalues of W_tᵀW_t = 4·𝟙. */
    @Override
    public double[] targetSpectrum() {
        return new double[] {TEACHER * TEACHER, TEACHER * TEACHER};
    }

    @Override
    public String model() {
        return "teacher-student";
    }
}

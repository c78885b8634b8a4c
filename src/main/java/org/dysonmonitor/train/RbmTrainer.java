package org.dysonmonitor.train;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Gaussian scalar-field RBM trained by persistent contrastive divergence (Model A, physics.md §5;
 * Park, Lucini, Aarts, arXiv:2407.16427).
 *
 * <h2>Model</h2>
 * Visible φ ∈ ℝ^{N_v}, hidden h ∈ ℝ^{N_h}, weights W (N_v × N_h, stored row-major), action
 * <pre>
 *   S(φ, h) = ½ μ² φᵀφ + (1/(2σ_h²)) (h − η)ᵀ(h − η) − φᵀ W h,   p(φ, h) ∝ e^{−S}.
 * </pre>
 * Completing the square in h: (1/(2σ_h²))|h − η − σ_h² Wᵀφ|² + const(φ); in φ: ½ μ²|φ − W h/μ²|² + const(h).
 * Hence the block-Gibbs conditionals (physics.md §5), used exactly as written (the sampled h, whose
 * variance is σ_h², enters φ | h without further σ_h factors):
 * <pre>
 *   h | φ ~ N(η + σ_h² Wᵀφ, σ_h² 𝟙),      φ | h ~ N(W h / μ², μ⁻² 𝟙).
 * </pre>
 * Integrating out h gives p(φ) ∝ exp(−½ φᵀKφ + Jᵀφ) with K = μ²𝟙 − σ_h² W Wᵀ, J = W η𝟙 (η is one scalar
 * bias shared by all hidden units).
 *
 * <h2>Training (one {@link #step()})</h2>
 * <ol>
 *   <li>Negative phase: each of the |B| persistent chains (initialised to φ = 1) does k block-Gibbs sweeps
 *       (h | φ then φ | h); ⟨φφᵀ⟩_model = (1/|B|) Σ_b φ_b φ_bᵀ.</li>
 *   <li>Positive phase: the exact ⟨φφᵀ⟩_target = K_target⁻¹ of the free field ({@link ScalarFieldTarget}).</li>
 *   <li>Plain SGD on the log-likelihood, ∂ log p/∂W = σ_h² φφᵀW + φηᵀ − ∂ log Z/∂W:
 *       <pre>  ΔW = α σ_h² (⟨φφᵀ⟩_target − ⟨φφᵀ⟩_model) W + α (⟨φ⟩_target − ⟨φ⟩_model) ηᵀ,</pre>
 *       with ⟨φ⟩_target = 0. For η = 0 (the authors' choice) this is exactly physics.md §5,
 *       ΔW = α σ_h² (⟨φφᵀ⟩_target − ⟨φφᵀ⟩_model) W; the η term is the exact likelihood gradient otherwise.</li>
 * </ol>
 * The learned fixed point is K = K_target, i.e. the eigenvalues of X = WᵀW reach
 * x_i = (μ² − κ_i)/σ_h² (physics.md §5); see {@link #targetSpectrum()}. With η ≠ 0 the mean term pushes
 * W η𝟙 → 0 (the target has zero mean), which can cost a mode: at the defaults with η = 0.5 the κ = 8 mode
 * is dropped (x → 0) and the other nine are learned.
 *
 * <h2>σ_h is a reparametrisation</h2>
 * With W' = σ_h W and h' = h/σ_h the conditionals become h' | φ ~ N(η/σ_h + W'ᵀφ, 𝟙), φ | h' ~ N(W'h'/μ², μ⁻²𝟙)
 * and the update ΔW' = (α σ_h²)[(⟨φφᵀ⟩_target − ⟨φφᵀ⟩_model) W' − ⟨φ⟩_model (η𝟙/σ_h)ᵀ]: the σ_h = 1 model
 * with learning rate α σ_h² and bias η/σ_h. Hence σ_h² WᵀW (and the stochastic width) depends on
 * (α σ_h², |B|) only.
 *
 * <h2>Stability</h2>
 * p(φ) exists only while K is positive definite, i.e. the largest eigenvalue of WᵀW is below μ²/σ_h²;
 * otherwise the Gibbs map φ → (σ_h²/μ²) W Wᵀ φ + noise has spectral radius ≥ 1 and the chains diverge.
 * Every update therefore forms K for the new W (N_v²N_h/2 multiply-adds) and attempts an in-place
 * Cholesky factorisation (N_v³/6), about 5 % of an update at the defaults; a failed pivot, or a non-finite chain second moment, rejects the
 * update and throws {@link IllegalStateException}. The rejected update is not applied, W keeps its last
 * stable value, and the trainer refuses further steps.
 *
 * <h2>Randomness and cost</h2>
 * One {@link SplittableRandom} stream (Java 17: a {@code RandomGenerator} whose {@code nextGaussian()} is
 * the JDK's ziggurat sampler) seeded with {@link RbmConfig#seed()}. Draw order: W row-major at
 * construction; per update, per sweep, the N_h·|B| hidden normals (unit-major, chain innermost),
 * then the N_v·|B| visible normals (site-major, chain innermost). Same config and
 * seed on the same JVM ⇒ bit-identical weights. All buffers are allocated in the constructor; {@code step()}
 * allocates nothing. Cost per update ≈ |B|·k·(2 N_v N_h multiply-adds + (N_v + N_h) normals) + 1.5 N_v² N_h
 * + N_v³/6; measured ≈ 8.6 µs at the defaults (JDK 17, one AMD EPYC core), about 40 % of it in the 960 normals,
 * ≈ 3 µs at |B| = 4 and ≈ 17 µs at |B| = 32.
 *
 * <p>Not thread-safe.
 */
public final class RbmTrainer extends SgdTrainer {

    private final RbmConfig config;
    private final ScalarFieldTarget target;
    private final int nv;
    private final int nh;
    private final double mu2;
    private final double sigmaH;
    private final double sigmaH2;
    private final double eta;
    private final SplittableRandom rng;
    private final BlockGibbsSampler sampler;

    /** W, row-major N_v × N_h. */
    private double[] w;
    /** Candidate W for the update, swapped with {@link #w} when accepted. */
    private double[] wNext;
    /** |B| persistent visible chains, site-major: φ_i of chain b at i·|B| + b. */
    private final double[] chains;
    /** K_target⁻¹, row-major N_v × N_v. */
    private final double[] targetCovariance;
    /** ⟨φφᵀ⟩_target − ⟨φφᵀ⟩_model, row-major N_v × N_v. */
    private final double[] delta;
    /** ⟨φ⟩_model (only used when η ≠ 0). */
    private final double[] meanPhi;
    /** Workspace for K = μ²𝟙 − σ_h² W Wᵀ and its Cholesky factor (lower triangle). */
    private final double[] kernelWork;
    private final double[] targetSpectrum;

    private String failure;

    /**
     * Draws W_ij ~ N(0, initStd²) and starts all chains at φ = 1.
     *
     * @throws IllegalArgumentException if the initial W already makes K non-positive-definite
     */
    public RbmTrainer(RbmConfig config) {
        super(config.visible(), config.hidden(), config.learningRate(), config.batchSize());
        this.config = config;
        this.nv = config.visible();
        this.nh = config.hidden();
        final int batch = config.batchSize();
        this.mu2 = config.mu2();
        this.sigmaH = config.sigmaH();
        this.sigmaH2 = sigmaH * sigmaH;
        this.eta = config.eta();
        this.target = new ScalarFieldTarget(nv, config.targetMass2());
        this.rng = new SplittableRandom(config.seed());
        this.sampler = new BlockGibbsSampler(rng, nv, nh, batch, config.gibbsSteps(), mu2, sigmaH, eta);

        this.w = new double[nv * nh];
        this.wNext = new double[nv * nh];
        this.chains = new double[batch * nv];
        this.targetCovariance = target.covariance();
        this.delta = new double[nv * nv];
        this.meanPhi = new double[nv];
        this.kernelWork = new double[nv * nv];
        this.targetSpectrum = eta == 0.0 ? fixedPoint(target.kappa(), nv, nh, mu2, sigmaH2) : null;

        double s = config.initStd();
        for (int i = 0; i < w.length; i++) {
            w[i] = s * rng.nextGaussian();
        }
        Arrays.fill(chains, 1.0);
        if (!positiveDefinite(w)) {
            throw new IllegalArgumentException("initial weights W ~ N(0, " + s + "^2) (seed " + config.seed()
                    + ") already make K = mu^2 1 - sigma_h^2 W W^T non-positive-definite (largest eigenvalue of"
                    + " W^T W >= mu^2/sigma_h^2 = " + (mu2 / sigmaH2) + "); reduce initStd");
        }
    }

    /**
     * Learned fixed point (physics.md §5): the N_min = min(N_v, N_h) smallest κ are learned (they carry the
     * largest target variance 1/κ; maximising ½[log det K − Tr(K K_target⁻¹)] over rank-N_min WWᵀ picks
     * them), at x = (μ² − κ)/σ_h², or at the boundary x = 0 if κ ≥ μ² (the model variance is at least 1/μ²
     * in every direction); the remaining N_h − N_min eigenvalues of WᵀW are exactly zero (rank ≤ N_v).
     */
    private static double[] fixedPoint(double[] kappaAscending, int nv, int nh, double mu2, double sigmaH2) {
        double[] x = new double[nh];
        int learned = Math.min(nv, nh);
        for (int i = 0; i < learned; i++) {
            x[i] = Math.max(0.0, (mu2 - kappaAscending[i]) / sigmaH2);
        }
        Arrays.sort(x);
        return x;
    }

    @Override
    public void step() {
        if (failure != null) {
            throw new IllegalStateException("RBM trainer stopped after an earlier failure: " + failure);
        }
        sampler.sweep(w, chains);
        double trace = secondMoments();
        if (!Double.isFinite(trace)) {
            fail("PCD chains diverged at update " + (steps() + 1) + " (Tr<phi phi^T>_model = " + trace + ")");
        }
        proposeUpdate();
        if (!positiveDefinite(wNext)) {
            fail("update " + (steps() + 1) + " would make K = mu^2 1 - sigma_h^2 W W^T non-positive-definite"
                    + " (largest eigenvalue of W^T W >= mu^2/sigma_h^2 = " + (mu2 / sigmaH2)
                    + "): the model distribution would not exist and the Gibbs chains would diverge;"
                    + " lower the learning rate alpha = " + learningRate() + " or raise |B| = " + batchSize());
        }
        double[] t = w;
        w = wNext;
        wNext = t;
        countStep();
    }

    private void fail(String message) {
        failure = message;
        throw new IllegalStateException(message);
    }

    /**
     * delta = K_target⁻¹ − (1/|B|) Σ_b φ_b φ_bᵀ (and ⟨φ⟩_model if η ≠ 0).
     *
     * @return Tr ⟨φφᵀ⟩_model, for the divergence check
     */
    private double secondMoments() {
        final double[] d = delta;
        final double[] phi = chains;
        final int nb = batchSize();
        final double invB = 1.0 / nb;
        double trace = 0.0;
        for (int i = 0; i < nv; i++) {
            final int rowI = i * nb;
            for (int j = 0; j <= i; j++) {
                final int rowJ = j * nb;
                // two partial sums break the serial add chain
                double s0 = 0.0;
                double s1 = 0.0;
                int b = 0;
                for (; b + 1 < nb; b += 2) {
                    s0 += phi[rowI + b] * phi[rowJ + b];
                    s1 += phi[rowI + b + 1] * phi[rowJ + b + 1];
                }
                if (b < nb) {
                    s0 += phi[rowI + b] * phi[rowJ + b];
                }
                final double m = (s0 + s1) * invB;
                if (i == j) {
                    trace += m;
                }
                final double v = targetCovariance[i * nv + j] - m;
                d[i * nv + j] = v;
                d[j * nv + i] = v;
            }
        }
        if (eta != 0.0) {
            for (int i = 0; i < nv; i++) {
                double sum = 0.0;
                for (int b = 0; b < nb; b++) {
                    sum += phi[i * nb + b];
                }
                meanPhi[i] = sum * invB;
            }
        }
        return trace;
    }

    /** wNext = W + α σ_h² delta W − α ⟨φ⟩_model ηᵀ. */
    private void proposeUpdate() {
        final double[] wm = w;
        final double[] out = wNext;
        final double[] d = delta;
        final double alpha = learningRate();
        final double step = alpha * sigmaH2;
        for (int i = 0; i < nv; i++) {
            final int row = i * nh;
            Arrays.fill(out, row, row + nh, 0.0);
            for (int j = 0; j < nv; j++) {
                final double dij = d[i * nv + j];
                final int rowJ = j * nh;
                for (int a = 0; a < nh; a++) {
                    out[row + a] += dij * wm[rowJ + a];
                }
            }
            final double bias = eta != 0.0 ? alpha * eta * meanPhi[i] : 0.0;
            for (int a = 0; a < nh; a++) {
                out[row + a] = wm[row + a] + step * out[row + a] - bias;
            }
        }
    }

    /**
     * Whether K = μ²𝟙 − σ_h² W Wᵀ (for the given W) is positive definite, by an in-place Cholesky
     * factorisation in {@link #kernelWork}; equivalent to: largest eigenvalue of WᵀW &lt; μ²/σ_h².
     * NaN entries fail the pivot test.
     */
    private boolean positiveDefinite(double[] wm) {
        final double[] k = kernelWork;
        for (int i = 0; i < nv; i++) {
            final int rowI = i * nh;
            for (int j = 0; j <= i; j++) {
                final int rowJ = j * nh;
                double acc = 0.0;
                for (int a = 0; a < nh; a++) {
                    acc += wm[rowI + a] * wm[rowJ + a];
                }
                k[i * nv + j] = (i == j ? mu2 : 0.0) - sigmaH2 * acc;
            }
        }
        for (int j = 0; j < nv; j++) {
            double pivot = k[j * nv + j];
            for (int p = 0; p < j; p++) {
                pivot -= k[j * nv + p] * k[j * nv + p];
            }
            if (!(pivot > 0.0)) {
                return false;
            }
            final double ljj = Math.sqrt(pivot);
            k[j * nv + j] = ljj;
            for (int i = j + 1; i < nv; i++) {
                double v = k[i * nv + j];
                for (int p = 0; p < j; p++) {
                    v -= k[i * nv + p] * k[j * nv + p];
                }
                k[i * nv + j] = v / ljj;
            }
        }
        return true;
    }

    /**
     * Whether the model distribution exists: K = μ²𝟙 − σ_h² W Wᵀ positive definite, equivalently the
     * largest eigenvalue of WᵀW is below μ²/σ_h² (physics.md §5). Decided by a Cholesky factorisation;
     * allocation-free. Always true in practice: the constructor rejects unstable initial weights and
     * {@link #step()} rejects (and reports) any update that would break it.
     */
    public boolean stable() {
        return positiveDefinite(w);
    }

    /** μ², the fixed visible mass term. */
    public double mu2() {
        return mu2;
    }

    /** σ_h, the hidden standard deviation. */
    public double sigmaH() {
        return sigmaH;
    }

    /** The configuration this trainer was built from. */
    public RbmConfig config() {
        return config;
    }

    /** The target free field (N_v sites, mass² = {@link RbmConfig#targetMass2()}). */
    public ScalarFieldTarget target() {
        return target;
    }

    @Override
    void writeWeights(double[] into) {
        System.arraycopy(w, 0, into, 0, w.length);
    }

    /**
     * x_i = (μ² − κ_i)/σ_h² ascending (physics.md §5). For N_h ≠ N_v or κ ≥ μ²: the min(N_v, N_h)
     * smallest κ are learned, at max(0, (μ² − κ)/σ_h²), and the other N_h − min(N_v, N_h) eigenvalues are
     * 0 (WᵀW has rank ≤ N_v). {@code null} if η ≠ 0 (a fixed hidden bias shifts the fixed point, which is
     * then not known in closed form).
     */
    @Override
    public double[] targetSpectrum() {
        return targetSpectrum == null ? null : targetSpectrum.clone();
    }

    @Override
    public String model() {
        return "rbm";
    }
}

package org.dysonmonitor.train;

/**
 * Parameters of the Gaussian scalar-field RBM (Model A, physics.md §5) and of its PCD training.
 * Defaults ({@link #defaults()}) are the authors' (Park, Lucini, Aarts, arXiv:2407.16427):
 * N_v = N_h = 10, μ² = 9 (fixed), σ_h = 1, η = 0, target m² = 4, W_ij ~ N(0, 0.1²), |B| = 16
 * persistent chains, α = 0.1, k = 3 block-Gibbs sweeps per update.
 *
 * @param visible      N_v, visible units = lattice sites of the target field (≥ 1)
 * @param hidden       N_h, hidden units (≥ 1)
 * @param mu2          μ², the fixed visible mass term of S(φ, h) (&gt; 0)
 * @param sigmaH       σ_h, hidden standard deviation (&gt; 0)
 * @param eta          η, hidden bias, the same for every hidden unit (finite)
 * @param targetMass2  m² of the target free field, K_target = −∇²_lat + m² (&gt; 0)
 * @param initStd      s.d. of the initial weights, W_ij ~ N(0, initStd²) (&gt; 0: W = 0 is a fixed
 *                     point of ΔW ∝ W and would never learn)
 * @param batchSize    |B|, the number of persistent chains averaged in the negative phase (≥ 1)
 * @param learningRate α of the plain SGD update (&gt; 0)
 * @param gibbsSteps   k, block-Gibbs sweeps per chain per update (≥ 1)
 * @param seed         seed of the single {@link java.util.SplittableRandom} stream
 */
public record RbmConfig(
        int visible,
        int hidden,
        double mu2,
        double sigmaH,
        double eta,
        double targetMass2,
        double initStd,
        int batchSize,
        double learningRate,
        int gibbsSteps,
        long seed) {

    /** Validates every parameter; throws {@link IllegalArgumentException} naming the first bad one. */
    public RbmConfig {
        requireAtLeast("visible units N_v", visible, 1);
        requireAtLeast("hidden units N_h", hidden, 1);
        requirePositive("mu2 (mu^2)", mu2);
        requirePositive("sigmaH (sigma_h)", sigmaH);
        if (!Double.isFinite(eta)) {
            throw new IllegalArgumentException("eta must be finite, got " + eta);
        }
        requirePositive("targetMass2 (m^2)", targetMass2);
        requirePositive("initStd", initStd);
        requireAtLeast("batchSize |B|", batchSize, 1);
        requirePositive("learningRate alpha", learningRate);
        requireAtLeast("gibbsSteps k", gibbsSteps, 1);
    }

    /** The authors' defaults with seed 1. */
    public static RbmConfig defaults() {
        return new RbmConfig(10, 10, 9.0, 1.0, 0.0, 4.0, 0.1, 16, 0.1, 3, 1L);
    }

    public RbmConfig withVisible(int v) {
        return new RbmConfig(v, hidden, mu2, sigmaH, eta, targetMass2, initStd, batchSize, learningRate, gibbsSteps, seed);
    }

    public RbmConfig withHidden(int h) {
        return new RbmConfig(visible, h, mu2, sigmaH, eta, targetMass2, initStd, batchSize, learningRate, gibbsSteps, seed);
    }

    public RbmConfig withMu2(double m) {
        return new RbmConfig(visible, hidden, m, sigmaH, eta, targetMass2, initStd, batchSize, learningRate, gibbsSteps, seed);
    }

    public RbmConfig withSigmaH(double s) {
        return new RbmConfig(visible, hidden, mu2, s, eta, targetMass2, initStd, batchSize, learningRate, gibbsSteps, seed);
    }

    public RbmConfig withEta(double e) {
        return new RbmConfig(visible, hidden, mu2, sigmaH, e, targetMass2, initStd, batchSize, learningRate, gibbsSteps, seed);
    }

    public RbmConfig withTargetMass2(double m2) {
        return new RbmConfig(visible, hidden, mu2, sigmaH, eta, m2, initStd, batchSize, learningRate, gibbsSteps, seed);
    }

    public RbmConfig withInitStd(double s) {
        return new RbmConfig(visible, hidden, mu2, sigmaH, eta, targetMass2, s, batchSize, learningRate, gibbsSteps, seed);
    }

    public RbmConfig withBatchSize(int b) {
        return new RbmConfig(visible, hidden, mu2, sigmaH, eta, targetMass2, initStd, b, learningRate, gibbsSteps, seed);
    }

    public RbmConfig withLearningRate(double a) {
        return new RbmConfig(visible, hidden, mu2, sigmaH, eta, targetMass2, initStd, batchSize, a, gibbsSteps, seed);
    }

    public RbmConfig withGibbsSteps(int k) {
        return new RbmConfig(visible, hidden, mu2, sigmaH, eta, targetMass2, initStd, batchSize, learningRate, k, seed);
    }

    public RbmConfig withSeed(long s) {
        return new RbmConfig(visible, hidden, mu2, sigmaH, eta, targetMass2, initStd, batchSize, learningRate, gibbsSteps, s);
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
        }
    }
}

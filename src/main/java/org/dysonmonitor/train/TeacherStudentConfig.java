package org.dysonmonitor.train;

/**
 * Parameters of the linear teacher-student model (Model B, physics.md §6; arXiv:2407.16427).
 * Defaults ({@link #defaults()}): α = 0.1, |B| = 16, ε = 0.05, W_s ~ N(0, 0.1²). The teacher is fixed,
 * W_t = 2·𝟙 (2 × 2).
 *
 * @param learningRate α (&gt; 0)
 * @param batchSize    |B|, samples per update (≥ 1)
 * @param noise        ε, s.d. of the off-diagonal GOE noise per sample (≥ 0; diagonal s.d. √2 ε)
 * @param initStd      s.d. of the initial student weights (≥ 0)
 * @param seed         seed of the single {@link java.util.SplittableRandom} stream
 */
public record TeacherStudentConfig(double learningRate, int batchSize, double noise, double initStd, long seed) {

    /** Validates every parameter; throws {@link IllegalArgumentException} naming the first bad one. */
    public TeacherStudentConfig {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate alpha must be finite and > 0, got " + learningRate);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize |B| must be >= 1, got " + batchSize);
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new IllegalArgumentException("noise epsilon must be finite and >= 0, got " + noise);
        }
        if (!(initStd >= 0) || Double.isInfinite(initStd)) {
            throw new IllegalArgumentException("initStd must be finite and >= 0, got " + initStd);
        }
    }

    /** The authors' defaults with seed 1. */
    public static TeacherStudentConfig defaults() {
        return new TeacherStudentConfig(0.1, 16, 0.05, 0.1, 1L);
    }

    public TeacherStudentConfig withLearningRate(double a) {
        return new TeacherStudentConfig(a, batchSize, noise, initStd, seed);
    }

    public TeacherStudentConfig withBatchSize(int b) {
        return new TeacherStudentConfig(learningRate, b, noise, initStd, seed);
    }

    public TeacherStudentConfig withNoise(double e) {
        return new TeacherStudentConfig(learningRate, batchSize, e, initStd, seed);
    }

    public TeacherStudentConfig withInitStd(double s) {
        return new TeacherStudentConfig(learningRate, batchSize, noise, s, seed);
    }

    public TeacherStudentConfig withSeed(long s) {
        return new TeacherStudentConfig(learningRate, batchSize, noise, initStd, s);
    }
}

package org.dysonmonitor.train;

/**
 * A seeded, reproducible training loop whose weight matrix W (rows × cols) is monitored.
 *
 * <p>The monitored spectrum is that of X = WᵀW (cols × cols), ascending (physics.md §1). One call to
 * {@link #step()} is one stochastic-gradient update with learning rate α on a mini-batch of size |B|;
 * the eigenvalues of X then perform a Dyson Brownian motion whose stationary width obeys
 * σ² ∝ α/|B| (physics.md §2).
 *
 * <p>Implementations are not thread-safe: one owner calls {@code step()} and reads the weights.
 * Same configuration and seed ⇒ bit-identical weights after the same number of steps.
 */
public interface Trainer {

    /** Performs one SGD update of W (one mini-batch). */
    void step();

    /** Number of completed updates since construction. */
    long steps();

    /** Number of rows M of W. */
    int rows();

    /** Number of columns N of W; X = WᵀW is N × N. */
    int cols();

    /** A fresh row-major copy of W, length rows()·cols(): W_ij at index i·cols() + j. */
    double[] weights();

    /**
     * Copies W row-major into {@code into} without allocating.
     *
     * @param into destination of length at least rows()·cols(); modified
     * @throws IllegalArgumentException if {@code into} is too short
     */
    void copyWeights(double[] into);

    /** Learning rate α of the SGD update. */
    double learningRate();

    /** Mini-batch size |B|. */
    int batchSize();

    /**
     * The ascending eigenvalues of X = WᵀW that training should reach (its learned fixed point),
     * as a fresh array of length cols(), or {@code null} if the model has no known target.
     */
    double[] targetSpectrum();

    /** Short model name: {@code "rbm"} or {@code "teacher-student"}. */
    String model();
}

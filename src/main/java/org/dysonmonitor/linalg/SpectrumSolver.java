package org.dysonmonitor.linalg;

/**
 * Eigenvalues of the smaller Gram matrix of an M×N weight matrix W: X = WᵀW (N×N) when N ≤ M,
 * otherwise WWᵀ (M×M). Both have the same non-zero eigenvalues x_i = ξ_i², the squared singular
 * values of W (physics.md §1), so the smaller one is always enough.
 *
 * <p>Implementations own reusable workspaces and are therefore <b>not thread-safe</b>: one solver
 * per owner (one per spectrum actor). The input array is never modified.
 */
public interface SpectrumSolver {

    /**
     * Eigenvalues, ascending, into {@code out} (length at least min(rows, cols)). Eigenvalues of a
     * positive semi-definite Gram matrix that round-off pushes below zero are reported as 0.
     *
     * @return the number of eigenvalues written, min(rows, cols)
     */
    int eigenvalues(double[] values, int rows, int cols, MatrixLayout layout, double[] out);

    /** As {@link #eigenvalues(double[], int, int, MatrixLayout, double[])} for float32 weights. */
    int eigenvalues(float[] values, int rows, int cols, MatrixLayout layout, double[] out);

    /** Short backend name for logs and the API, e.g. "ejml". */
    String name();

    /** Convenience: a new ascending array of min(rows, cols) eigenvalues. */
    default double[] eigenvalues(double[] values, int rows, int cols, MatrixLayout layout) {
        double[] out = new double[Math.min(rows, cols)];
        eigenvalues(values, rows, cols, layout, out);
        return out;
    }

    /** Convenience: a new ascending array of min(rows, cols) eigenvalues. */
    default double[] eigenvalues(float[] values, int rows, int cols, MatrixLayout layout) {
        double[] out = new double[Math.min(rows, cols)];
        eigenvalues(values, rows, cols, layout, out);
        return out;
    }

    /** Checks the arguments every backend shares; throws IllegalArgumentException naming the problem. */
    static void checkShape(int length, int rows, int cols, int outLength) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("matrix must be at least 1×1, got " + rows + "×" + cols);
        }
        if ((long) rows * cols != length) {
            throw new IllegalArgumentException(
                    "a " + rows + "×" + cols + " matrix needs " + (long) rows * cols + " values, got " + length);
        }
        if (outLength < Math.min(rows, cols)) {
            throw new IllegalArgumentException(
                    "output holds " + outLength + " eigenvalues, need " + Math.min(rows, cols));
        }
    }
}

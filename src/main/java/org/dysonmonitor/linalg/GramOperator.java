package org.dysonmonitor.linalg;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The smaller Gram matrix X of an M×N weight matrix W (X = WᵀW when N ≤ M, else WWᵀ; n = min(M, N))
 * applied to a block of vectors as two matrix products, X·Q = Aᵀ(A·Q) or A(Aᵀ·Q), so X itself is
 * never formed: 4·M·N·b flops for b vectors against M·N·n for the Gram matrix.
 *
 * <p>As in {@link NativeSpectrumSolver}, a row-major M×N array is read column-major as the N×M
 * matrix A = Wᵀ, a column-major one as A = W; for a column-major r×c matrix A the smaller Gram matrix
 * is AAᵀ when r ≤ c and AᵀA otherwise. The array is neither copied nor modified.
 *
 * <p>Blocks are column-major n×b arrays with leading dimension n. Not thread-safe (it owns the
 * intermediate block).
 */
final class GramOperator {

    private final BLAS blas;
    private double[] a;
    private int r;
    private int c;
    private double[] intermediate = new double[0];

    GramOperator(BLAS blas) {
        this.blas = blas;
    }

    /** Points the operator at a new matrix (the array is read, never modified, until the next call). */
    void set(double[] values, int rows, int cols, MatrixLayout layout) {
        this.a = values;
        this.r = layout == MatrixLayout.COLUMN_MAJOR ? rows : cols;
        this.c = layout == MatrixLayout.COLUMN_MAJOR ? cols : rows;
    }

    /** n = min(rows, cols), the dimension of X. */
    int dimension() {
        return Math.min(r, c);
    }

    /**
     * out[:, 0..b) = X · in[:, 0..b), both n×b column-major at the given offsets (leading dimension n).
     */
    void apply(double[] in, int inOffset, int b, double[] out, int outOffset) {
        int k = Math.max(r, c);
        if (intermediate.length < k * b) {
            intermediate = new double[k * b];
        }
        if (r <= c) {
            // X = AAᵀ (r×r): Y = AᵀQ (c×b), then AY
            blas.dgemm("T", "N", c, b, r, 1.0, a, 0, r, in, inOffset, r, 0.0, intermediate, 0, c);
            blas.dgemm("N", "N", r, b, c, 1.0, a, 0, r, intermediate, 0, c, 0.0, out, outOffset, r);
        } else {
            // X = AᵀA (c×c): Y = AQ (r×b), then AᵀY
            blas.dgemm("N", "N", r, b, c, 1.0, a, 0, r, in, inOffset, c, 0.0, intermediate, 0, r);
            blas.dgemm("T", "N", c, b, r, 1.0, a, 0, r, intermediate, 0, r, 0.0, out, outOffset, c);
        }
    }
}

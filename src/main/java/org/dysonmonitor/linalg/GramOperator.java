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
 * <p>A float64 array is applied by {@code dgemm}; a float32 array by {@code sgemm} on the array
 * itself (half the memory traffic and twice the vector width of dgemm), the n×b block rounded to
 * float32 on the way in and widened on the way out: the caller's blocks stay float64. Its error is
 * {@link TrackedTopSpectrum#float32Tolerance}'s subject.
 *
 * <p>Blocks are column-major n×b arrays with leading dimension n. Not thread-safe (it owns the
 * intermediate blocks).
 */
final class GramOperator {

    private final BLAS blas;
    private double[] a;
    private float[] a32;
    private int r;
    private int c;
    private double[] intermediate = new double[0];
    private float[] in32 = new float[0];
    private float[] intermediate32 = new float[0];
    private float[] out32 = new float[0];

    GramOperator(BLAS blas) {
        this.blas = blas;
    }

    /** Points the operator at a new float64 matrix (the array is read, never modified, until the next call). */
    void set(double[] values, int rows, int cols, MatrixLayout layout) {
        this.a = values;
        this.a32 = null;
        shape(rows, cols, layout);
    }

    /** Points the operator at a new float32 matrix, applied in float32 (read, never modified or copied). */
    void set(float[] values, int rows, int cols, MatrixLayout layout) {
        this.a32 = values;
        this.a = null;
        shape(rows, cols, layout);
    }

    /** Drops the reference to the matrix (a snapshot of a large layer is not kept alive by its tracker). */
    void release() {
        this.a = null;
        this.a32 = null;
    }

    private void shape(int rows, int cols, MatrixLayout layout) {
        this.r = layout == MatrixLayout.COLUMN_MAJOR ? rows : cols;
        this.c = layout == MatrixLayout.COLUMN_MAJOR ? cols : rows;
    }

    /** n = min(rows, cols), the dimension of X. */
    int dimension() {
        return Math.min(r, c);
    }

    /** Whether the products run in float32 (the matrix is a float32 array). */
    boolean float32() {
        return a32 != null;
    }

    /**
     * out[:, 0..b) = X · in[:, 0..b), both n×b column-major at the given offsets (leading dimension n).
     */
    void apply(double[] in, int inOffset, int b, double[] out, int outOffset) {
        if (a32 != null) {
            applyFloat32(in, inOffset, b, out, outOffset);
            return;
        }
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

    /** The same products in sgemm: the block rounded to float32, the result widened (exactly) back. */
    private void applyFloat32(double[] in, int inOffset, int b, double[] out, int outOffset) {
        int n = dimension();
        int k = Math.max(r, c);
        if (in32.length < n * b) {
            in32 = new float[n * b];
            out32 = new float[n * b];
        }
        if (intermediate32.length < k * b) {
            intermediate32 = new float[k * b];
        }
        for (int i = 0; i < n * b; i++) {
            in32[i] = (float) in[inOffset + i];
        }
        if (r <= c) {
            blas.sgemm("T", "N", c, b, r, 1.0f, a32, 0, r, in32, 0, r, 0.0f, intermediate32, 0, c);
            blas.sgemm("N", "N", r, b, c, 1.0f, a32, 0, r, intermediate32, 0, c, 0.0f, out32, 0, r);
        } else {
            blas.sgemm("N", "N", r, b, c, 1.0f, a32, 0, r, in32, 0, c, 0.0f, intermediate32, 0, r);
            blas.sgemm("T", "N", c, b, r, 1.0f, a32, 0, r, intermediate32, 0, r, 0.0f, out32, 0, c);
        }
        for (int i = 0; i < n * b; i++) {
            out[outOffset + i] = out32[i];
        }
    }
}

package org.dysonmonitor.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

import java.util.Locale;

/**
 * The steps of a native spectrum in one precision, written once: the smaller Gram matrix of the
 * column-major view A of the input by {@code ?syrk} (lower triangle), then its eigenvalues by the
 * chosen values-only eigensolver, clamped at 0 (X is PSD: a negative value is round-off of a zero
 * eigenvalue). A subclass per precision ({@link DoubleGramWorkspace}, {@link FloatGramWorkspace})
 * holds the arrays and makes the BLAS/LAPACK calls of its type.
 *
 * <p>Workspaces are sized by a LAPACK workspace query on the first call for a size n and reused while
 * n repeats; they grow, never shrink. Not thread-safe.
 *
 * @param <A> the input array type, double[] or float[]
 */
abstract class GramEigenWorkspace<A> {

    final LAPACK lapack;
    final BLAS blas;
    final NativeSpectrumSolver.Eigensolver eigensolver;
    final intW info = new intW(0);
    final intW found = new intW(0);
    private final String prefix;
    private int size = -1;

    GramEigenWorkspace(LAPACK lapack, BLAS blas, NativeSpectrumSolver.Eigensolver eigensolver, String prefix) {
        this.lapack = lapack;
        this.blas = blas;
        this.eigensolver = eigensolver;
        this.prefix = prefix;
    }

    /** Eigenvalues of the smaller Gram matrix of the rows×cols input into {@code out}; returns n. */
    final int solve(A values, int rows, int cols, MatrixLayout layout, double[] out) {
        int r = layout == MatrixLayout.COLUMN_MAJOR ? rows : cols; // rows of the column-major view A
        int c = layout == MatrixLayout.COLUMN_MAJOR ? cols : rows;
        int n = Math.min(r, c);
        if (n != size) {
            allocate(n);
            eigen(n, true);
            check(n);
            allocateWork();
            size = n;
        }
        // A is r×c with leading dimension r: AAᵀ when r ≤ c, AᵀA otherwise; C is overwritten (beta = 0).
        syrk(values, r <= c ? "N" : "T", n, Math.max(r, c), r);
        eigen(n, false);
        check(n);
        for (int i = 0; i < n; i++) {
            out[i] = Math.max(0.0, eigenvalue(i));
        }
        return n;
    }

    /** Gram matrix and eigenvalue array for n (and what the eigensolver needs besides the work arrays). */
    abstract void allocate(int n);

    /** The work arrays at the sizes the last query returned. */
    abstract void allocateWork();

    /** ?syrk("L", trans, n, k, 1, a, lda, 0, gram, n). */
    abstract void syrk(A a, String trans, int n, int k, int lda);

    /** The eigensolver on the Gram matrix; with {@code query} a workspace query (lwork = liwork = −1). */
    abstract void eigen(int n, boolean query);

    /** The i-th eigenvalue the last {@link #eigen} call found. */
    abstract double eigenvalue(int i);

    /** lwork from a query's first work element (LAPACK returns it as a floating-point number). */
    static int workSize(double queried) {
        return Math.max(1, (int) Math.ceil(queried));
    }

    private void check(int n) {
        if (info.val != 0) {
            String routine = prefix + eigensolver.name().toLowerCase(Locale.ROOT);
            throw new ArithmeticException(info.val > 0
                    ? routine + " did not converge for a " + n + "×" + n + " Gram matrix (info = " + info.val + ")"
                    : routine + " rejected argument " + (-info.val) + " for n = " + n);
        }
    }
}

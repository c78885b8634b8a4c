package org.dysonmonitor.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * The largest eigenvalues of a symmetric positive semi-definite n×n operator X by restarted block
 * Krylov iteration with Rayleigh–Ritz, on native BLAS/LAPACK.
 *
 * <p>One cycle, from an n×b start block V (b = k + guard vectors):
 * <ol>
 *   <li>the orthonormal basis Q = [Q₀ … Q_q] of the block Krylov space span{V, XV, …, X^q V}:
 *       Q₀ = qr(V), Q_{j+1} = qr(XQ_j minus its projection on Q₀..Q_j), the projection removed by
 *       block Gram–Schmidt twice before and once after a Householder QR ({@code dgeqrf}/{@code dorgqr}),
 *       so the basis stays orthonormal to working precision even when XQ_j lies almost in span Q
 *       (an exhausted Krylov space: rank-deficient or clustered spectra);</li>
 *   <li>the products XQ_j are kept, so H = Qᵀ(XQ) is the exact m×m projection (m = (q+1)b) and
 *       its eigenpairs (θ_i, s_i) by {@code dsyevd} give the Ritz pairs θ_i, y_i = Q s_i with
 *       X y_i = (XQ) s_i, and so residuals r_i = X y_i − θ_i y_i without another product;</li>
 *   <li>the top k Ritz values are accepted when every one satisfies
 *       min(‖r_i‖, ‖r_i‖²/δ_i) ≤ tol·max(θ_i, f·θ_1), δ_i = θ_i − θ_{b+1}: relative to each value
 *       itself, since a heavy-tailed top spectrum spans orders of magnitude, down to a floor f of the
 *       largest value (f = {@value #NULL_SPACE_FLOOR} lets the null space of a rank-deficient layer
 *       count as converged at 10⁻⁵·tol of the largest value; f = 1 makes the test absolute, tol·θ_1 for
 *       every value, as float32 products need) (a Ritz value is within ‖r‖ of an
 *       eigenvalue, and within ‖r‖²/gap when the gap to the rest of the spectrum is known — Kato–Temple;
 *       the gap is estimated from the first Ritz value beyond the b tracked ones); otherwise the top b
 *       Ritz vectors start the next cycle.</li>
 * </ol>
 * Optionally the test is made once earlier in the cycle too, on the basis of the first c + 1 blocks
 * (c &lt; q): Rayleigh–Ritz is valid on any orthonormal basis whose products are known, so a start
 * block that is already close converges there with q − c products fewer (the early exit costs one
 * Rayleigh–Ritz of size (c+1)·b when it does not pass).
 * Each cycle costs q + 1 products X·(n×b) and O(n m²) for the basis. The Ritz values increase
 * monotonically towards the eigenvalues (Cauchy interlacing), and converge at a rate set by the gap
 * between the k-th and the (b+1)-th eigenvalue, which the guard vectors widen.
 *
 * <p>Not thread-safe: workspaces are owned and reused while n and b repeat.
 */
final class BlockKrylovEigensolver {

    /** The outcome of one {@link #solve} call. */
    record Outcome(boolean converged, int cycles, int products, double maxResidual) {
    }

    /** Values below this fraction of the largest are judged on an absolute scale (see the class comment). */
    static final double NULL_SPACE_FLOOR = 1e-5;

    private final BLAS blas;
    private final LAPACK lapack;
    private final int n;
    private final int b;
    private final int depth;
    private final int m;
    private final double[] q;
    private final double[] xq;
    private final double[] h;
    private final double[] theta;
    private final double[] ritz;
    private final double[] xRitz;
    private final double[] coefficients;
    private final double[] tau;
    private double[] qrWork;
    private double[] eigenWork;
    private int[] eigenIwork;
    private final intW info = new intW(0);

    /**
     * @param n     dimension of X
     * @param block b, the number of vectors per block (k + guard)
     * @param depth q ≥ 1, the Krylov blocks after the start block; m = (q+1)·b must not exceed n
     */
    BlockKrylovEigensolver(int n, int block, int depth) {
        if (block < 1 || depth < 1 || (long) (depth + 1) * block > n) {
            throw new IllegalArgumentException("block Krylov needs (depth + 1)·block ≤ n, got block " + block
                    + ", depth " + depth + ", n " + n);
        }
        this.blas = NativeLapack.blas();
        this.lapack = NativeLapack.lapack();
        this.n = n;
        this.b = block;
        this.depth = depth;
        this.m = (depth + 1) * block;
        this.q = new double[n * m];
        this.xq = new double[n * m];
        this.h = new double[m * m];
        this.theta = new double[m];
        this.ritz = new double[n * block];
        this.xRitz = new double[n * block];
        this.coefficients = new double[m * block];
        this.tau = new double[block];
        double[] query = new double[1];
        lapack.dgeqrf(n, block, q, 0, n, tau, 0, query, 0, -1, info);
        int lwork = (int) query[0];
        lapack.dorgqr(n, block, block, q, 0, n, tau, 0, query, 0, -1, info);
        this.qrWork = new double[Math.max(1, Math.max(lwork, (int) query[0]))];
        int[] iquery = new int[1];
        lapack.dsyevd("V", "L", m, h, 0, m, theta, 0, query, 0, -1, iquery, 0, -1, info);
        this.eigenWork = new double[Math.max(1, (int) query[0])];
        this.eigenIwork = new int[Math.max(1, iquery[0])];
    }

    int dimension() {
        return n;
    }

    int blockSize() {
        return b;
    }

    /**
     * Iterates from the start block until the top k Ritz values converge or {@code maxCycles} pass.
     *
     * @param x         the operator (its dimension must be n)
     * @param vectors   in: an n×b start block (column-major; any full-rank block, need not be
     *                  orthonormal); out: the top b Ritz vectors, ascending by Ritz value
     * @param k         the number of eigenvalues wanted, ≤ b
     * @param values    out: the top k Ritz values, ascending (length ≥ k)
     * @param tolerance relative tolerance of the eigenvalue error bound
     * @param floor     f in (0, 1]: values below f·θ_1 are judged against f·θ_1 (see the class comment)
     * @param earlyCheck c: the test is also made after the product of Krylov block c (1 ≤ c &lt; depth),
     *                  returning with c + 1 products in that cycle when it passes; 0: only at the end
     */
    Outcome solve(GramOperator x, double[] vectors, int k, double[] values, double tolerance, double floor,
                  int earlyCheck, int maxCycles) {
        if (x.dimension() != n || k < 1 || k > b) {
            throw new IllegalArgumentException("operator of dimension " + x.dimension() + " or k = " + k
                    + " does not fit n = " + n + ", b = " + b);
        }
        if (!(floor > 0 && floor <= 1) || earlyCheck < 0 || earlyCheck >= depth) {
            throw new IllegalArgumentException("floor must be in (0, 1] and earlyCheck in [0, " + depth + "), got "
                    + floor + ", " + earlyCheck);
        }
        double worst = Double.NaN;
        int products = 0;
        for (int cycle = 1; cycle <= maxCycles; cycle++) {
            System.arraycopy(vectors, 0, q, 0, n * b);
            orthonormalize(0, 0);
            for (int j = 0; j <= depth; j++) {
                x.apply(q, j * n * b, b, xq, j * n * b);
                products++;
                if (j > 0 && j == earlyCheck) {
                    worst = rayleighRitz((j + 1) * b, k, values, vectors, floor);
                    if (worst <= tolerance) {
                        return new Outcome(true, cycle, products, worst);
                    }
                }
                if (j < depth) {
                    System.arraycopy(xq, j * n * b, q, (j + 1) * n * b, n * b);
                    orthonormalize(j + 1, (j + 1) * b);
                }
            }
            worst = rayleighRitz(m, k, values, vectors, floor);
            if (worst <= tolerance) {
                return new Outcome(true, cycle, products, worst);
            }
        }
        return new Outcome(false, maxCycles, products, worst);
    }

    /**
     * Makes block {@code j} of Q orthonormal and orthogonal to the first {@code previous} columns:
     * Gram–Schmidt twice, Householder QR, Gram–Schmidt, QR.
     */
    private void orthonormalize(int j, int previous) {
        int offset = j * n * b;
        if (previous > 0) {
            project(offset, previous);
            project(offset, previous);
        }
        householder(offset);
        if (previous > 0) {
            project(offset, previous);
            householder(offset);
        }
    }

    /** Block at {@code offset} −= Q[:, 0..p) · (Q[:, 0..p)ᵀ · block). */
    private void project(int offset, int p) {
        blas.dgemm("T", "N", p, b, n, 1.0, q, 0, n, q, offset, n, 0.0, coefficients, 0, p);
        blas.dgemm("N", "N", n, b, p, -1.0, q, 0, n, coefficients, 0, p, 1.0, q, offset, n);
    }

    /** Replaces the n×b block at {@code offset} by the Q factor of its Householder QR. */
    private void householder(int offset) {
        lapack.dgeqrf(n, b, q, offset, n, tau, 0, qrWork, 0, qrWork.length, info);
        check("dgeqrf");
        lapack.dorgqr(n, b, b, q, offset, n, tau, 0, qrWork, 0, qrWork.length, info);
        check("dorgqr");
    }

    /**
     * H = Qᵀ(XQ) on the first {@code size} columns of Q (b &lt; size ≤ m), symmetrised; its top b
     * eigenvectors give the Ritz vectors (into {@code vectors}) and the top k Ritz values (into
     * {@code values}). (dsyevd's workspace, sized for m, is enough for a smaller size.)
     *
     * @return max over the top k of min(‖r_i‖, ‖r_i‖²/δ_i)/max(θ_i, f·θ_1)
     */
    private double rayleighRitz(int size, int k, double[] values, double[] vectors, double floor) {
        blas.dgemm("T", "N", size, size, n, 1.0, q, 0, n, xq, 0, n, 0.0, h, 0, size);
        for (int col = 0; col < size; col++) {
            for (int row = col + 1; row < size; row++) {
                double s = 0.5 * (h[col * size + row] + h[row * size + col]);
                h[col * size + row] = s;
                h[row * size + col] = s;
            }
        }
        lapack.dsyevd("V", "L", size, h, 0, size, theta, 0, eigenWork, 0, eigenWork.length, eigenIwork, 0,
                eigenIwork.length, info);
        check("dsyevd");
        int top = (size - b) * size; // the last b eigenvectors, ascending, are contiguous columns of h
        blas.dgemm("N", "N", n, b, size, 1.0, q, 0, n, h, top, size, 0.0, ritz, 0, n);
        blas.dgemm("N", "N", n, b, size, 1.0, xq, 0, n, h, top, size, 0.0, xRitz, 0, n);
        double largest = Math.max(theta[size - 1], Double.MIN_NORMAL);
        double beyond = theta[size - b - 1]; // the first Ritz value outside the tracked b
        double worst = 0.0;
        for (int i = b - k; i < b; i++) {
            double t = theta[size - b + i];
            double ss = 0.0;
            for (int row = 0; row < n; row++) {
                double r = xRitz[i * n + row] - t * ritz[i * n + row];
                ss += r * r;
            }
            double residual = Math.sqrt(ss);
            double gap = t - beyond;
            double bound = gap > 0 ? Math.min(residual, ss / gap) : residual;
            worst = Math.max(worst, bound / Math.max(t, floor * largest));
            values[i - (b - k)] = Math.max(0.0, t); // X is PSD: a negative Ritz value is round-off of 0
        }
        System.arraycopy(ritz, 0, vectors, 0, n * b);
        return worst;
    }

    private void check(String routine) {
        if (info.val != 0) {
            throw new ArithmeticException(routine + " failed (info = " + info.val + ") for n = " + n + ", b = " + b);
        }
    }
}

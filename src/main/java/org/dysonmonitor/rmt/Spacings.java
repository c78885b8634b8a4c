package org.dysonmonitor.rmt;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Nearest-neighbour spacings of an ordered spectrum x_0 ≤ x_1 ≤ … ≤ x_{n−1}, raw and unfolded.
 *
 * <p>Raw spacings are s_i = x_{i+1} − x_i. Comparing them with a universal law (Wigner surmise,
 * Poisson) needs <em>unfolding</em>: the levels are mapped through a smooth approximation N̄(x) of
 * the counting function N(x) = #{x_j ≤ x}, so that the unfolded levels ξ_i = N̄(x_i) have unit mean
 * density and the spacings ξ_{i+1} − ξ_i measure the local level repulsion alone.
 *
 * <p>Every method takes levels in non-decreasing order, rejects unsorted or non-finite input with an
 * {@link IllegalArgumentException}, and never modifies the array it is given.
 */
public final class Spacings {

    /**
     * Relative tolerance below which {@link #unfolded(double[])} treats a level as a structural zero:
     * |x| ≤ 1e-12 · max|x|. The null space of a rank-deficient Gram matrix WᵀW comes out of a
     * double-precision eigensolver at the rounding level, ≈ 1e-15·x_max (measured for a 300×500 W),
     * three orders below this cut. A genuine level that small is rare: a GOE-like spectrum of n levels
     * has one there with probability ~1e-12·n; the hard edge of a square N×N Wishart matrix
     * (x_min ~ x_max/N², Edelman 1988) with probability ≈ 2e-6·N. Dropping it loses one edge spacing.
     */
    public static final double ZERO_TOLERANCE = 1e-12;

    /** Largest polynomial degree used by {@link #defaultDegree(int)}. */
    public static final int MAX_UNFOLDING_DEGREE = 9;

    /** Below this many levels the staircase is fitted by a straight line (constant density). */
    private static final int MIN_LEVELS_FOR_CURVATURE = 20;

    private Spacings() {
    }

    /**
     * Raw nearest-neighbour spacings s_i = x_{i+1} − x_i, i = 0..n−2.
     *
     * @param ascendingLevels levels in non-decreasing order; not modified
     * @return a new array of length n − 1 (empty for n &lt; 2); equal levels give zero spacings
     */
    public static double[] nearestNeighbour(double[] ascendingLevels) {
        requireAscending(ascendingLevels);
        int n = ascendingLevels.length;
        if (n < 2) {
            return new double[0];
        }
        double[] s = new double[n - 1];
        for (int i = 0; i < n - 1; i++) {
            s[i] = ascendingLevels[i + 1] - ascendingLevels[i];
        }
        return s;
    }

    /**
     * The levels with |x| &gt; relTol · max_j |x_j|, in their original order.
     *
     * <p>A Gram matrix WᵀW of rank k &lt; n has n − k eigenvalues that are zero up to rounding
     * (±ε·‖W‖²). They are not part of the spectrum whose statistics we want — one block of
     * near-zero "levels" would put n − k spurious tiny spacings into any statistic — so they are
     * removed. In an ascending array they form one contiguous block, which is what is cut out.
     *
     * @param ascending levels in non-decreasing order; not modified
     * @param relTol    relative tolerance, ≥ 0 (e.g. {@link #ZERO_TOLERANCE})
     * @return a new array; empty if all levels are (near) zero
     */
    public static double[] nonZero(double[] ascending, double relTol) {
        double[] kept = withoutZeros(ascending, relTol);
        return kept == ascending ? ascending.clone() : kept;
    }

    /**
     * Polynomial degree used to fit the counting function of n levels:
     * d = 1 for n &lt; 20, else d = min(9, 1 + ⌊log₂(n/10)⌋) (n = 20 → 2, 160 → 5, 640 → 7,
     * 2560 → 9).
     *
     * <p>Why: the fit must follow the smooth, global shape of the density but not the fluctuations of
     * the staircase around it (O(√ln n) for a rigid GOE spectrum, O(√n) for Poisson levels); each extra
     * coefficient absorbs part of those fluctuations and narrows the unfolded spacing distribution.
     * A degree growing like log n, capped at 9, keeps d + 1 ≪ n and the monomial fit on [−1, 1]
     * well conditioned.
     *
     * @param levels number of levels n ≥ 0
     * @return the degree, ≥ 1
     */
    public static int defaultDegree(int levels) {
        if (levels < 0) {
            throw new IllegalArgumentException("levels must be >= 0, got " + levels);
        }
        if (levels < MIN_LEVELS_FOR_CURVATURE) {
            return 1;
        }
        int log2 = 31 - Integer.numberOfLeadingZeros(levels / 10); // ⌊log₂(n/10)⌋, n/10 ≥ 2
        return Math.min(MAX_UNFOLDING_DEGREE, 1 + log2);
    }

    /**
     * Unfolded nearest-neighbour spacings, normalised to mean 1, with the degree
     * {@link #defaultDegree(int)}. See {@link #unfolded(double[], int)}.
     *
     * @param ascendingLevels levels in non-decreasing order; not modified
     * @return a new array of at most n − 1 unfolded spacings with mean 1; empty if fewer than 3
     *     non-zero levels remain or all of them are equal
     */
    public static double[] unfolded(double[] ascendingLevels) {
        double[] x = withoutZeros(ascendingLevels, ZERO_TOLERANCE);
        return unfoldedNonZero(x, defaultDegree(x.length));
    }

    /**
     * Unfolded nearest-neighbour spacings, normalised to mean 1.
     *
     * <ol>
     *   <li>Structural zeros |x| ≤ {@link #ZERO_TOLERANCE}·max|x| (null space of a rank-deficient
     *       Gram matrix) are removed first, see {@link #nonZero(double[], double)}. A level that is
     *       legitimately 0 (or that close to it) is therefore dropped too; shift such a spectrum
     *       before unfolding — spacings are shift invariant.</li>
     *   <li>The staircase N(x_i) = i + ½ (the midpoint of the unit jump at x_i; the offset is
     *       irrelevant for spacings) is fitted by least squares with a polynomial N̄ of degree d in
     *       t = (2x − x_0 − x_{n−1}) / (x_{n−1} − x_0) ∈ [−1, 1], solved directly in the Chebyshev
     *       basis (see {@code smoothCountingFunction}).
     *       The degree is reduced to at most n − 2 so that the fit never interpolates.</li>
     *   <li>An unfolding map must be non-decreasing, or unfolded spacings could be negative. Where
     *       the density is tiny — a sparse tail, a square-root edge — a polynomial fitted to a noisy
     *       staircase can fold back (ξ_{i+1} &lt; ξ_i); lowering the degree does not cure this for a
     *       strongly varying density (it would fall back to a straight line, i.e. no unfolding).
     *       So spacings are returned for the longest run of consecutive levels x_from..x_to on which
     *       ξ is non-decreasing; the folded stretches, where the fit says nothing reliable, are
     *       dropped. Typically this is all levels, or all but ≲ 2 % in a sparse tail.</li>
     *   <li>s_i = (ξ_{i+1} − ξ_i) / ⟨ξ_{j+1} − ξ_j⟩ for i = from..to−1, with
     *       ⟨ξ_{j+1} − ξ_j⟩ = (ξ_to − ξ_from)/(to − from), so that the returned spacings have mean
     *       exactly 1.</li>
     * </ol>
     *
     * <p>Degenerate levels x_{i+1} = x_i map to the same ξ and give exact zero spacings, which are
     * kept: an exact degeneracy is a physical statement (no repulsion) that a spacing statistic must
     * see. The fit uses every level, edges included; callers wanting to exclude the edge regions,
     * where unfolding by a global polynomial is least reliable, can drop a fraction of the returned
     * spacings at both ends.
     *
     * @param ascendingLevels levels in non-decreasing order; not modified
     * @param degree          polynomial degree d ≥ 1 of the fit of the counting function
     * @return a new array of to − from ≤ n − 1 unfolded spacings with mean 1 (n = number of non-zero
     *     levels); empty if fewer than 3 levels remain or they are all equal
     */
    public static double[] unfolded(double[] ascendingLevels, int degree) {
        if (degree < 1) {
            throw new IllegalArgumentException("degree must be >= 1, got " + degree);
        }
        return unfoldedNonZero(withoutZeros(ascendingLevels, ZERO_TOLERANCE), degree);
    }

    /** Steps 2–4 of {@link #unfolded(double[], int)} on sorted levels without structural zeros. */
    private static double[] unfoldedNonZero(double[] x, int degree) {
        int n = x.length;
        if (n < 3 || x[n - 1] == x[0]) {
            return new double[0];
        }
        double[] xi = smoothCountingFunction(x, Math.min(degree, n - 2));
        // Longest run [from, to] of levels on which the fitted N̄ is non-decreasing (first if tied).
        int from = 0;
        int to = 0;
        int runStart = 0;
        for (int i = 1; i < n; i++) {
            if (xi[i] < xi[i - 1]) {
                runStart = i;
            } else if (i - runStart > to - from) {
                from = runStart;
                to = i;
            }
        }
        int levels = to - from + 1;
        if (levels < 3 || xi[to] == xi[from]) {
            return new double[0];
        }
        double meanSpacing = (xi[to] - xi[from]) / (levels - 1);
        double[] s = new double[levels - 1];
        for (int i = 0; i < levels - 1; i++) {
            s[i] = (xi[from + i + 1] - xi[from + i]) / meanSpacing;
        }
        return s;
    }

    /**
     * ξ_i = N̄(x_i) from the least-squares polynomial fit of the staircase N(x_i) = i + ½, solved
     * directly: N̄(t) = Σ_{j≤d} c_j T_j(t) in the Chebyshev basis T_j on t ∈ [−1, 1], whose normal
     * matrix G_jl = Σ_i T_j(t_i) T_l(t_i) stays well conditioned (a few units times n for the
     * spectra met here, where the monomial one grows like 10^d), so G c = Σ_i T(t_i)(i + ½) is
     * solved by one Cholesky factorisation (EJML) in (d + 1)² n / 2 + O(d³) flops. The fitted values at the
     * levels are the orthogonal projection of the staircase onto the polynomials of degree d, so they
     * do not depend on the basis: this is the same fit an iterative curve fitter converges to. With
     * fewer than d + 1 distinct levels that projection is the interpolant of degree p − 1 through the
     * p distinct levels, so the degree is lowered to p − 1 (the normal matrix would be singular).
     */
    static double[] smoothCountingFunction(double[] x, int degree) {
        int n = x.length;
        double centre = 0.5 * (x[0] + x[n - 1]);
        double halfWidth = 0.5 * (x[n - 1] - x[0]);
        double[] t = new double[n];
        int distinct = 1;
        for (int i = 0; i < n; i++) {
            t[i] = (x[i] - centre) / halfWidth;
            if (i > 0 && x[i] != x[i - 1]) {
                distinct++;
            }
        }
        int d = Math.min(degree, distinct - 1);
        int m = d + 1;
        double[] gram = new double[m * m];
        double[] rhs = new double[m];
        double[] basis = new double[m];
        for (int i = 0; i < n; i++) {
            chebyshev(t[i], basis);
            double y = i + 0.5;
            for (int j = 0; j < m; j++) {
                double bj = basis[j];
                rhs[j] += bj * y;
                for (int l = 0; l <= j; l++) {
                    gram[j * m + l] += bj * basis[l];
                }
            }
        }
        double[] c = choleskySolve(gram, rhs, m);
        for (int i = 0; i < n; i++) {
            chebyshev(t[i], basis);
            double v = 0.0;
            for (int j = 0; j < m; j++) {
                v += c[j] * basis[j];
            }
            t[i] = v; // in place: t becomes ξ
        }
        return t;
    }

    /** T_0(t) … T_{m−1}(t) by the recurrence T_{j+1} = 2t T_j − T_{j−1}. */
    private static void chebyshev(double t, double[] out) {
        out[0] = 1.0;
        if (out.length > 1) {
            out[1] = t;
        }
        for (int j = 2; j < out.length; j++) {
            out[j] = 2 * t * out[j - 1] - out[j - 2];
        }
    }

    /** Solves G c = b for the symmetric positive definite m×m G given by its lower triangle (row-major), by Cholesky (EJML). */
    private static double[] choleskySolve(double[] lower, double[] b, int m) {
        DMatrixRMaj g = new DMatrixRMaj(m, m);
        for (int j = 0; j < m; j++) {
            for (int l = 0; l <= j; l++) {
                g.set(j, l, lower[j * m + l]);
                g.set(l, j, lower[j * m + l]);
            }
        }
        LinearSolverDense<DMatrixRMaj> cholesky = LinearSolverFactory_DDRM.symmPosDef(m);
        if (!cholesky.setA(g)) {
            throw new ArithmeticException("unfolding: normal matrix of degree " + (m - 1) + " not positive definite");
        }
        DMatrixRMaj c = new DMatrixRMaj(m, 1);
        cholesky.solve(new DMatrixRMaj(m, 1, true, b), c);
        return c.getData();
    }

    /**
     * {@link #nonZero(double[], double)} that returns its argument itself when nothing is removed,
     * so callers that only read the result avoid a copy.
     */
    private static double[] withoutZeros(double[] ascending, double relTol) {
        requireAscending(ascending);
        if (!(relTol >= 0) || Double.isInfinite(relTol)) {
            throw new IllegalArgumentException("relTol must be finite and >= 0, got " + relTol);
        }
        int n = ascending.length;
        if (n == 0) {
            return ascending;
        }
        // Sorted: the largest magnitude sits at one of the two ends.
        double scale = Math.max(Math.abs(ascending[0]), Math.abs(ascending[n - 1]));
        double cut = relTol * scale;
        int from = 0;
        while (from < n && ascending[from] < -cut) {
            from++;
        }
        int to = from;
        while (to < n && ascending[to] <= cut) {
            to++;
        }
        if (from == to) {
            return ascending;
        }
        double[] kept = new double[n - (to - from)];
        System.arraycopy(ascending, 0, kept, 0, from);
        System.arraycopy(ascending, to, kept, from, n - to);
        return kept;
    }

    /**
     * Checks that levels are finite and non-decreasing.
     *
     * @throws IllegalArgumentException if not
     */
    static void requireAscending(double[] levels) {
        if (levels == null) {
            throw new IllegalArgumentException("levels must not be null");
        }
        for (int i = 0; i < levels.length; i++) {
            if (!Double.isFinite(levels[i])) {
                throw new IllegalArgumentException("level " + i + " is not finite: " + levels[i]);
            }
            if (i > 0 && levels[i] < levels[i - 1]) {
                throw new IllegalArgumentException("levels must be sorted ascending; violated at index "
                        + i + ": " + levels[i - 1] + " > " + levels[i]);
            }
        }
    }
}

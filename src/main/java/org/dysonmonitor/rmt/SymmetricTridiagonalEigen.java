package org.dysonmonitor.rmt;

/**
 * The lowest eigenpairs of a real symmetric tridiagonal matrix T (diagonal d, off-diagonal e), for
 * problems too large for a full decomposition (a Fokker–Planck Hamiltonian on 10⁴ grid points).
 *
 * <p>Eigenvalues by bisection on the Sturm count: the number of eigenvalues below λ is the number of
 * negative pivots q_i = d_i − λ − e_{i−1}²/q_{i−1} of the LDLᵀ factorisation of T − λ𝟙 (Wilkinson, "The
 * Algebraic Eigenvalue Problem", §5.37; a zero pivot is replaced by a tiny negative one). Bisection
 * stops at the resolution of double precision, |λ|·2⁻⁵² or ‖T‖·2⁻⁵² near zero. Eigenvectors by inverse
 * iteration, (T − λ̃𝟙)y = v with λ̃ the bisected value shifted by ‖T‖·10⁻¹², solved by Gaussian
 * elimination with partial pivoting (LAPACK dgttrf/dgtts2 style), four iterations, each orthogonalised against
 * the vectors already found (needed for close pairs such as the tunnelling doublet of a double well).
 * Eigenvectors have unit Euclidean norm and a non-negative sum (a fixed sign). Inputs are not modified.
 */
public final class SymmetricTridiagonalEigen {

    private final double[] values;
    private final double[][] vectors;

    /**
     * @param diagonal    d, length n ≥ 1
     * @param offDiagonal e, length n − 1 (T_{i,i+1} = T_{i+1,i} = e_i)
     * @param count       number of lowest eigenpairs, 1 ≤ count ≤ n
     */
    public SymmetricTridiagonalEigen(double[] diagonal, double[] offDiagonal, int count) {
        int n = diagonal.length;
        if (n < 1 || offDiagonal.length != n - 1 || count < 1 || count > n) {
            throw new IllegalArgumentException("need n >= 1, n - 1 off-diagonal entries and 1 <= count <= n; got n = "
                    + n + ", " + offDiagonal.length + ", count = " + count);
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double r = (i > 0 ? Math.abs(offDiagonal[i - 1]) : 0) + (i < n - 1 ? Math.abs(offDiagonal[i]) : 0);
            lo = Math.min(lo, diagonal[i] - r);
            hi = Math.max(hi, diagonal[i] + r);
        }
        double norm = Math.max(Math.abs(lo), Math.abs(hi));
        values = new double[count];
        vectors = new double[count][];
        for (int k = 0; k < count; k++) {
            values[k] = bisect(diagonal, offDiagonal, k, lo, hi, norm);
            vectors[k] = inverseIteration(diagonal, offDiagonal, values[k] - norm * 1e-12, k);
        }
    }

    /** The eigenvalues found, ascending. */
    public double[] values() {
        return values.clone();
    }

    /** Eigenvector k (unit norm), a copy. */
    public double[] vector(int k) {
        return vectors[k].clone();
    }

    /** Number of eigenvalues of T strictly below λ. */
    static int countBelow(double[] d, double[] e, double lambda) {
        int negative = 0;
        double q = 1;
        for (int i = 0; i < d.length; i++) {
            q = d[i] - lambda - (i > 0 ? e[i - 1] * e[i - 1] / q : 0);
            if (q == 0) {
                q = -Double.MIN_NORMAL;
            }
            if (q < 0) {
                negative++;
            }
        }
        return negative;
    }

    /** The (k+1)-th smallest eigenvalue: the λ at which the Sturm count passes k. */
    private static double bisect(double[] d, double[] e, int k, double lo, double hi, double norm) {
        double a = lo;
        double b = hi;
        while (true) {
            double mid = 0.5 * (a + b);
            double resolution = Math.max(Math.abs(mid), norm * 1e-3) * 0x1p-52;
            if (b - a <= resolution || mid <= a || mid >= b) {
                return mid;
            }
            if (countBelow(d, e, mid) > k) {
                b = mid;
            } else {
                a = mid;
            }
        }
    }

    private double[] inverseIteration(double[] d, double[] e, double shift, int k) {
        int n = d.length;
        double[] v = new double[n];
        // deterministic start with components in every direction
        long state = 0x9E3779B97F4A7C15L * (k + 1);
        for (int i = 0; i < n; i++) {
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            v[i] = 0.5 + (state >>> 11) * 0x1.0p-53;
        }
        orthonormalise(v, k);
        for (int iteration = 0; iteration < 4; iteration++) {
            v = solveShifted(d, e, shift, v);
            orthonormalise(v, k);
        }
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        if (sum < 0) {
            for (int i = 0; i < n; i++) {
                v[i] = -v[i];
            }
        }
        return v;
    }

    private void orthonormalise(double[] v, int k) {
        for (int j = 0; j < k; j++) {
            double dot = 0;
            for (int i = 0; i < v.length; i++) {
                dot += v[i] * vectors[j][i];
            }
            for (int i = 0; i < v.length; i++) {
                v[i] -= dot * vectors[j][i];
            }
        }
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < v.length; i++) {
            v[i] /= norm;
        }
    }

    /**
     * Solves (T − shift·𝟙) y = b by Gaussian elimination with partial pivoting for a tridiagonal matrix:
     * row i has sub-diagonal l, diagonal m and super-diagonal u; a row swap fills a second super-diagonal.
     */
    private static double[] solveShifted(double[] d, double[] e, double shift, double[] b) {
        int n = d.length;
        double[] diag = new double[n];
        double[] sup = new double[n];
        double[] sup2 = new double[n];
        double[] sub = new double[n];
        double[] y = b.clone();
        for (int i = 0; i < n; i++) {
            diag[i] = d[i] - shift;
            sup[i] = i < n - 1 ? e[i] : 0;
            sub[i] = i < n - 1 ? e[i] : 0;
        }
        double tiny = Double.MIN_NORMAL * 1e10;
        for (int i = 0; i < n - 1; i++) {
            if (Math.abs(diag[i]) >= Math.abs(sub[i])) {
                if (diag[i] == 0) {
                    diag[i] = tiny;
                }
                double f = sub[i] / diag[i];
                diag[i + 1] -= f * sup[i];
                y[i + 1] -= f * y[i];
                sub[i] = f;
            } else {
                // swap rows i and i + 1
                double f = diag[i] / sub[i];
                diag[i] = sub[i];
                double t = diag[i + 1];
                diag[i + 1] = sup[i] - f * t;
                sup2[i] = i < n - 2 ? sup[i + 1] : 0;
                if (i < n - 2) {
                    sup[i + 1] = -f * sup2[i];
                }
                sup[i] = t;
                double ty = y[i];
                y[i] = y[i + 1];
                y[i + 1] = ty - f * y[i + 1];
            }
        }
        if (diag[n - 1] == 0) {
            diag[n - 1] = tiny;
        }
        y[n - 1] /= diag[n - 1];
        if (n > 1) {
            y[n - 2] = (y[n - 2] - sup[n - 2] * y[n - 1]) / diag[n - 2];
        }
        for (int i = n - 3; i >= 0; i--) {
            y[i] = (y[i] - sup[i] * y[i + 1] - sup2[i] * y[i + 2]) / diag[i];
        }
        return y;
    }
}

package org.dysonmonitor.linalg;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Gram operator's products against X·q computed in plain Java float64 loops from W (y = Wq, then
 * Wᵀy, or the other way round): to round-off for float64, and for float32 within the product error
 * that {@link TrackedTopSpectrum#float32Tolerance} assumes, ‖fl(Xq) − Xq‖ ≤ c·u·√k·‖X‖ per unit q.
 */
class GramOperatorTest {

    private static final int B = 80;

    @BeforeAll
    static void systemLapackIsInstalled() {
        NativeLapackAssumptions.requireNativeLapack();
    }

    @Test
    void float32ProductsAreWithinTheAssumedErrorAndFloat64OnesAtRoundOff() {
        SplittableRandom rng = new SplittableRandom(11);
        int[][] shapes = {{512, 512}, {700, 450}, {450, 700}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int cols = shape[1];
            for (String kind : new String[]{"gaussian", "heavy-tailed", "non-negative"}) {
                float[] w = matrix(rows, cols, kind, rng);
                for (MatrixLayout layout : MatrixLayout.values()) {
                    check(w, rows, cols, layout, kind, rng);
                }
            }
        }
    }

    private static void check(float[] w, int rows, int cols, MatrixLayout layout, String what, SplittableRandom rng) {
        double[] wide = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            wide[i] = w[i];
        }
        GramOperator op = new GramOperator(NativeLapack.blas());
        op.set(wide, rows, cols, layout);
        int n = op.dimension();
        assertTrue(n == Math.min(rows, cols));
        double[] q = TrackedTopSpectrumTest.gaussian(n * B, 1, rng);
        for (int j = 0; j < B; j++) {
            double ss = 0;
            for (int i = 0; i < n; i++) {
                ss += q[j * n + i] * q[j * n + i];
            }
            for (int i = 0; i < n; i++) {
                q[j * n + i] /= Math.sqrt(ss);
            }
        }
        double[] exact = reference(wide, rows, cols, layout, q);
        double norm = new NativeSpectrumSolver().eigenvalues(wide, rows, cols, layout)[n - 1];
        double[] out64 = new double[n * B];
        op.apply(q, 0, B, out64, 0);
        op.set(w, rows, cols, layout);
        assertTrue(op.float32());
        double[] out32 = new double[n * B];
        op.apply(q, 0, B, out32, 0);
        double worst64 = maxColumnError(out64, exact, n);
        double worst32 = maxColumnError(out32, exact, n);
        String at = what + " " + rows + "×" + cols + " " + layout;
        assertTrue(worst64 <= 1e-12 * norm, at + ": float64 product off by " + worst64 / norm + " of ‖X‖");
        double tau = TrackedTopSpectrum.float32Tolerance(rows, cols);
        assertTrue(worst32 <= tau * norm, at + ": float32 product off by " + worst32 / norm + " of ‖X‖, τ = " + tau);
        // and it is float32 arithmetic, not a widened copy in dgemm
        assertTrue(worst32 > 1e-3 * NativeSpectrumSolver.FLOAT32_UNIT_ROUNDOFF * norm, at + ": " + worst32 / norm);
    }

    /** X·q for each column of q, from the row-major or column-major array, in float64 loops. */
    private static double[] reference(double[] w, int rows, int cols, MatrixLayout layout, double[] q) {
        // X = WᵀW (cols × cols) or WWᵀ (rows × rows), the smaller; a square one as the operator reads it
        // (A = Wᵀ for a row-major array, A = W for a column-major one, and AAᵀ when A is not tall)
        boolean gramOfColumns = layout == MatrixLayout.ROW_MAJOR ? cols <= rows : cols < rows;
        int n = Math.min(rows, cols);
        int other = Math.max(rows, cols);
        double[] out = new double[n * B];
        double[] y = new double[other];
        for (int j = 0; j < B; j++) {
            java.util.Arrays.fill(y, 0);
            for (int o = 0; o < other; o++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += entry(w, rows, cols, layout, gramOfColumns ? o : i, gramOfColumns ? i : o) * q[j * n + i];
                }
                y[o] = s;
            }
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int o = 0; o < other; o++) {
                    s += entry(w, rows, cols, layout, gramOfColumns ? o : i, gramOfColumns ? i : o) * y[o];
                }
                out[j * n + i] = s;
            }
        }
        return out;
    }

    private static double entry(double[] w, int rows, int cols, MatrixLayout layout, int row, int col) {
        return layout == MatrixLayout.ROW_MAJOR ? w[row * cols + col] : w[col * rows + row];
    }

    private static double maxColumnError(double[] got, double[] exact, int n) {
        double worst = 0;
        for (int j = 0; j < B; j++) {
            double ss = 0;
            for (int i = 0; i < n; i++) {
                double d = got[j * n + i] - exact[j * n + i];
                ss += d * d;
            }
            worst = Math.max(worst, Math.sqrt(ss));
        }
        return worst;
    }

    private static float[] matrix(int rows, int cols, String kind, SplittableRandom rng) {
        double[] g = TrackedTopSpectrumTest.gaussian(rows * cols, 1 / Math.sqrt(Math.max(rows, cols)), rng);
        float[] w = new float[g.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double v = g[i * cols + j];
                w[i * cols + j] = (float) switch (kind) {
                    case "heavy-tailed" -> v * Math.sqrt(cols / (1.0 + j));
                    case "non-negative" -> Math.abs(v);
                    default -> v;
                };
            }
        }
        return w;
    }
}

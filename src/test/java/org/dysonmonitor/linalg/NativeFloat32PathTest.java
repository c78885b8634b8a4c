package org.dysonmonitor.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 path of {@link NativeSpectrumSolver} against the float64 result on the same float32
 * matrix, with the bounds computed from that matrix (u = 2⁻²⁴, n = min, k = max of the sides): the
 * guaranteed {@link NativeSpectrumSolver#float32ErrorBound} |x̂_i − x_i| ≤ γ_k·tr X + c·n·u·‖X‖₂ on
 * every input, and the working {@link NativeSpectrumSolver#float32WorkingBound} |x̂_i − x_i| ≤ k·u·‖X‖₂
 * on the dense, mixed-sign layers it is stated for (measured errors use 0.05–0.2 of it).
 */
class NativeFloat32PathTest {

    @BeforeAll
    static void systemLapackIsInstalled() {
        NativeLapackAssumptions.requireNativeLapack();
    }

    @ParameterizedTest(name = "{0}×{1} {2}, float32 from n ≥ {3}")
    @CsvSource({
            "1,1,ROW_MAJOR,1", "1,9,ROW_MAJOR,1", "37,13,ROW_MAJOR,1", "13,37,COLUMN_MAJOR,1",
            "200,200,ROW_MAJOR,1", "512,512,ROW_MAJOR,512", "512,512,COLUMN_MAJOR,512",
            "2048,512,ROW_MAJOR,512", "512,1100,COLUMN_MAJOR,512", "700,1400,ROW_MAJOR,512"})
    void float32PathStaysWithinTheStatedBoundOfTheFloat64Result(int rows, int cols, MatrixLayout layout, int minSize) {
        Random rng = new Random(31L * rows + cols);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextGaussian();
        }
        assertWithinBound(w, rows, cols, layout, minSize, true);
    }

    @Test
    void illConditionedAndRankDeficientLayersStayWithinTheBound() {
        // Singular values spread over four decades and a rank-deficient block: the bound is absolute,
        // so the small eigenvalues may lose their relative accuracy but never more than the bound.
        int rows = 640;
        int cols = 520;
        Random rng = new Random(5);
        DMatrixRMaj q1 = RandomMatrices_DDRM.orthogonal(rows, cols, rng);
        DMatrixRMaj q2 = RandomMatrices_DDRM.orthogonal(cols, cols, rng);
        DMatrixRMaj s = new DMatrixRMaj(cols, cols);
        for (int i = 0; i < cols; i++) {
            s.set(i, i, i < 60 ? 0 : Math.pow(10, -2 + 4.0 * i / cols));
        }
        DMatrixRMaj tmp = new DMatrixRMaj(rows, cols);
        DMatrixRMaj w = new DMatrixRMaj(rows, cols);
        CommonOps_DDRM.mult(q1, s, tmp);
        CommonOps_DDRM.mult(tmp, q2, w);
        float[] f = SpectrumSolverContract.toFloat(w.data);
        assertWithinBound(f, rows, cols, MatrixLayout.ROW_MAJOR, NativeSpectrumSolver.DEFAULT_SINGLE_PRECISION_MIN_SIZE, true);
    }

    @Test
    void belowItsThresholdTheFloat32ModeIsExactDouble() {
        int n = NativeSpectrumSolver.DEFAULT_SINGLE_PRECISION_MIN_SIZE - 1;
        NativeSpectrumSolver solver = new NativeSpectrumSolver(true);
        assertFalse(solver.usesFloat32(n, 3 * n));
        assertTrue(solver.usesFloat32(n + 1, n + 1));
        assertFalse(new NativeSpectrumSolver(false).usesFloat32(4096, 4096), "exact mode never uses float32");

        Random rng = new Random(9);
        DMatrixRMaj w = RandomMatrices_DDRM.rectangle(2 * n, n, -1, 1, rng);
        float[] f = SpectrumSolverContract.toFloat(w.data);
        double[] exact = new NativeSpectrumSolver(false).eigenvalues(f, 2 * n, n, MatrixLayout.ROW_MAJOR);
        SpectrumSolverContract.assertSpectrum(exact, solver.eigenvalues(f, 2 * n, n, MatrixLayout.ROW_MAJOR));
    }

    @Test
    void float64InputsNeverTakeTheFloat32Path() {
        int n = NativeSpectrumSolver.DEFAULT_SINGLE_PRECISION_MIN_SIZE;
        DMatrixRMaj w = RandomMatrices_DDRM.rectangle(n, n, -1, 1, new Random(13));
        double[] fast = new NativeSpectrumSolver(true).eigenvalues(w.data, n, n, MatrixLayout.ROW_MAJOR);
        double[] exact = new NativeSpectrumSolver(false).eigenvalues(w.data, n, n, MatrixLayout.ROW_MAJOR);
        SpectrumSolverContract.assertSpectrum(exact, fast);
    }

    @Test
    void theBoundsAreTheStatedFormulas() {
        double u = 0x1p-24;
        double gamma = 300 * u / (1 - 300 * u);
        assertEquals(gamma * 7.0 + 8 * 100 * u * 2.0, NativeSpectrumSolver.float32ErrorBound(100, 300, 7.0, 2.0), 1e-20);
        assertEquals(gamma * 7.0 + 8 * 100 * u * 2.0, NativeSpectrumSolver.float32ErrorBound(300, 100, 7.0, 2.0), 1e-20);
        assertEquals(u * 300 * 2.0, NativeSpectrumSolver.float32WorkingBound(100, 300, 2.0), 0);
    }

    @Test
    void positiveLayersStayWithinTheGuaranteedBound() {
        // All entries of one sign: rounding errors add up coherently, the case the working bound excludes.
        Random rng = new Random(17);
        int rows = 900;
        int cols = 600;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (1 + rng.nextDouble());
        }
        assertWithinBound(w, rows, cols, MatrixLayout.COLUMN_MAJOR, 512, false);
    }

    private static void assertWithinBound(float[] w, int rows, int cols, MatrixLayout layout, int minSize,
                                          boolean working) {
        NativeSpectrumSolver single = new NativeSpectrumSolver(true, minSize);
        assertTrue(single.usesFloat32(rows, cols));
        double[] exact = new NativeSpectrumSolver(false).eigenvalues(w, rows, cols, layout);
        double[] fast = single.eigenvalues(w, rows, cols, layout);

        int n = Math.min(rows, cols);
        assertEquals(n, fast.length);
        double trace = 0;
        for (double x : exact) {
            trace += x;
        }
        double norm = exact[n - 1];
        double bound = NativeSpectrumSolver.float32ErrorBound(rows, cols, trace, norm);
        double workingBound = NativeSpectrumSolver.float32WorkingBound(rows, cols, norm);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double err = Math.abs(fast[i] - exact[i]);
            worst = Math.max(worst, err);
            assertTrue(err <= bound, "eigenvalue " + i + ": |x̂ − x| = " + err + " exceeds the bound " + bound);
            if (working) {
                assertTrue(err <= workingBound, "eigenvalue " + i + ": |x̂ − x| = " + err
                        + " exceeds the working bound k·u·‖X‖ = " + workingBound);
            }
            assertTrue(fast[i] >= 0, "clamped at 0");
            if (i > 0) {
                assertTrue(fast[i] >= fast[i - 1], "ascending at " + i);
            }
        }
        if (n >= 13) {
            // float32 cannot reach 1e-10 relative accuracy on a generic matrix: the float32 path really ran
            assertTrue(worst > 1e-10 * norm, "float32 path not taken? worst error " + worst + " of ‖X‖ = " + norm);
        }
    }
}

package org.dysonmonitor.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every {@link SpectrumSolver} backend passes: a backend's test extends this class.
 *
 * <p>Reference values come from an independent route: the singular values of W itself (EJML's SVD,
 * a different algorithm on a different matrix), squared, or from closed forms. The tolerance is
 * relative to the largest eigenvalue, 1e-9: eigenvalues of a symmetric matrix are computed to
 * O(n·ε·‖X‖) absolute accuracy (Weyl), i.e. ~1e-13·‖X‖ at n = 600, so 1e-9 leaves room for the
 * Gram product's round-off while still catching any real error (a wrong Gram side, transpose or
 * dropped mode changes values at O(1)).
 */
abstract class SpectrumSolverContract {

    static final double TOLERANCE = 1e-9;

    protected abstract SpectrumSolver newSolver();

    @ParameterizedTest(name = "{0}×{1}")
    @CsvSource({"1,1", "1,7", "7,1", "2,2", "10,10", "37,13", "13,37", "128,128", "600,300", "300,600"})
    void randomMatricesMatchSquaredSingularValuesInEveryLayoutAndPrecision(int rows, int cols) {
        Random rng = new Random(1000L * rows + cols);
        DMatrixRMaj w = RandomMatrices_DDRM.rectangle(rows, cols, -1, 1, rng);
        double[] expected = squaredSingularValues(w);
        SpectrumSolver solver = newSolver();

        assertSpectrum(expected, solver.eigenvalues(w.data.clone(), rows, cols, MatrixLayout.ROW_MAJOR));
        assertSpectrum(expected, solver.eigenvalues(columnMajor(w), rows, cols, MatrixLayout.COLUMN_MAJOR));

        // float32 input: compare against the same float-rounded matrix computed in double.
        float[] f = toFloat(w.data);
        DMatrixRMaj wf = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < f.length; i++) {
            wf.data[i] = f[i];
        }
        double[] expectedF = squaredSingularValues(wf);
        assertSpectrum(expectedF, solver.eigenvalues(f, rows, cols, MatrixLayout.ROW_MAJOR));
        assertSpectrum(expectedF, solver.eigenvalues(toFloat(columnMajor(wf)), rows, cols, MatrixLayout.COLUMN_MAJOR));
    }

    @ParameterizedTest(name = "{0}×{1}, rank {2}")
    @CsvSource({"50,20,5", "20,50,5", "300,600,40", "600,300,1"})
    void rankDeficientMatricesHaveExactZerosAndTheRightNonZeroValues(int rows, int cols, int rank) {
        Random rng = new Random(7L * rows + cols + rank);
        DMatrixRMaj a = RandomMatrices_DDRM.rectangle(rows, rank, -1, 1, rng);
        DMatrixRMaj b = RandomMatrices_DDRM.rectangle(rank, cols, -1, 1, rng);
        DMatrixRMaj w = new DMatrixRMaj(rows, cols);
        CommonOps_DDRM.mult(a, b, w);
        double[] x = newSolver().eigenvalues(w.data, rows, cols, MatrixLayout.ROW_MAJOR);

        int n = Math.min(rows, cols);
        assertEquals(n, x.length);
        for (int i = 0; i < n - rank; i++) {
            assertTrue(x[i] >= 0, "eigenvalues are clamped at 0, never negative");
        }
        assertSpectrum(squaredSingularValues(w), x);
    }

    @Test
    void zeroMatrixHasAllZeroEigenvalues() {
        double[] x = newSolver().eigenvalues(new double[12 * 5], 12, 5, MatrixLayout.ROW_MAJOR);
        assertArrayEquals(new double[5], x);
    }

    @Test
    void diagonalMatrixGivesSquaredDiagonalAscending() {
        // W = diag(3, −1, 2, 0.5) padded to 6×4: X = WᵀW = diag(9, 1, 4, 0.25).
        double[] w = new double[6 * 4];
        double[] d = {3, -1, 2, 0.5};
        for (int i = 0; i < 4; i++) {
            w[i * 4 + i] = d[i];
        }
        assertArrayEquals(new double[] {0.25, 1, 4, 9}, newSolver().eigenvalues(w, 6, 4, MatrixLayout.ROW_MAJOR), 1e-14);
    }

    @Test
    void scaledOrthogonalMatrixHasOneDegenerateEigenvalue() {
        // W = c·Q with Q orthogonal: WᵀW = c²·𝟙, fully degenerate.
        DMatrixRMaj q = RandomMatrices_DDRM.orthogonal(40, 40, new Random(3));
        CommonOps_DDRM.scale(1.5, q);
        double[] x = newSolver().eigenvalues(q.data, 40, 40, MatrixLayout.ROW_MAJOR);
        for (double xi : x) {
            assertEquals(2.25, xi, 2.25 * TOLERANCE);
        }
    }

    @Test
    void rankOneOuterProductHasNormProductAndZeros() {
        // W = u vᵀ: the one non-zero eigenvalue is |u|²|v|².
        double[] u = {1, 2, 3, 4, 5};
        double[] v = {2, -1, 0.5};
        double[] w = new double[u.length * v.length];
        for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < v.length; j++) {
                w[i * v.length + j] = u[i] * v[j];
            }
        }
        double[] x = newSolver().eigenvalues(w, u.length, v.length, MatrixLayout.ROW_MAJOR);
        double expected = 55 * 5.25;
        assertEquals(expected, x[2], expected * TOLERANCE);
        assertEquals(0, x[0], expected * TOLERANCE);
        assertEquals(0, x[1], expected * TOLERANCE);
    }

    @Test
    void oneSolverServesChangingShapesAndNeverModifiesItsInput() {
        SpectrumSolver solver = newSolver();
        Random rng = new Random(11);
        int[][] shapes = {{30, 10}, {10, 30}, {5, 5}, {30, 10}, {64, 48}, {1, 1}};
        for (int[] s : shapes) {
            DMatrixRMaj w = RandomMatrices_DDRM.rectangle(s[0], s[1], -1, 1, rng);
            double[] in = w.data.clone();
            double[] out = new double[Math.min(s[0], s[1]) + 3]; // a larger out array is allowed
            int n = solver.eigenvalues(in, s[0], s[1], MatrixLayout.ROW_MAJOR, out);
            assertEquals(Math.min(s[0], s[1]), n);
            assertSpectrum(squaredSingularValues(w), Arrays.copyOf(out, n));
            assertArrayEquals(w.data, in, "input must not be modified");
        }
    }

    @Test
    void wrongShapesAreRejectedWithAMessage() {
        SpectrumSolver solver = newSolver();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> solver.eigenvalues(new double[10], 3, 4, MatrixLayout.ROW_MAJOR));
        assertTrue(e.getMessage().contains("3×4 matrix needs 12 values, got 10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> solver.eigenvalues(new double[0], 0, 4, MatrixLayout.ROW_MAJOR));
        assertThrows(IllegalArgumentException.class,
                () -> solver.eigenvalues(new double[12], 3, 4, MatrixLayout.ROW_MAJOR, new double[2]));
    }

    static void assertSpectrum(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, "number of eigenvalues");
        double scale = Math.max(expected[expected.length - 1], Double.MIN_NORMAL);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOLERANCE * scale, "eigenvalue " + i);
            if (i > 0) {
                assertTrue(actual[i] >= actual[i - 1], "ascending at " + i);
            }
        }
    }

    /** The independent reference: ξ_i² from the SVD of W itself, ascending. */
    static double[] squaredSingularValues(DMatrixRMaj w) {
        double[] xi = SingularOps_DDRM.singularValues(w.copy());
        double[] x = new double[Math.min(w.numRows, w.numCols)];
        for (int i = 0; i < x.length; i++) {
            x[i] = i < xi.length ? xi[i] * xi[i] : 0;
        }
        Arrays.sort(x);
        return x;
    }

    static double[] columnMajor(DMatrixRMaj w) {
        double[] c = new double[w.getNumElements()];
        for (int i = 0; i < w.numRows; i++) {
            for (int j = 0; j < w.numCols; j++) {
                c[j * w.numRows + i] = w.get(i, j);
            }
        }
        return c;
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}

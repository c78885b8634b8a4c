package org.dysonmonitor.rmt;

import java.util.Arrays;

import org.apache.commons.math3.random.RandomGenerator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/** Reference random spectra for the bulk-statistics tests, diagonalised with EJML. */
final class BulkTestSpectra {

    private BulkTestSpectra() {
    }

    /** M×N matrix with i.i.d. N(0, variance) entries. */
    static DMatrixRMaj gaussian(int rows, int cols, double variance, RandomGenerator rng) {
        double sd = Math.sqrt(variance);
        DMatrixRMaj w = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < w.data.length; i++) {
            w.data[i] = sd * rng.nextGaussian();
        }
        return w;
    }

    /** Ascending eigenvalues of WᵀW (N×N). */
    static double[] gramEigenvalues(DMatrixRMaj w) {
        DMatrixRMaj gram = new DMatrixRMaj(w.numCols, w.numCols);
        CommonOps_DDRM.multTransA(w, w, gram);
        return symmetricEigenvalues(gram);
    }

    /** Ascending eigenvalues of the Wishart matrix WᵀW, W M×N with N(0, variance) entries. */
    static double[] wishart(int rows, int cols, double variance, RandomGenerator rng) {
        return gramEigenvalues(gaussian(rows, cols, variance, rng));
    }

    /**
     * Ascending eigenvalues of an n×n GOE matrix H = (A + Aᵀ)/√2, A_ij ~ N(0, 1): off-diagonal
     * variance 1, diagonal variance 2; semicircle on [−2√n, 2√n].
     */
    static double[] goe(int n, RandomGenerator rng) {
        DMatrixRMaj h = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            h.set(i, i, Math.sqrt(2.0) * rng.nextGaussian());
            for (int j = i + 1; j < n; j++) {
                double v = rng.nextGaussian();
                h.set(i, j, v);
                h.set(j, i, v);
            }
        }
        return symmetricEigenvalues(h);
    }

    /** Ascending eigenvalues of a symmetric matrix (EJML symmetric QR, values only). */
    static double[] symmetricEigenvalues(DMatrixRMaj symmetric) {
        int n = symmetric.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false, true);
        if (!eig.decompose(symmetric)) {
            throw new IllegalStateException("EJML eigen-decomposition failed for n = " + n);
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = eig.getEigenvalue(i).real;
        }
        Arrays.sort(values);
        return values;
    }

    /** Sorted i.i.d. uniform levels on [0, 1): a Poisson spectrum with constant density. */
    static double[] sortedUniform(int n, RandomGenerator rng) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextDouble();
        }
        Arrays.sort(x);
        return x;
    }

    /** Sorted i.i.d. Exp(1) levels: a Poisson spectrum with density ∝ e^{−x}. */
    static double[] sortedExponential(int n, RandomGenerator rng) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -Math.log1p(-rng.nextDouble());
        }
        Arrays.sort(x);
        return x;
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** Standard error of the mean, s/√n, with the unbiased sample variance s². */
    static double standardError(double[] values) {
        double m = mean(values);
        double ss = 0;
        for (double v : values) {
            ss += (v - m) * (v - m);
        }
        return Math.sqrt(ss / (values.length - 1) / values.length);
    }
}

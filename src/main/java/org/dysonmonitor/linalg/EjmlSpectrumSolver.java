package org.dysonmonitor.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.Arrays;

/**
 * Pure-Java backend on EJML: the Gram matrix by {@code multInner}/{@code multOuter} (which exploit
 * its symmetry), then EJML's symmetric, values-only eigen decomposition.
 *
 * <p>Workspaces (the input copy, the Gram matrix and the decomposition) are allocated once per
 * shape and grown lazily, so a stream of same-shaped snapshots allocates nothing but EJML's own
 * internals. Not thread-safe: one instance per owner.
 */
public final class EjmlSpectrumSolver implements SpectrumSolver {

    /** Row-major view of W or Wᵀ, whichever the input layout gives without a transpose. */
    private final DMatrixRMaj input = new DMatrixRMaj(1, 1);
    private final DMatrixRMaj gram = new DMatrixRMaj(1, 1);
    private EigenDecomposition_F64<DMatrixRMaj> eigen;
    private int eigenSize = -1;

    @Override
    public int eigenvalues(double[] values, int rows, int cols, MatrixLayout layout, double[] out) {
        SpectrumSolver.checkShape(values.length, rows, cols, out.length);
        prepareInput(rows, cols, layout);
        System.arraycopy(values, 0, input.data, 0, values.length);
        return solve(out);
    }

    @Override
    public int eigenvalues(float[] values, int rows, int cols, MatrixLayout layout, double[] out) {
        SpectrumSolver.checkShape(values.length, rows, cols, out.length);
        prepareInput(rows, cols, layout);
        double[] data = input.data;
        for (int i = 0; i < values.length; i++) {
            data[i] = values[i]; // float → double is exact; the Gram matrix is then formed in double
        }
        return solve(out);
    }

    @Override
    public String name() {
        return "ejml";
    }

    /**
     * A column-major M×N array read row-major is Wᵀ (N×M); its Gram matrices are those of W with
     * the roles swapped, and the eigenvalues are the same, so no transpose is needed.
     */
    private void prepareInput(int rows, int cols, MatrixLayout layout) {
        if (layout == MatrixLayout.ROW_MAJOR) {
            input.reshape(rows, cols, false);
        } else {
            input.reshape(cols, rows, false);
        }
    }

    private int solve(double[] out) {
        int n = Math.min(input.numRows, input.numCols);
        gram.reshape(n, n, false);
        if (input.numCols <= input.numRows) {
            CommonOps_DDRM.multInner(input, gram); // AᵀA, N×N
        } else {
            CommonOps_DDRM.multOuter(input, gram); // AAᵀ, M×M
        }
        if (eigenSize != n) {
            eigen = DecompositionFactory_DDRM.eig(n, false, true); // symmetric, values only
            eigenSize = n;
        }
        // The decomposition may overwrite its input; the Gram matrix is rebuilt on every call.
        if (!eigen.decompose(gram)) {
            throw new ArithmeticException("EJML symmetric eigen decomposition did not converge for a "
                    + n + "×" + n + " Gram matrix");
        }
        for (int i = 0; i < n; i++) {
            // X is positive semi-definite: a negative value is round-off of a zero eigenvalue.
            out[i] = Math.max(0.0, eigen.getEigenvalue(i).real);
        }
        Arrays.sort(out, 0, n);
        return n;
    }
}

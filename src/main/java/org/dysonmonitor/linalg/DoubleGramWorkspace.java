package org.dysonmonitor.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;

/** {@link GramEigenWorkspace} in float64: dsyrk, then dsyevd, dsyevr or dsyev. */
final class DoubleGramWorkspace extends GramEigenWorkspace<double[]> {

    DoubleGramWorkspace(LAPACK lapack, BLAS blas, NativeSpectrumSolver.Eigensolver eigensolver,
                       NativeSpectrumSolver.TwoStage twoStage) {
        super(lapack, blas, eigensolver, "d", double[]::new, twoStage);
    }

    @Override
    double eigenvalue(int i) {
        return w[i];
    }

    @Override
    void syrk(double[] a, String trans, int n, int k, int lda) {
        blas.dsyrk("L", trans, n, k, 1.0, a, lda, 0.0, gram, n);
    }

    @Override
    void eigen(int n, double[] wk, int lwork, int[] iwk, int liwork) {
        switch (eigensolver) {
            case SYEVD -> lapack.dsyevd("N", "L", n, gram, n, w, wk, lwork, iwk, liwork, info);
            case SYEVR -> lapack.dsyevr("N", "A", "L", n, gram, n, 0.0, 0.0, 0, 0, 0.0, found, w, dummyZ, 1,
                    isuppz, wk, lwork, iwk, liwork, info);
            case SYEV -> lapack.dsyev("N", "L", n, gram, n, w, wk, lwork, info);
        }
    }
}

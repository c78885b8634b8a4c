package org.dysonmonitor.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;

/** {@link GramEigenWorkspace} in float32: ssyrk, then ssyevd, ssyevr or ssyev (on the caller's array, no copy). */
final class FloatGramWorkspace extends GramEigenWorkspace<float[]> {

    FloatGramWorkspace(LAPACK lapack, BLAS blas, NativeSpectrumSolver.Eigensolver eigensolver,
                       NativeSpectrumSolver.TwoStage twoStage) {
        super(lapack, blas, eigensolver, "s", float[]::new, twoStage);
    }

    @Override
    double eigenvalue(int i) {
        return w[i];
    }

    @Override
    void syrk(float[] a, String trans, int n, int k, int lda) {
        blas.ssyrk("L", trans, n, k, 1.0f, a, lda, 0.0f, gram, n);
    }

    @Override
    void eigen(int n, float[] wk, int lwork, int[] iwk, int liwork) {
        switch (eigensolver) {
            case SYEVD -> lapack.ssyevd("N", "L", n, gram, n, w, wk, lwork, iwk, liwork, info);
            case SYEVR -> lapack.ssyevr("N", "A", "L", n, gram, n, 0f, 0f, 0, 0, 0f, found, w, dummyZ, 1,
                    isuppz, wk, lwork, iwk, liwork, info);
            case SYEV -> lapack.ssyev("N", "L", n, gram, n, w, wk, lwork, info);
        }
    }
}

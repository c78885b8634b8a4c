package org.dysonmonitor.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;

/** {@link GramEigenWorkspace} in float32: ssyrk, then ssyevd, ssyevr or ssyev (on the caller's array, no copy). */
final class FloatGramWorkspace extends GramEigenWorkspace<float[]> {

    private float[] gram = new float[0];
    private float[] w = new float[0];
    private float[] work = new float[1];
    private int[] iwork = new int[1];
    private int[] isuppz = new int[0];
    // ssyevr never writes Z with jobz = 'N', but netlib's argument check wants n elements (ldz = 1)
    private float[] dummyZ = new float[0];
    private final float[] queriedWork = new float[1];
    private final int[] queriedIwork = new int[1];

    FloatGramWorkspace(LAPACK lapack, BLAS blas, NativeSpectrumSolver.Eigensolver eigensolver) {
        super(lapack, blas, eigensolver, "s");
    }

    @Override
    void allocate(int n) {
        if (gram.length < n * n) {
            gram = new float[n * n];
        }
        if (w.length < n) {
            w = new float[n];
        }
        if (eigensolver == NativeSpectrumSolver.Eigensolver.SYEVR && isuppz.length < 2 * n) {
            isuppz = new int[2 * n];
            dummyZ = new float[n];
        }
    }

    @Override
    void allocateWork() {
        int lwork = workSize(queriedWork[0]);
        int liwork = Math.max(1, queriedIwork[0]);
        if (work.length < lwork) {
            work = new float[lwork];
        }
        if (iwork.length < liwork) {
            iwork = new int[liwork];
        }
    }

    @Override
    void syrk(float[] a, String trans, int n, int k, int lda) {
        blas.ssyrk("L", trans, n, k, 1.0f, a, lda, 0.0f, gram, n);
    }

    @Override
    void eigen(int n, boolean query) {
        float[] wk = query ? queriedWork : work;
        int[] iwk = query ? queriedIwork : iwork;
        int lwork = query ? -1 : work.length;
        int liwork = query ? -1 : iwork.length;
        switch (eigensolver) {
            case SYEVD -> lapack.ssyevd("N", "L", n, gram, n, w, wk, lwork, iwk, liwork, info);
            case SYEVR -> lapack.ssyevr("N", "A", "L", n, gram, n, 0f, 0f, 0, 0, 0f, found, w, dummyZ, 1,
                    isuppz, wk, lwork, iwk, liwork, info);
            case SYEV -> lapack.ssyev("N", "L", n, gram, n, w, wk, lwork, info);
        }
    }

    @Override
    double eigenvalue(int i) {
        return w[i];
    }
}

package org.dysonmonitor.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;

/** {@link GramEigenWorkspace} in float64: dsyrk, then dsyevd, dsyevr or dsyev. */
final class DoubleGramWorkspace extends GramEigenWorkspace<double[]> {

    private double[] gram = new double[0];
    private double[] w = new double[0];
    private double[] work = new double[1];
    private int[] iwork = new int[1];
    private int[] isuppz = new int[0];
    // dsyevr never writes Z with jobz = 'N', but netlib's argument check wants n elements (ldz = 1)
    private double[] dummyZ = new double[0];
    private final double[] queriedWork = new double[1];
    private final int[] queriedIwork = new int[1];

    DoubleGramWorkspace(LAPACK lapack, BLAS blas, NativeSpectrumSolver.Eigensolver eigensolver) {
        super(lapack, blas, eigensolver, "d");
    }

    @Override
    void allocate(int n) {
        if (gram.length < n * n) {
            gram = new double[n * n];
        }
        if (w.length < n) {
            w = new double[n];
        }
        if (eigensolver == NativeSpectrumSolver.Eigensolver.SYEVR && isuppz.length < 2 * n) {
            isuppz = new int[2 * n];
            dummyZ = new double[n];
        }
    }

    @Override
    void allocateWork() {
        int lwork = workSize(queriedWork[0]);
        int liwork = Math.max(1, queriedIwork[0]);
        if (work.length < lwork) {
            work = new double[lwork];
        }
        if (iwork.length < liwork) {
            iwork = new int[liwork];
        }
    }

    @Override
    void syrk(double[] a, String trans, int n, int k, int lda) {
        blas.dsyrk("L", trans, n, k, 1.0, a, lda, 0.0, gram, n);
    }

    @Override
    void eigen(int n, boolean query) {
        double[] wk = query ? queriedWork : work;
        int[] iwk = query ? queriedIwork : iwork;
        int lwork = query ? -1 : work.length;
        int liwork = query ? -1 : iwork.length;
        switch (eigensolver) {
            case SYEVD -> lapack.dsyevd("N", "L", n, gram, n, w, wk, lwork, iwk, liwork, info);
            case SYEVR -> lapack.dsyevr("N", "A", "L", n, gram, n, 0.0, 0.0, 0, 0, 0.0, found, w, dummyZ, 1,
                    isuppz, wk, lwork, iwk, liwork, info);
            case SYEV -> lapack.dsyev("N", "L", n, gram, n, w, wk, lwork, info);
        }
    }

    @Override
    double eigenvalue(int i) {
        return w[i];
    }
}

package org.dysonmonitor.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

import java.lang.reflect.Array;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The steps of a native spectrum in one precision, written once: the smaller Gram matrix of the
 * column-major view A of the input by {@code ?syrk} (lower triangle), then its eigenvalues by the
 * chosen values-only eigensolver, clamped at 0 (X is PSD: a negative value is round-off of a zero
 * eigenvalue), and the arrays they work in. From {@link TwoStageEigenvalues}' sizes on, with {@code ?syevd}
 * chosen and the two-stage routines bound, the eigenvalues may come from {@code ?syevd_2stage} instead:
 * always, or where its {@link TwoStageTrial} found it the faster on this machine. A subclass per
 * precision ({@link DoubleGramWorkspace}, {@link FloatGramWorkspace}) makes the BLAS/LAPACK calls of its
 * type ({@code dsyrk} or {@code ssyrk}, …: netlib names each precision's routine apart, so these calls are
 * written once per precision).
 *
 * <p>Workspaces are sized by a LAPACK workspace query on the first call for a size n and reused while
 * n repeats; they grow, never shrink. Not thread-safe.
 *
 * @param <A> the input array type, double[] or float[]
 */
abstract class GramEigenWorkspace<A> {

    final LAPACK lapack;
    final BLAS blas;
    final NativeSpectrumSolver.Eigensolver eigensolver;
    final intW info = new intW(0);
    final intW found = new intW(0);
    /** The Gram matrix (lower triangle, n×n), the eigenvalues, and the eigensolver's work arrays. */
    A gram;
    A w;
    A work;
    int[] iwork = new int[1];
    int[] isuppz = new int[0];
    /** ?syevr never writes Z with jobz = 'N', but netlib's argument check wants n elements (ldz = 1). */
    A dummyZ;
    /** Where a workspace query returns lwork and liwork. */
    final A queriedWork;
    final int[] queriedIwork = new int[1];
    private final IntFunction<A> newArray;
    private final String prefix;
    /** The two-stage reduction for n ≥ TwoStageEigenvalues.MIN_SIZE, or null. */
    private final TwoStageEigenvalues twoStage;
    private final NativeSpectrumSolver.TwoStage twoStageUse;
    private final boolean single;
    /** The trial's clock: this thread's CPU time, or wall time when OpenBLAS runs threads of its own. */
    private final boolean threadClock = NativeLapack.status().blasThreads() <= 1;
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private int size = -1;

    /**
     * @param prefix   the routines' precision letter, "d" or "s"; newArray: double[]::new or float[]::new
     * @param twoStage whether ?syevd_2stage replaces ?syevd from its sizes on (when it is bound): never,
     *                 always, or where {@link TwoStageTrial} measures it faster
     */
    GramEigenWorkspace(LAPACK lapack, BLAS blas, NativeSpectrumSolver.Eigensolver eigensolver, String prefix,
                       IntFunction<A> newArray, NativeSpectrumSolver.TwoStage twoStage) {
        this.lapack = lapack;
        this.blas = blas;
        this.eigensolver = eigensolver;
        this.prefix = prefix;
        this.newArray = newArray;
        this.gram = newArray.apply(0);
        this.w = newArray.apply(0);
        this.work = newArray.apply(1);
        this.dummyZ = newArray.apply(0);
        this.queriedWork = newArray.apply(1);
        this.single = prefix.equals("s");
        TwoStageEigenvalues.Binding binding = TwoStageEigenvalues.Binding.system();
        this.twoStageUse = twoStage;
        this.twoStage = twoStage != NativeSpectrumSolver.TwoStage.NEVER
                && eigensolver == NativeSpectrumSolver.Eigensolver.SYEVD && binding.available()
                ? new TwoStageEigenvalues(binding, single) : null;
    }

    /** Whether an n×n Gram matrix may go to the two-stage reduction (always, or after its trial). */
    final boolean twoStagePossible(int n) {
        return twoStage != null && n >= TwoStageEigenvalues.MIN_SIZE;
    }

    /** Whether the next n×n Gram matrix goes to the two-stage reduction. */
    final boolean twoStage(int n) {
        if (!twoStagePossible(n)) {
            return false;
        }
        return twoStageUse == NativeSpectrumSolver.TwoStage.ALWAYS || TwoStageTrial.of(n, single).next();
    }

    /** The trial an n×n spectrum is timed for, or null: none at this size, or its choice made. */
    private TwoStageTrial runningTrial(int n) {
        if (!twoStagePossible(n) || twoStageUse != NativeSpectrumSolver.TwoStage.MEASURED) {
            return null;
        }
        TwoStageTrial trial = TwoStageTrial.of(n, single);
        return trial.decided().isPresent() ? null : trial;
    }

    /** Eigenvalues of the smaller Gram matrix of the rows×cols input into {@code out}; returns n. */
    final int solve(A values, int rows, int cols, MatrixLayout layout, double[] out) {
        int r = layout == MatrixLayout.COLUMN_MAJOR ? rows : cols; // rows of the column-major view A
        int c = layout == MatrixLayout.COLUMN_MAJOR ? cols : rows;
        int n = Math.min(r, c);
        if (n != size) {
            allocate(n);
            eigen(n, queriedWork, -1, queriedIwork, -1); // the workspace query
            check(n);
            allocateWork();
            size = n;
        }
        // A is r×c with leading dimension r: AAᵀ when r ≤ c, AᵀA otherwise; C is overwritten (beta = 0).
        syrk(values, r <= c ? "N" : "T", n, Math.max(r, c), r);
        boolean two = twoStage(n);
        TwoStageTrial trial = runningTrial(n); // once decided, spectra are not timed
        long started = trial == null ? 0 : now();
        if (two) {
            twoStage.solve(gram, n, out);
        } else {
            eigen(n, work, Array.getLength(work), iwork, iwork.length);
            check(n);
            for (int i = 0; i < n; i++) {
                out[i] = eigenvalue(i);
            }
        }
        if (trial != null) {
            trial.record(two, now() - started);
        }
        for (int i = 0; i < n; i++) {
            out[i] = Math.max(0.0, out[i]);
        }
        return n;
    }

    private long now() {
        return threadClock ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /** Gram matrix and eigenvalue array for n (and what the eigensolver needs besides the work arrays). */
    private void allocate(int n) {
        if (Array.getLength(gram) < n * n) {
            gram = newArray.apply(n * n);
        }
        if (Array.getLength(w) < n) {
            w = newArray.apply(n);
        }
        if (eigensolver == NativeSpectrumSolver.Eigensolver.SYEVR && isuppz.length < 2 * n) {
            isuppz = new int[2 * n];
            dummyZ = newArray.apply(n);
        }
    }

    /** The work arrays at the sizes the last query returned. */
    private void allocateWork() {
        // LAPACK returns lwork as a floating-point number in the first work element.
        int lwork = Math.max(1, (int) Math.ceil(Array.getDouble(queriedWork, 0)));
        int liwork = Math.max(1, queriedIwork[0]);
        if (Array.getLength(work) < lwork) {
            work = newArray.apply(lwork);
        }
        if (iwork.length < liwork) {
            iwork = new int[liwork];
        }
    }

    /** ?syrk("L", trans, n, k, 1, a, lda, 0, gram, n). */
    abstract void syrk(A a, String trans, int n, int k, int lda);

    /** The eigensolver on the Gram matrix; with lwork = liwork = −1 a workspace query into wk and iwk. */
    abstract void eigen(int n, A wk, int lwork, int[] iwk, int liwork);

    /** The i-th eigenvalue the last {@link #eigen} call found. */
    abstract double eigenvalue(int i);

    private void check(int n) {
        if (info.val != 0) {
            String routine = prefix + eigensolver.name().toLowerCase(Locale.ROOT);
            throw new ArithmeticException(info.val > 0
                    ? routine + " did not converge for a " + n + "×" + n + " Gram matrix (info = " + info.val + ")"
                    : routine + " rejected argument " + (-info.val) + " for n = " + n);
        }
    }
}

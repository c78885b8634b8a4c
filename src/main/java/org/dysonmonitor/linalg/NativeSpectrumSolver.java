package org.dysonmonitor.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Native backend: the system LAPACK/BLAS (OpenBLAS on Debian, {@code libopenblas0-pthread}) through
 * dev.ludovic.netlib's JNI layer.
 *
 * <p>For an M×N weight matrix W with n = min(M, N) and k = max(M, N): the n×n Gram matrix
 * X = WᵀW (N ≤ M) or WWᵀ (M &lt; N) by one {@code dsyrk} (lower triangle only, n²k flops), then the
 * eigenvalues of X by {@code dsyevd} with {@code jobz = 'N'} (Householder tridiagonalisation,
 * 4/3·n³ flops, then the root-free QR iteration {@code dsterf}); see {@link #EIGENSOLVER_CHOICE} for
 * why dsyevd.
 *
 * <p><b>Layout without copies.</b> BLAS is column-major. A row-major M×N array is, read
 * column-major, the N×M matrix A = Wᵀ (leading dimension N); a column-major array is A = W
 * (leading dimension M). For a column-major r×c matrix A the smaller Gram matrix is AAᵀ
 * ({@code trans = 'N'}) when r ≤ c and AᵀA ({@code trans = 'T'}) otherwise; both are a Gram matrix
 * of W with the same non-zero eigenvalues, so the input array is passed to {@code dsyrk} as it is
 * and never copied or modified.
 *
 * <p><b>Precision.</b> In the default (exact-double) mode every input is computed in float64:
 * a float32 array is widened into a reused double workspace (exact) and passes the same 1e-9
 * contract as the EJML backend. With {@code singlePrecision}, a float32 input whose smaller side is
 * at least {@code singlePrecisionMinSize} is computed entirely in float32 ({@code ssyrk} on the
 * caller's array, no copy, then {@code ssyevd}). Two bounds on its error, u = 2⁻²⁴ ≈ 6.0e-8,
 * n = min(M, N), k = max(M, N):
 * <ul>
 *   <li>guaranteed, {@link #float32ErrorBound}: |x̂_i − x_i| ≤ γ_k·tr X + c·n·u·‖X‖₂,
 *       γ_k = k·u/(1 − k·u), c = {@value #EIGENSOLVER_CONSTANT}. Gram rounding, for any summation
 *       order: |ΔX| ≤ γ_k·|W|ᵀ|W| elementwise, and ‖|W|ᵀ|W|‖₂ ≤ ‖W‖_F² = tr X; the symmetric
 *       eigensolver is backward stable, ‖ΔX‖₂ ≤ p(n)·u·‖X‖₂, with LAPACK's "modestly growing" p(n)
 *       taken as c·n; Weyl's inequality adds the two. Worst-case, so loose (it grows like k·n);</li>
 *   <li>working, {@link #float32WorkingBound}, the one the statistics rely on: |x̂_i − x_i| ≤ k·u·‖X‖₂
 *       for dense layers whose entries are not all of one sign (rounding errors of a k-term sum then
 *       grow like √k, not k). Measured on Gaussian layers from 64×64 to 4096×4096 the worst error is
 *       0.02–0.13 of it (about 0.1·n·u·‖X‖₂: 2.5e-5·‖X‖₂ at 4096×4096), the mean spacing ratio ⟨r̃⟩
 *       moves by ≤ 1.1e-4 (GOE and Poisson differ by 0.145) and the median spacing by 3e-4 of itself.</li>
 * </ul>
 * Both are absolute: eigenvalues far below ‖X‖ (the hard edge of a square layer) lose relative
 * accuracy first, as they do in float64 at 10⁻⁹ of the size.
 * float64 inputs always take the float64 path.
 *
 * <p><b>Threads.</b> OpenBLAS fixes its threads per call when it loads ({@code OPENBLAS_NUM_THREADS},
 * read by {@link NativeLapack}). With one thread (the recommended setting) solvers on different
 * actors run in parallel. With more, concurrent calls from several Java threads contend for
 * OpenBLAS's one thread pool and slow down by two orders of magnitude (bench/RESULTS.md), so every
 * native solve then takes a process-wide lock: one spectrum at a time, using all of OpenBLAS's threads.
 *
 * <p><b>Garbage collection.</b> netlib's JNI layer pins the Java arrays it passes
 * ({@code GetPrimitiveArrayCritical}) for the whole LAPACK call. With G1, the JDK 17 default, no
 * collection can start meanwhile, so every thread that needs one waits for the spectrum to finish:
 * measured 417 ms at 2048×2048 while another thread allocated; with {@code -XX:+UseShenandoahGC}
 * (which pins regions instead) 13 ms and with {@code -XX:+UseZGC} 17 ms. Processes that compute
 * large native spectra beside latency-sensitive work (HTTP, metrics) should run one of those two.
 *
 * <p>Workspaces (the Gram matrix, the eigenvalue array and LAPACK's work/iwork arrays sized by a
 * workspace query) are allocated on the first call for a size and reused while the size repeats;
 * they grow, never shrink. Not thread-safe: one instance per owner.
 */
public final class NativeSpectrumSolver implements SpectrumSolver {

    /**
     * Smallest min(rows, cols) for which a float32 input takes the float32 path in
     * {@code singlePrecision} mode. Measured on the project's 2-core machine (one OpenBLAS thread),
     * float32 over float64: 1.3× faster at n = 64, 1.6× at 256 (a saving of under 1 ms), 1.7× at
     * 512–1024 and 1.9× at 2048; below 512 the saving is a few milliseconds per spectrum, not worth
     * 10⁸ times the error.
     */
    public static final int DEFAULT_SINGLE_PRECISION_MIN_SIZE = 512;

    /** The constant c in the eigensolver term of {@link #float32ErrorBound}. */
    public static final int EIGENSOLVER_CONSTANT = 8;

    /**
     * The working bound of the float32 path, k·u·‖X‖₂ with k = max(rows, cols), for dense layers
     * whose entries are not all of one sign (see the class comment).
     */
    public static double float32WorkingBound(int rows, int cols, double norm) {
        return FLOAT32_UNIT_ROUNDOFF * Math.max(rows, cols) * norm;
    }

    /** Unit round-off of float32, 2⁻²⁴. */
    public static final double FLOAT32_UNIT_ROUNDOFF = 0x1p-24;

    /**
     * Why dsyevd: with {@code jobz = 'N'} dsyevd, dsyevr and dsyev all reduce to the tridiagonal
     * form by dsytrd and finish with dsterf, so they cost the same to within noise (measured
     * 2026-11 on this project's 2-core machine, bench/RESULTS.md); dsyevd is what numpy's eigvalsh
     * calls, so the comparison with numpy is like for like, and it needs no abstol/range arguments.
     */
    static final String EIGENSOLVER_CHOICE = "dsyevd";

    /** Values-only symmetric eigensolver; package-private so the measurement behind the choice can be repeated. */
    enum Eigensolver { SYEVD, SYEVR, SYEV }

    /**
     * System property overriding the lock: {@code auto} (default: lock when OpenBLAS runs more than
     * one thread per call), {@code true} or {@code false} (for measuring the contention it prevents).
     */
    public static final String SERIALIZE_PROPERTY = "dysonmonitor.native.serialize";

    /** Serialises native solves when OpenBLAS runs more than one thread per call. */
    private static final ReentrantLock MULTI_THREADED_BLAS = new ReentrantLock();

    private final LAPACK lapack;
    private final BLAS blas;
    private final boolean singlePrecision;
    private final int singlePrecisionMinSize;
    private final Eigensolver eigensolver;
    private final boolean serialize;

    // float64 workspaces
    private double[] widened = new double[0];
    private double[] gram = new double[0];
    private double[] w = new double[0];
    private double[] work = new double[0];
    private int[] iwork = new int[0];
    private int[] isuppz = new int[0];
    private int workspaceSize = -1;
    // float32 workspaces
    private float[] gramF = new float[0];
    private float[] wF = new float[0];
    private float[] workF = new float[0];
    private int[] iworkF = new int[0];
    private int[] isuppzF = new int[0];
    private int workspaceSizeF = -1;

    private final intW info = new intW(0);
    private final intW found = new intW(0);
    // dsyevr/ssyevr never write Z with jobz = 'N', but netlib's argument check wants n elements (ldz = 1)
    private double[] dummyZ = new double[0];
    private float[] dummyZF = new float[0];

    /** Exact-double mode: every input is computed in float64. */
    public NativeSpectrumSolver() {
        this(false);
    }

    /**
     * @param singlePrecision when true, float32 inputs with min(rows, cols) ≥
     *                        {@link #DEFAULT_SINGLE_PRECISION_MIN_SIZE} are computed in float32
     * @throws IllegalStateException when the system LAPACK/BLAS did not load (with the install hint)
     */
    public NativeSpectrumSolver(boolean singlePrecision) {
        this(singlePrecision, DEFAULT_SINGLE_PRECISION_MIN_SIZE);
    }

    /**
     * @param singlePrecisionMinSize smallest min(rows, cols) that takes the float32 path (≥ 1)
     * @throws IllegalStateException when the system LAPACK/BLAS did not load (with the install hint)
     */
    public NativeSpectrumSolver(boolean singlePrecision, int singlePrecisionMinSize) {
        this(singlePrecision, singlePrecisionMinSize, Eigensolver.SYEVD);
    }

    NativeSpectrumSolver(boolean singlePrecision, int singlePrecisionMinSize, Eigensolver eigensolver) {
        if (singlePrecisionMinSize < 1) {
            throw new IllegalArgumentException("singlePrecisionMinSize must be ≥ 1, got " + singlePrecisionMinSize);
        }
        this.lapack = NativeLapack.lapack();
        this.blas = NativeLapack.blas();
        this.singlePrecision = singlePrecision;
        this.singlePrecisionMinSize = singlePrecisionMinSize;
        this.eigensolver = eigensolver;
        this.serialize = serializeSetting(System.getProperty(SERIALIZE_PROPERTY, "auto"),
                NativeLapack.status().blasThreads());
    }

    @Override
    public int eigenvalues(double[] values, int rows, int cols, MatrixLayout layout, double[] out) {
        SpectrumSolver.checkShape(values.length, rows, cols, out.length);
        lock();
        try {
            return solveDouble(values, rows, cols, layout, out);
        } finally {
            unlock();
        }
    }

    @Override
    public int eigenvalues(float[] values, int rows, int cols, MatrixLayout layout, double[] out) {
        SpectrumSolver.checkShape(values.length, rows, cols, out.length);
        boolean f32 = usesFloat32(rows, cols);
        if (!f32) {
            if (widened.length < values.length) {
                widened = new double[values.length];
            }
            for (int i = 0; i < values.length; i++) {
                widened[i] = values[i]; // float → double is exact
            }
        }
        lock();
        try {
            return f32 ? solveFloat(values, rows, cols, layout, out) : solveDouble(widened, rows, cols, layout, out);
        } finally {
            unlock();
        }
    }

    static boolean serializeSetting(String property, int blasThreads) {
        return switch (property.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            case "auto" -> blasThreads > 1;
            default -> throw new IllegalArgumentException(
                    SERIALIZE_PROPERTY + " must be auto, true or false, got " + property);
        };
    }

    private void lock() {
        if (serialize) {
            MULTI_THREADED_BLAS.lock();
        }
    }

    private void unlock() {
        if (serialize) {
            MULTI_THREADED_BLAS.unlock();
        }
    }

    /** Whether native solves are serialised because OpenBLAS runs several threads per call. */
    public boolean serialized() {
        return serialize;
    }

    /** Whether a float32 input of this shape is computed in float32. */
    public boolean usesFloat32(int rows, int cols) {
        return singlePrecision && Math.min(rows, cols) >= singlePrecisionMinSize;
    }

    @Override
    public String name() {
        return singlePrecision ? "native-f32" : "native";
    }

    /**
     * The guaranteed bound on |x̂_i − x_i| of the float32 path for the Gram matrix X of an M×N
     * matrix, given tr X = Σ x_i = ‖W‖_F² and ‖X‖₂ = max x_i: γ_k·tr X + c·n·u·‖X‖₂ with
     * n = min(M, N), k = max(M, N), u = 2⁻²⁴, γ_k = k·u/(1 − k·u), c = {@value #EIGENSOLVER_CONSTANT}.
     */
    public static double float32ErrorBound(int rows, int cols, double trace, double norm) {
        int n = Math.min(rows, cols);
        double ku = Math.max(rows, cols) * FLOAT32_UNIT_ROUNDOFF;
        if (ku >= 1) {
            return Double.POSITIVE_INFINITY; // k ≥ 2²⁴: no a-priori bound
        }
        return ku / (1 - ku) * trace + (double) EIGENSOLVER_CONSTANT * n * FLOAT32_UNIT_ROUNDOFF * norm;
    }

    private int solveDouble(double[] a, int rows, int cols, MatrixLayout layout, double[] out) {
        int r = layout == MatrixLayout.COLUMN_MAJOR ? rows : cols; // rows of the column-major view A
        int c = layout == MatrixLayout.COLUMN_MAJOR ? cols : rows;
        int n = Math.min(r, c);
        int k = Math.max(r, c);
        ensureDoubleWorkspace(n);
        // A is r×c with leading dimension r: AAᵀ when r ≤ c, AᵀA otherwise. C is overwritten (beta = 0).
        blas.dsyrk("L", r <= c ? "N" : "T", n, k, 1.0, a, r, 0.0, gram, n);
        eigenDouble(n);
        for (int i = 0; i < n; i++) {
            out[i] = Math.max(0.0, w[i]); // X is PSD: a negative value is round-off of a zero eigenvalue
        }
        return n;
    }

    private int solveFloat(float[] a, int rows, int cols, MatrixLayout layout, double[] out) {
        int r = layout == MatrixLayout.COLUMN_MAJOR ? rows : cols;
        int c = layout == MatrixLayout.COLUMN_MAJOR ? cols : rows;
        int n = Math.min(r, c);
        int k = Math.max(r, c);
        ensureFloatWorkspace(n);
        blas.ssyrk("L", r <= c ? "N" : "T", n, k, 1.0f, a, r, 0.0f, gramF, n);
        eigenFloat(n);
        for (int i = 0; i < n; i++) {
            out[i] = Math.max(0.0, wF[i]);
        }
        return n;
    }

    private void eigenDouble(int n) {
        switch (eigensolver) {
            case SYEVD -> lapack.dsyevd("N", "L", n, gram, n, w, work, work.length, iwork, iwork.length, info);
            case SYEVR -> lapack.dsyevr("N", "A", "L", n, gram, n, 0.0, 0.0, 0, 0, 0.0, found, w, dummyZ, 1,
                    isuppz, work, work.length, iwork, iwork.length, info);
            case SYEV -> lapack.dsyev("N", "L", n, gram, n, w, work, work.length, info);
        }
        checkInfo(n, "d");
    }

    private void eigenFloat(int n) {
        switch (eigensolver) {
            case SYEVD -> lapack.ssyevd("N", "L", n, gramF, n, wF, workF, workF.length, iworkF, iworkF.length, info);
            case SYEVR -> lapack.ssyevr("N", "A", "L", n, gramF, n, 0f, 0f, 0, 0, 0f, found, wF, dummyZF, 1,
                    isuppzF, workF, workF.length, iworkF, iworkF.length, info);
            case SYEV -> lapack.ssyev("N", "L", n, gramF, n, wF, workF, workF.length, info);
        }
        checkInfo(n, "s");
    }

    private void checkInfo(int n, String prefix) {
        if (info.val != 0) {
            String routine = prefix + eigensolver.name().toLowerCase(java.util.Locale.ROOT);
            throw new ArithmeticException(info.val > 0
                    ? routine + " did not converge for a " + n + "×" + n + " Gram matrix (info = " + info.val + ")"
                    : routine + " rejected argument " + (-info.val) + " for n = " + n);
        }
    }

    /** Sizes the float64 workspaces for n by a LAPACK workspace query, once per size. */
    private void ensureDoubleWorkspace(int n) {
        if (n == workspaceSize) {
            return;
        }
        if (gram.length < n * n) {
            gram = new double[n * n];
        }
        if (w.length < n) {
            w = new double[n];
        }
        if (eigensolver == Eigensolver.SYEVR && isuppz.length < 2 * n) {
            isuppz = new int[2 * n];
            dummyZ = new double[n];
        }
        double[] qw = new double[1];
        int[] qi = new int[1];
        switch (eigensolver) {
            case SYEVD -> lapack.dsyevd("N", "L", n, gram, n, w, qw, -1, qi, -1, info);
            case SYEVR -> lapack.dsyevr("N", "A", "L", n, gram, n, 0.0, 0.0, 0, 0, 0.0, found, w, dummyZ, 1,
                    isuppz, qw, -1, qi, -1, info);
            case SYEV -> lapack.dsyev("N", "L", n, gram, n, w, qw, -1, info);
        }
        checkInfo(n, "d");
        int lwork = Math.max(1, (int) Math.ceil(qw[0]));
        int liwork = Math.max(1, qi[0]);
        if (work.length < lwork) {
            work = new double[lwork];
        }
        if (iwork.length < liwork) {
            iwork = new int[liwork];
        }
        workspaceSize = n;
    }

    /** Sizes the float32 workspaces for n by a LAPACK workspace query, once per size. */
    private void ensureFloatWorkspace(int n) {
        if (n == workspaceSizeF) {
            return;
        }
        if (gramF.length < n * n) {
            gramF = new float[n * n];
        }
        if (wF.length < n) {
            wF = new float[n];
        }
        if (eigensolver == Eigensolver.SYEVR && isuppzF.length < 2 * n) {
            isuppzF = new int[2 * n];
            dummyZF = new float[n];
        }
        float[] qw = new float[1];
        int[] qi = new int[1];
        switch (eigensolver) {
            case SYEVD -> lapack.ssyevd("N", "L", n, gramF, n, wF, qw, -1, qi, -1, info);
            case SYEVR -> lapack.ssyevr("N", "A", "L", n, gramF, n, 0f, 0f, 0, 0, 0f, found, wF, dummyZF, 1,
                    isuppzF, qw, -1, qi, -1, info);
            case SYEV -> lapack.ssyev("N", "L", n, gramF, n, wF, qw, -1, info);
        }
        checkInfo(n, "s");
        int lwork = Math.max(1, (int) Math.ceil(qw[0]));
        int liwork = Math.max(1, qi[0]);
        if (workF.length < lwork) {
            workF = new float[lwork];
        }
        if (iworkF.length < liwork) {
            iworkF = new int[liwork];
        }
        workspaceSizeF = n;
    }
}

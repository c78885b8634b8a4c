package org.dysonmonitor.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;

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
 * read by {@link NativeLapack}; {@code bin/dyson-monitor} sets 1). With one thread solvers on
 * different actors run in parallel. With more, concurrent calls from several Java threads contend for
 * OpenBLAS's one thread pool and slow down by two orders of magnitude (bench/RESULTS.md), so every
 * native solve then takes a process-wide lock: one spectrum at a time, using all of OpenBLAS's threads.
 *
 * <p><b>Garbage collection.</b> netlib's JNI layer pins the Java arrays it passes
 * ({@code GetPrimitiveArrayCritical}) for the whole LAPACK call. Under G1 (the JDK 17 default),
 * Parallel and JDK 17's ZGC no collection can start meanwhile, so every thread that needs one waits
 * for the spectrum to finish; Shenandoah pins regions instead. {@code bench/NativeThreadsBench}
 * measures the longest stall of an allocating thread per collector (2048² spectra: seconds under G1,
 * Parallel and ZGC, under 0.2 s under Shenandoah); {@code bin/dyson-monitor} starts Shenandoah.
 *
 * <p>The steps are written once ({@link GramEigenWorkspace}), with one workspace per precision
 * ({@link DoubleGramWorkspace}, {@link FloatGramWorkspace}) holding the Gram matrix, the eigenvalue
 * array and LAPACK's work arrays, sized by a workspace query on the first call for a size and reused
 * while the size repeats. Not thread-safe: one instance per owner.
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
     * form by dsytrd and finish with dsterf, so they cost the same to within noise (`bench spectrum`
     * on a 2-core machine, bench/RESULTS.md); dsyevd is what numpy's eigvalsh
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

    private final boolean singlePrecision;
    private final int singlePrecisionMinSize;
    private final boolean serialize;

    private final DoubleGramWorkspace float64;
    private final FloatGramWorkspace float32;
    private double[] widened = new double[0];

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
        this(singlePrecision, singlePrecisionMinSize, Eigensolver.SYEVD, TwoStage.MEASURED);
    }

    /** When the two-stage reduction replaces ?syevd, from the sizes where it may pay on. */
    public enum TwoStage {
        NEVER,
        ALWAYS,
        /** Where this machine runs it faster, per size and precision ({@link TwoStageTrial}). */
        MEASURED
    }

    /**
     * The solver without the two-stage reduction: ?syevd at every size (the reference of `bench spectrum`).
     */
    public static NativeSpectrumSolver oneStage(boolean singlePrecision) {
        return new NativeSpectrumSolver(singlePrecision, DEFAULT_SINGLE_PRECISION_MIN_SIZE, Eigensolver.SYEVD,
                TwoStage.NEVER);
    }

    /** The solver that takes the two-stage reduction wherever it may, measured or not (`bench spectrum`, tests). */
    public static NativeSpectrumSolver twoStageAlways(boolean singlePrecision, int singlePrecisionMinSize) {
        return new NativeSpectrumSolver(singlePrecision, singlePrecisionMinSize, Eigensolver.SYEVD, TwoStage.ALWAYS);
    }

    NativeSpectrumSolver(boolean singlePrecision, int singlePrecisionMinSize, Eigensolver eigensolver) {
        this(singlePrecision, singlePrecisionMinSize, eigensolver, TwoStage.MEASURED);
    }

    private NativeSpectrumSolver(boolean singlePrecision, int singlePrecisionMinSize, Eigensolver eigensolver,
                                 TwoStage twoStage) {
        if (singlePrecisionMinSize < 1) {
            throw new IllegalArgumentException("singlePrecisionMinSize must be ≥ 1, got " + singlePrecisionMinSize);
        }
        LAPACK lapack = NativeLapack.lapack();
        BLAS blas = NativeLapack.blas();
        this.float64 = new DoubleGramWorkspace(lapack, blas, eigensolver, twoStage);
        this.float32 = new FloatGramWorkspace(lapack, blas, eigensolver, twoStage);
        this.singlePrecision = singlePrecision;
        this.singlePrecisionMinSize = singlePrecisionMinSize;
        this.serialize = serializeSetting(System.getProperty(SERIALIZE_PROPERTY, "auto"),
                NativeLapack.status().blasThreads());
    }

    @Override
    public int eigenvalues(double[] values, int rows, int cols, MatrixLayout layout, double[] out) {
        SpectrumSolver.checkShape(values.length, rows, cols, out.length);
        lock();
        try {
            return float64.solve(values, rows, cols, layout, out);
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
            return f32 ? float32.solve(values, rows, cols, layout, out) : float64.solve(widened, rows, cols, layout, out);
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

    /** Takes the process-wide native lock when solves are serialised (also for other native work, e.g. {@link TrackedTopSpectrum}). */
    void lock() {
        if (serialize) {
            MULTI_THREADED_BLAS.lock();
        }
    }

    void unlock() {
        if (serialize) {
            MULTI_THREADED_BLAS.unlock();
        }
    }

    /** Whether native solves are serialised because OpenBLAS runs several threads per call. */
    public boolean serialized() {
        return serialize;
    }

    /**
     * Whether the next Gram matrix of size n takes the two-stage eigensolver: in float32 on this solver's
     * float32 path, else in float64 (a float64 input, or a float32 one widened).
     */
    public boolean twoStage(int n) {
        return singlePrecision && n >= singlePrecisionMinSize ? float32.twoStage(n) : float64.twoStage(n);
    }

    /** Whether a Gram matrix of size n may take the two-stage eigensolver (bound, and n large enough). */
    public boolean twoStagePossible(int n) {
        return singlePrecision && n >= singlePrecisionMinSize ? float32.twoStagePossible(n) : float64.twoStagePossible(n);
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
}

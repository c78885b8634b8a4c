package org.dysonmonitor.linalg;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Which {@link SpectrumSolver} backend a monitor uses ({@code --solver auto|native|ejml}), decided
 * once per process, with a reason to log once and show in the API.
 *
 * <ul>
 *   <li>{@code auto}: the native backend when the system LAPACK loads (see {@link NativeLapack}),
 *       for matrices whose smaller side n is at least {@link #nativeMinSize()}; EJML below that and
 *       for everything when no system LAPACK exists (the jar still runs, slower).</li>
 *   <li>{@code native}: the native backend for every size; fails at selection when it is missing.</li>
 *   <li>{@code ejml}: EJML for every size.</li>
 * </ul>
 *
 * <p><b>Crossover.</b> Measured on the project's 2-core machine (bench/RESULTS.md, reproduce with
 * {@code SpectrumBench --crossover}): with one OpenBLAS thread per call the native backend breaks
 * even with EJML at n ≈ 16–20 and is 1.3× faster at n = 24, 2.3× at 64, 5× at 256; so
 * {@link #CROSSOVER_ONE_THREAD} = 24. With two OpenBLAS threads per call, waking and synchronising
 * them costs tens of microseconds per BLAS call inside the tridiagonalisation, more on a loaded
 * machine, and native only wins from n ≈ 96 (idle) to 192 (loaded): so
 * {@link #CROSSOVER_MULTI_THREAD} = 192.
 *
 * <p>Both native modes use the float32 path for float32 inputs of at least
 * {@link NativeSpectrumSolver#DEFAULT_SINGLE_PRECISION_MIN_SIZE} unless {@code float32Path} is
 * false (then every input is computed in float64).
 *
 * <p>Immutable and thread-safe; {@link #newSolver()} returns a new, not thread-safe solver for one owner.
 */
public final class SolverSelection implements Supplier<SpectrumSolver> {

    /** The {@code --solver} values. */
    public enum Mode {
        AUTO, NATIVE, EJML;

        /** Parses {@code auto|native|ejml} (any case); IllegalArgumentException naming the choices otherwise. */
        public static Mode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("solver must be one of auto, native, ejml; got " + s);
            }
        }
    }

    /** Smallest n for native in {@code auto} when OpenBLAS runs one thread per call. */
    public static final int CROSSOVER_ONE_THREAD = 24;

    /** Smallest n for native in {@code auto} when OpenBLAS runs several threads per call. */
    public static final int CROSSOVER_MULTI_THREAD = 192;

    private final Mode mode;
    private final boolean nativeBackend;
    private final int nativeMinSize;
    private final boolean float32Path;
    private final String reason;

    private SolverSelection(Mode mode, boolean nativeBackend, int nativeMinSize, boolean float32Path, String reason) {
        this.mode = mode;
        this.nativeBackend = nativeBackend;
        this.nativeMinSize = nativeMinSize;
        this.float32Path = float32Path;
        this.reason = reason;
    }

    /** Selection with the float32 path for large float32 layers; checks the system LAPACK once. */
    public static SolverSelection select(Mode mode) {
        return select(mode, true);
    }

    /**
     * @param float32Path whether float32 inputs of large layers are computed in float32
     * @throws IllegalStateException for {@code native} when no system LAPACK loaded, with the install hint
     */
    public static SolverSelection select(Mode mode, boolean float32Path) {
        return decide(mode, mode == Mode.EJML ? null : NativeLapack.status(), float32Path);
    }

    /**
     * The decision itself, from a given library status ({@code null}: not checked, only allowed for
     * {@code ejml}); separate from {@link #select} so that the fallback is testable on a machine
     * that has the library.
     */
    static SolverSelection decide(Mode mode, NativeLapack.Status status, boolean float32Path) {
        switch (mode) {
            case EJML:
                return new SolverSelection(mode, false, Integer.MAX_VALUE, false, "EJML for every size (solver ejml)");
            case NATIVE:
                if (!status.loaded()) {
                    throw new IllegalStateException("solver native: " + status.library());
                }
                return new SolverSelection(mode, true, 1, float32Path, "native LAPACK (" + status.describe()
                        + ") for every size" + float32Note(float32Path) + twoStageNote() + threadNote(status));
            case AUTO:
            default:
                if (!status.loaded()) {
                    return new SolverSelection(mode, false, Integer.MAX_VALUE, false, "EJML: " + status.library());
                }
                int min = crossover(status.blasThreads());
                return new SolverSelection(mode, true, min, float32Path, "native LAPACK (" + status.describe()
                        + ") for n ≥ " + min + float32Note(float32Path) + "; EJML below" + twoStageNote() + threadNote(status));
        }
    }

    /** The smallest n = min(rows, cols) at which native beats EJML, for this many OpenBLAS threads per call. */
    static int crossover(int blasThreads) {
        return blasThreads <= 1 ? CROSSOVER_ONE_THREAD : CROSSOVER_MULTI_THREAD;
    }

    /** Where the two-stage eigensolver takes over, or why it does not. */
    private static String twoStageNote() {
        TwoStageEigenvalues.Binding binding = TwoStageEigenvalues.Binding.system();
        return binding.available()
                ? "; the two-stage eigensolver (?syevd_2stage) from n ≥ " + TwoStageEigenvalues.MIN_SIZE
                        + " where it measures faster on this machine (the first " + 2 * TwoStageTrial.TRIALS
                        + " spectra of each size try both)"
                : "; one-stage ?syevd only (" + binding.reason() + ")";
    }

    private static String float32Note(boolean float32Path) {
        return float32Path ? ", float32 layers with n ≥ " + NativeSpectrumSolver.DEFAULT_SINGLE_PRECISION_MIN_SIZE
                + " in float32" : "";
    }

    private static String threadNote(NativeLapack.Status status) {
        if (status.blasThreads() <= 1) {
            return "";
        }
        return "; OpenBLAS runs " + status.blasThreads() + " threads per call, so native spectra are computed"
                + " one at a time: set OPENBLAS_NUM_THREADS=1 to compute them in parallel";
    }

    /** A new solver for one owner (an actor): not thread-safe. */
    public SpectrumSolver newSolver() {
        if (!nativeBackend) {
            return new EjmlSpectrumSolver();
        }
        if (nativeMinSize <= 1) {
            return new NativeSpectrumSolver(float32Path);
        }
        return new AutoSpectrumSolver(nativeMinSize, float32Path);
    }

    /** {@link Supplier} view: the same as {@link #newSolver()}. */
    @Override
    public SpectrumSolver get() {
        return newSolver();
    }

    public Mode mode() {
        return mode;
    }

    /** Whether any size goes to the native backend. */
    public boolean usesNative() {
        return nativeBackend;
    }

    /** Smallest n = min(rows, cols) that goes to the native backend; {@code Integer.MAX_VALUE} if none does. */
    public int nativeMinSize() {
        return nativeMinSize;
    }

    /** Which backend serves an M×N matrix under this selection: "native" or "ejml". */
    public String backendFor(int rows, int cols) {
        return nativeBackend && Math.min(rows, cols) >= nativeMinSize ? "native" : "ejml";
    }

    /** One line saying what was chosen and why, for the log and {@code /api/v1/runs}. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return mode.name().toLowerCase(Locale.ROOT) + ": " + reason;
    }
}

package org.dysonmonitor.linalg;

/**
 * The {@code auto} backend: EJML for matrices whose smaller side is below a crossover size, the
 * native backend from it on (see {@link SolverSelection}). Each backend is created on first use
 * and keeps its own workspaces. Not thread-safe: one instance per owner.
 */
final class AutoSpectrumSolver implements SpectrumSolver {

    private final int nativeMinSize;
    private final boolean float32Path;
    private EjmlSpectrumSolver ejml;
    private NativeSpectrumSolver nativeSolver;

    AutoSpectrumSolver(int nativeMinSize, boolean float32Path) {
        this.nativeMinSize = nativeMinSize;
        this.float32Path = float32Path;
    }

    @Override
    public int eigenvalues(double[] values, int rows, int cols, MatrixLayout layout, double[] out) {
        return backend(rows, cols).eigenvalues(values, rows, cols, layout, out);
    }

    @Override
    public int eigenvalues(float[] values, int rows, int cols, MatrixLayout layout, double[] out) {
        return backend(rows, cols).eigenvalues(values, rows, cols, layout, out);
    }

    @Override
    public String name() {
        return "auto(native for n ≥ " + nativeMinSize + ", else ejml)";
    }

    /** The backend for this shape; the shape itself is checked by the backend. */
    SpectrumSolver backend(int rows, int cols) {
        if (Math.min(rows, cols) >= nativeMinSize) {
            if (nativeSolver == null) {
                nativeSolver = new NativeSpectrumSolver(float32Path);
            }
            return nativeSolver;
        }
        if (ejml == null) {
            ejml = new EjmlSpectrumSolver();
        }
        return ejml;
    }
}

package org.dysonmonitor.linalg;

import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native backend in exact-double mode against the shared {@link SpectrumSolverContract}.
 * Fails (never skips) when the system LAPACK is missing: CI installs libopenblas0-pthread first.
 */
class NativeSpectrumSolverTest extends SpectrumSolverContract {

    @BeforeAll
    static void systemLapackIsInstalled() {
        NativeLapackAssumptions.requireNativeLapack();
    }

    @Override
    protected SpectrumSolver newSolver() {
        return new NativeSpectrumSolver();
    }
}

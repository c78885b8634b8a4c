package org.dysonmonitor.linalg;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The {@code auto} backend (EJML below the crossover, native from it on, float64 throughout) against
 * the shared contract, whose shapes (1×1 … 600×300) fall on both sides of the crossover.
 */
class AutoSpectrumSolverTest extends SpectrumSolverContract {

    @BeforeAll
    static void systemLapackIsInstalled() {
        NativeLapackAssumptions.requireNativeLapack();
    }

    @Override
    protected SpectrumSolver newSolver() {
        return new AutoSpectrumSolver(SolverSelection.CROSSOVER_ONE_THREAD, false);
    }

    @Test
    void dispatchesBySmallerSide() {
        AutoSpectrumSolver auto = new AutoSpectrumSolver(24, false);
        assertInstanceOf(EjmlSpectrumSolver.class, auto.backend(1000, 23));
        assertInstanceOf(NativeSpectrumSolver.class, auto.backend(24, 24));
        assertSame(auto.backend(30, 40), auto.backend(500, 300), "one native solver, reused");
    }
}

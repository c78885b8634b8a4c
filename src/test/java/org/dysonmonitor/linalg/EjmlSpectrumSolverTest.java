package org.dysonmonitor.linalg;

/** The EJML backend against the shared {@link SpectrumSolverContract}. */
class EjmlSpectrumSolverTest extends SpectrumSolverContract {
    @Override
    protected SpectrumSolver newSolver() {
        return new EjmlSpectrumSolver();
    }
}

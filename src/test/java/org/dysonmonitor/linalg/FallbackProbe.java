package org.dysonmonitor.linalg;

import java.util.Arrays;

/** Run by {@link SolverSelectionTest} in a child JVM whose netlib cannot load a system LAPACK. */
final class FallbackProbe {

    private FallbackProbe() {
    }

    public static void main(String[] args) {
        System.out.println("loaded=" + NativeLapack.status().loaded());
        SolverSelection auto = SolverSelection.select(SolverSelection.Mode.AUTO);
        System.out.println(auto);
        SpectrumSolver solver = auto.newSolver();
        System.out.println("solver=" + solver.name());
        double[] w = new double[6 * 4];
        double[] d = {3, -1, 2, 0.5};
        for (int i = 0; i < 4; i++) {
            w[i * 4 + i] = d[i];
        }
        double[] x = solver.eigenvalues(w, 6, 4, MatrixLayout.ROW_MAJOR);
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.round(x[i] * 1e9) / 1e9;
        }
        System.out.println("spectrum=" + Arrays.toString(x));
        try {
            SolverSelection.select(SolverSelection.Mode.NATIVE);
            System.out.println("native selected (unexpected)");
        } catch (IllegalStateException e) {
            System.out.println("native refused: " + e.getMessage());
        }
    }
}

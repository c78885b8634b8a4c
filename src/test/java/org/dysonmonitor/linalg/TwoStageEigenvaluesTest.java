package org.dysonmonitor.linalg;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two-stage eigensolver ({@code ?syevd_2stage} through the foreign linker) against the one-stage
 * {@code ?syevd} of the same matrix, a different reduction to tridiagonal form: both are backward stable,
 * so they agree to c·n·u·‖X‖₂ in float64; in float32 the two-stage values stay within the float32 path's
 * working bound k·u·‖X‖₂ of the float64 ones. The test JVM runs with the flags bin/dyson-monitor passes.
 */
class TwoStageEigenvaluesTest {

    /** c·n·u with c = 8, as in the eigensolver term of the float32 bound, for float64 (u = 2⁻⁵³). */
    private static double float64Bound(int n, double norm) {
        return 8.0 * n * 0x1p-53 * norm;
    }

    @BeforeAll
    static void systemLapackIsInstalled() {
        NativeLapackAssumptions.requireNativeLapack();
    }

    @Test
    void theTestJvmBindsTheTwoStageRoutines() {
        TwoStageEigenvalues.Binding binding = TwoStageEigenvalues.Binding.system();
        assertTrue(binding.available(), binding.reason());
        assertTrue(binding.reason().contains("liblapack.so.3"), binding.reason());
    }

    @Test
    void float64TwoStageValuesEqualTheOneStageOnesToRoundOff() {
        int rows = 1300;
        int n = TwoStageEigenvalues.MIN_SIZE + 76;
        double[] w = gaussian(rows * n, 7);
        double[] two = new double[n];
        double[] one = new double[n];
        always(false).eigenvalues(w, rows, n, MatrixLayout.ROW_MAJOR, two);
        NativeSpectrumSolver.oneStage(false).eigenvalues(w, rows, n, MatrixLayout.ROW_MAJOR, one);
        double bound = float64Bound(n, one[n - 1]);
        double worst = maxDifference(one, two);
        assertTrue(worst <= bound, "max |two − one| = " + worst + " > " + bound);
        assertTrue(worst > 0, "the two-stage path was not taken at n = " + n + ": the values are identical");
    }

    @Test
    void belowItsSizeTheOneStageSolverRuns() {
        int n = TwoStageEigenvalues.MIN_SIZE - 1;
        double[] w = gaussian(n * n, 3);
        double[] two = new double[n];
        double[] one = new double[n];
        always(false).eigenvalues(w, n, n, MatrixLayout.COLUMN_MAJOR, two);
        NativeSpectrumSolver.oneStage(false).eigenvalues(w, n, n, MatrixLayout.COLUMN_MAJOR, one);
        assertArrayEquals(one, two, 0.0, "dsyevd at n = " + n + " on both sides");
    }

    @Test
    void aRankDeficientLayerKeepsItsZerosAndTheWorkspaceServesOtherSizes() {
        // W = U·V with an inner dimension 900 < n: X = WᵀW has n − 900 zero eigenvalues, which the
        // solver clamps at 0 (round-off can make them slightly negative).
        int n = 1100;
        int inner = 900;
        double[] u = gaussian(n * inner, 11);
        double[] v = gaussian(inner * n, 12);
        double[] w = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < inner; k++) {
                double a = u[i * inner + k];
                for (int j = 0; j < n; j++) {
                    w[i * n + j] += a * v[k * n + j];
                }
            }
        }
        NativeSpectrumSolver solver = always(false);
        double[] first = new double[n];
        solver.eigenvalues(w, n, n, MatrixLayout.ROW_MAJOR, first);
        double bound = float64Bound(n, first[n - 1]);
        for (int i = 0; i < n - inner; i++) {
            assertTrue(first[i] >= 0 && first[i] <= bound, "zero eigenvalue " + i + " = " + first[i]);
        }
        assertTrue(first[n - inner] > 1000 * bound, "the smallest non-zero eigenvalue " + first[n - inner]);
        // Another size in between reallocates the native arrays; the first size again gives the same values.
        int m = 1030;
        double[] other = gaussian(m * m, 13);
        double[] otherValues = new double[m];
        solver.eigenvalues(other, m, m, MatrixLayout.ROW_MAJOR, otherValues);
        double[] reference = new double[m];
        NativeSpectrumSolver.oneStage(false).eigenvalues(other, m, m, MatrixLayout.ROW_MAJOR, reference);
        assertTrue(maxDifference(reference, otherValues) <= float64Bound(m, reference[m - 1]));
        double[] again = new double[n];
        solver.eigenvalues(w, n, n, MatrixLayout.ROW_MAJOR, again);
        assertArrayEquals(first, again, 0.0);
    }

    @Test
    void float32TwoStageValuesStayWithinTheWorkingBoundOfFloat64() {
        int n = TwoStageEigenvalues.MIN_SIZE + 64;
        float[] w = new float[n * n];
        Random rng = new Random(21);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextGaussian();
        }
        double[] single = new double[n];
        double[] exact = new double[n];
        always(true).eigenvalues(w, n, n, MatrixLayout.ROW_MAJOR, single);
        NativeSpectrumSolver.oneStage(false).eigenvalues(w, n, n, MatrixLayout.ROW_MAJOR, exact);
        double bound = NativeSpectrumSolver.float32WorkingBound(n, n, exact[n - 1]);
        double worst = maxDifference(exact, single);
        assertTrue(worst <= bound, "max |float32 two-stage − float64| = " + worst + " > " + bound);
        double[] oneStageSingle = new double[n];
        NativeSpectrumSolver.oneStage(true).eigenvalues(w, n, n, MatrixLayout.ROW_MAJOR, oneStageSingle);
        assertTrue(maxDifference(oneStageSingle, single) > 0, "the float32 two-stage path was not taken");
    }

    @Test
    void theMonitorsSolverTriesBothOnTheFirstSpectraOfASizeThenKeepsTheFaster() {
        int n = 1040; // a size no other test of this JVM solves: its trial starts here
        NativeSpectrumSolver solver = new NativeSpectrumSolver();
        TwoStageTrial trial = TwoStageTrial.of(n, false);
        double[] reference = new double[n];
        double[] values = new double[n];
        boolean[] taken = new boolean[2 * TwoStageTrial.TRIALS];
        for (int i = 0; i < taken.length; i++) {
            double[] w = gaussian(n * n, 40 + i);
            taken[i] = solver.twoStage(n);
            solver.eigenvalues(w, n, n, MatrixLayout.ROW_MAJOR, values);
            NativeSpectrumSolver.oneStage(false).eigenvalues(w, n, n, MatrixLayout.ROW_MAJOR, reference);
            assertTrue(maxDifference(reference, values) <= float64Bound(n, reference[n - 1]), "spectrum " + i);
        }
        assertArrayEquals(new boolean[] {false, true, false, true}, taken, "the trial alternates, one-stage first");
        long[] fastest = trial.fastest();
        boolean twoStage = trial.decided().orElseThrow();
        assertEquals(fastest[1] < fastest[0], twoStage, "one-stage " + fastest[0] + " ns, two-stage " + fastest[1] + " ns");
        assertEquals(twoStage, solver.twoStage(n));
        assertEquals(twoStage, new NativeSpectrumSolver().twoStage(n), "every solver of the JVM shares the choice");
        assertTrue(TwoStageTrial.of(n, true).decided().isEmpty(), "float32 has a trial of its own");
    }

    private static NativeSpectrumSolver always(boolean single) {
        return NativeSpectrumSolver.twoStageAlways(single, NativeSpectrumSolver.DEFAULT_SINGLE_PRECISION_MIN_SIZE);
    }

    @Test
    void withoutTheFlagsTheBindingSaysWhyAndSpectraStillRun() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                LaunchProbe.class.getName()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("twoStage=false"), out);
        assertTrue(out.contains("serialized="), "the native solver was built without the linker: " + out);
        assertTrue(out.contains("twoStageReason=the JVM runs without --add-modules jdk.incubator.foreign"), out);
    }

    private static double[] gaussian(int size, long seed) {
        Random rng = new Random(seed);
        double[] a = new double[size];
        for (int i = 0; i < size; i++) {
            a[i] = rng.nextGaussian();
        }
        return a;
    }

    private static double maxDifference(double[] a, double[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}

package org.dysonmonitor.linalg;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Float32 layers tracked in float32 (sgemm products on the float32 array) against the full float64
 * spectrum (dsyrk + dsyevd) of the same float32 matrix, widened exactly: an independent computation,
 * with neither Krylov space nor float32 arithmetic. The tracked top k must lie within the derived
 * bound 2·τ·λ_max, τ = {@link TrackedTopSpectrum#float32Tolerance}; the full spectra the tracker gives
 * a float32 layer are float32 ones, within their working bound k·u·‖X‖.
 */
class TrackedTopSpectrumFloat32Test {

    private static final int K = 64;

    /** As in TrackedTopSpectrumTest: depth 2 tracks from n = 480, so 512² keeps the tests fast. */
    private static final TrackedTopSpectrum.Config CONFIG =
            TrackedTopSpectrum.Config.defaults().withDepth(2, 40).withFullEvery(1000).withGapCycles(0);

    @BeforeAll
    static void systemLapackIsInstalled() {
        NativeLapackAssumptions.requireNativeLapack();
    }

    @Test
    void aRandomWalkIsTrackedWithinTheFloat32BoundOnEverySnapshot() {
        int n = 512;
        TrackedTopSpectrum tracker = new TrackedTopSpectrum(CONFIG);
        double[][] walk = TrackedTopSpectrumTest.randomWalk(n, 5, 21);
        for (int t = 0; t < walk.length; t++) {
            float[] w = narrow(walk[t]);
            TrackedTopSpectrum.Result r = tracker.update(w, n, n, MatrixLayout.ROW_MAJOR);
            double[] exact = float64Spectrum(w, n, n, MatrixLayout.ROW_MAJOR);
            if (t == 0) {
                assertEquals(TrackedTopSpectrum.Kind.FULL, r.kind());
                assertFullWithinFloat32WorkingBound(exact, r.eigenvalues(), n, n);
                continue;
            }
            assertEquals(TrackedTopSpectrum.Kind.TOP, r.kind(), "snapshot " + t);
            assertTrue(r.residual() <= TrackedTopSpectrum.float32Tolerance(n, n), "converged to τ of the largest");
            assertTopWithinBound(exact, r.eigenvalues(), n, n, "snapshot " + t);
        }
    }

    @Test
    void theDefaultConfigurationTracksARandomWalkAt1024() {
        int n = 1024;
        TrackedTopSpectrum tracker = new TrackedTopSpectrum(TrackedTopSpectrum.Config.defaults().withGapCycles(0));
        double[][] walk = TrackedTopSpectrumTest.randomWalk(n, 3, 22);
        int cycles = 0;
        for (int t = 0; t < walk.length; t++) {
            float[] w = narrow(walk[t]);
            TrackedTopSpectrum.Result r = tracker.update(w, n, n, MatrixLayout.ROW_MAJOR);
            if (t > 0) {
                assertEquals(TrackedTopSpectrum.Kind.TOP, r.kind(), "snapshot " + t);
                assertTopWithinBound(float64Spectrum(w, n, n, MatrixLayout.ROW_MAJOR), r.eigenvalues(), n, n,
                        "snapshot " + t);
                cycles = r.cycles();
            }
        }
        assertTrue(cycles <= TrackedTopSpectrum.Config.defaults().maxCycles());
    }

    @Test
    void aHeavyTailedLayerInBothLayoutsAndShapes() {
        // the smaller side's index s scales its line by (n/(1+s))^¾: top eigenvalues ~ (n/s)^1.5, a power-law
        // tail spanning more than a decade and a half over the top 64
        SplittableRandom rng = new SplittableRandom(23);
        int[][] shapes = {{640, 512}, {512, 640}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int cols = shape[1];
            int n = Math.min(rows, cols);
            double[] g = TrackedTopSpectrumTest.gaussian(rows * cols, 1 / Math.sqrt(Math.max(rows, cols)), rng);
            for (MatrixLayout layout : MatrixLayout.values()) {
                float[] w = new float[g.length];
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        int s = cols <= rows ? j : i;
                        int at = layout == MatrixLayout.ROW_MAJOR ? i * cols + j : j * rows + i;
                        w[at] = (float) (g[i * cols + j] * Math.pow(n / (1.0 + s), 0.75));
                    }
                }
                TrackedTopSpectrum tracker = new TrackedTopSpectrum(CONFIG);
                tracker.update(w, rows, cols, layout);
                TrackedTopSpectrum.Result top = tracker.update(w, rows, cols, layout);
                assertEquals(TrackedTopSpectrum.Kind.TOP, top.kind());
                double[] exact = float64Spectrum(w, rows, cols, layout);
                assertTrue(exact[n - 1] / exact[n - K] > 30, "a heavy tail: λ_max/λ_k = " + exact[n - 1] / exact[n - K]);
                assertTopWithinBound(exact, top.eigenvalues(), rows, cols, layout + " " + rows + "×" + cols);
            }
        }
    }

    @Test
    void rankDeficientLayersAboveAndBelowKWithAndWithoutTheEarlyTest() {
        // n = 640 tracks at depth 3 too (2·4·80 = 640), whose cycle is tested after block 2 as well
        int n = 640;
        SplittableRandom rng = new SplittableRandom(24);
        for (int rank : new int[]{100, 40}) {
            double[] a = TrackedTopSpectrumTest.gaussian(n * rank, 1, rng);
            double[] b = TrackedTopSpectrumTest.gaussian(rank * n, 1 / Math.sqrt(n), rng);
            float[] w = new float[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int l = 0; l < rank; l++) {
                        s += a[i * rank + l] * b[l * n + j];
                    }
                    w[i * n + j] = (float) s;
                }
            }
            double[] exact = float64Spectrum(w, n, n, MatrixLayout.ROW_MAJOR);
            for (TrackedTopSpectrum.Config config : new TrackedTopSpectrum.Config[]{CONFIG, CONFIG.withDepth(3, 40)}) {
                TrackedTopSpectrum tracker = new TrackedTopSpectrum(config);
                tracker.update(w, n, n, MatrixLayout.ROW_MAJOR);
                TrackedTopSpectrum.Result r = tracker.update(w, n, n, MatrixLayout.ROW_MAJOR);
                String what = "rank " + rank + ", depth " + config.depth();
                assertEquals(TrackedTopSpectrum.Kind.TOP, r.kind(), what);
                assertTopWithinBound(exact, r.eigenvalues(), n, n, what);
                if (rank < K) {
                    // rounding W to float32 makes it full rank, at u·‖W‖: the null space is 0 to within the bound
                    double bound = 2 * TrackedTopSpectrum.float32Tolerance(n, n) * exact[n - 1];
                    assertTrue(r.eigenvalues()[K - rank - 1] <= bound, what + ": the null space is zero to the bound");
                }
            }
        }
    }

    /** |tracked_i − λ_i| ≤ 2·τ·λ_max for the top k, λ from the float64 spectrum of the float32 matrix. */
    private static void assertTopWithinBound(double[] exactAscending, double[] tracked, int rows, int cols, String what) {
        int n = exactAscending.length;
        double[] top = Arrays.copyOfRange(exactAscending, n - K, n);
        double bound = 2 * TrackedTopSpectrum.float32Tolerance(rows, cols) * top[K - 1];
        assertEquals(K, tracked.length, what);
        for (int i = 0; i < K; i++) {
            assertTrue(Math.abs(tracked[i] - top[i]) <= bound, what + ": eigenvalue " + i + " tracked " + tracked[i]
                    + ", float64 " + top[i] + ", bound " + bound);
        }
    }

    private static void assertFullWithinFloat32WorkingBound(double[] exact, double[] full, int rows, int cols) {
        assertEquals(exact.length, full.length);
        double bound = NativeSpectrumSolver.float32WorkingBound(rows, cols, exact[exact.length - 1]);
        double worst = 0;
        for (int i = 0; i < exact.length; i++) {
            worst = Math.max(worst, Math.abs(full[i] - exact[i]));
        }
        assertTrue(worst <= bound, "full spectrum off by " + worst + ", bound " + bound);
        assertTrue(worst > 0, "the full spectrum of a float32 layer is the float32 one, not a float64 one");
    }

    private static double[] float64Spectrum(float[] w, int rows, int cols, MatrixLayout layout) {
        double[] wide = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            wide[i] = w[i];
        }
        return new NativeSpectrumSolver().eigenvalues(wide, rows, cols, layout);
    }

    private static float[] narrow(double[] w) {
        float[] f = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            f[i] = (float) w[i];
        }
        return f;
    }
}

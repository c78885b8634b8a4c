package org.dysonmonitor.linalg;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tracker's gap test: a layer whose top k has no gap to the rest (an untrained layer's dense
 * Marchenko-Pastur edge) gets full spectra at once, up to the next scheduled full one; a trained-like,
 * heavy-tailed layer is tracked. n = 800, the smallest size the default configuration tracks.
 */
class TrackedTopSpectrumGapTest {

    private static final int N = 800;
    private static final int K = 64;

    @BeforeAll
    static void systemLapackIsInstalled() {
        NativeLapackAssumptions.requireNativeLapack();
    }

    @Test
    void gapFactorIsTheChebyshevBound() {
        // λ_k − λ_{b+1} = λ_{b+1} − λ_n: γ = 1, so ρ = T_q(3)⁻² with T_1(3) = 3, T_2(3) = 2·3² − 1 = 17,
        // T_4(3) = 8·3⁴ − 8·3² + 1 = 577.
        int k = 2;
        int b = 3;
        double[] ascending = {1, 1.5, 2, 2.5, 3, 3.5};  // n = 6: λ_n = 1, λ_{b+1} = λ_4 = 2, λ_k = λ_2 = 3
        assertEquals(1 / 9.0, TrackedTopSpectrum.gapFactor(ascending, k, b, 1), 1e-15);
        assertEquals(1 / 289.0, TrackedTopSpectrum.gapFactor(ascending, k, b, 2), 1e-15);
        assertEquals(1 / (577.0 * 577.0), TrackedTopSpectrum.gapFactor(ascending, k, b, 4), 1e-18);
        // No gap between the k-th value and the first outside the block: no convergence promised.
        assertEquals(1.0, TrackedTopSpectrum.gapFactor(new double[]{1, 2, 3, 3, 3, 4}, k, b, 4));
        // A null space beyond the block (rank ≤ b): the block holds the whole range, converged at once.
        assertEquals(0.0, TrackedTopSpectrum.gapFactor(new double[]{0, 0, 0, 1, 2, 3}, k, b, 4));
    }

    @Test
    void aMarchenkoPasturBulkGetsFullSpectraAtOnceUntilTheNextScheduledOne() {
        TrackedTopSpectrum tracker = new TrackedTopSpectrum(TrackedTopSpectrum.Config.defaults().withFullEvery(3));
        assertTrue(tracker.tracks(N, N));
        SplittableRandom rng = new SplittableRandom(7);
        double[] w = gaussian(N * N, 1 / Math.sqrt(N), rng);
        NativeSpectrumSolver solver = new NativeSpectrumSolver();
        for (int t = 0; t < 4; t++) {
            step(w, rng);
            TrackedTopSpectrum.Result r = tracker.update(w, N, N, MatrixLayout.ROW_MAJOR);
            assertEquals(TrackedTopSpectrum.Kind.FULL, r.kind(), "snapshot " + t);
            assertTrue(r.converged());
            assertEquals(0, r.cycles(), "no block Krylov cycle was spent");
            double[] full = solver.eigenvalues(w, N, N, MatrixLayout.ROW_MAJOR);
            // The same LAPACK call, on another solver's workspaces: OpenBLAS's kernels may round the last
            // bits differently with another alignment (seen: 1e-17 relative), so equal to 1e-12 of λ_max.
            assertArrayEquals(full, r.eigenvalues(), 1e-12 * full[full.length - 1]);
            // The bulk's edge: ρ well above the 10⁻² the default test allows (0.07 measured at n = 800).
            assertTrue(tracker.lastGapFactor() > 0.03, "ρ = " + tracker.lastGapFactor());
            assertTrue(tracker.gapless());
        }
    }

    @Test
    void aHeavyTailedLayerIsTrackedToTheFullSpectrum() {
        TrackedTopSpectrum tracker = new TrackedTopSpectrum(TrackedTopSpectrum.Config.defaults());
        SplittableRandom rng = new SplittableRandom(8);
        double[] w = gaussian(N * N, 1 / Math.sqrt(N), rng);
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                w[i * N + j] *= Math.sqrt(N / (1.0 + j)); // top eigenvalues ~ n/j, as in trained layers
            }
        }
        NativeSpectrumSolver solver = new NativeSpectrumSolver();
        String kinds = "";
        for (int t = 0; t < 3; t++) {
            step(w, rng);
            TrackedTopSpectrum.Result r = tracker.update(w, N, N, MatrixLayout.ROW_MAJOR);
            kinds += r.kind() == TrackedTopSpectrum.Kind.TOP ? "T" : "F";
            assertFalse(tracker.gapless(), "ρ = " + tracker.lastGapFactor());
            if (r.kind() == TrackedTopSpectrum.Kind.TOP) {
                double[] all = solver.eigenvalues(w, N, N, MatrixLayout.ROW_MAJOR);
                double[] top = Arrays.copyOfRange(all, N - K, N);
                for (int i = 0; i < K; i++) {
                    // the tracker's contract with the monitor: 1e-8 relative (float64)
                    assertEquals(top[i], r.eigenvalues()[i], 1e-8 * top[i], "value " + i);
                }
            }
        }
        assertEquals("FTT", kinds);
        assertTrue(tracker.lastGapFactor() < 1e-2, "ρ = " + tracker.lastGapFactor());
    }

    /** One training-like step: 1 % of each entry's size. */
    private static void step(double[] w, SplittableRandom rng) {
        double sd = 0.01 / Math.sqrt(N);
        for (int i = 0; i < w.length; i++) {
            w[i] += sd * normal(rng);
        }
    }

    private static double[] gaussian(int size, double sd, SplittableRandom rng) {
        double[] a = new double[size];
        for (int i = 0; i < size; i++) {
            a[i] = sd * normal(rng);
        }
        return a;
    }

    private static double normal(SplittableRandom rng) {
        double u = 1.0 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}

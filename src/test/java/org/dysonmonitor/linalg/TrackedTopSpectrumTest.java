package org.dysonmonitor.linalg;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracked top-k eigenvalues against the full native spectrum of the same matrix (dsyrk + dsyevd, an
 * independent path: no Krylov space, no Ritz values), and against exactly known spectra.
 */
class TrackedTopSpectrumTest {

    private static final int N = 512;
    private static final int K = 64;
    /** The contract the monitor relies on: top k equal the full spectrum's to 1e-8 relative (float64). */
    private static final double RELATIVE = 1e-8;

    /**
     * The defaults at depth 2: the default depth 4 needs n ≥ 2·5·80 = 800 to track at all, and 512²
     * keeps the test fast; more cycles allowed, since a shallower space converges more slowly. The gap
     * test is off: these tests check the tracked values themselves, on a Marchenko-Pastur bulk that the
     * gap test would send to full spectra (TrackedTopSpectrumGapTest covers it).
     */
    private static final TrackedTopSpectrum.Config CONFIG =
            TrackedTopSpectrum.Config.defaults().withDepth(2, 40).withFullEvery(1000).withGapCycles(0);

    @BeforeAll
    static void systemLapackIsInstalled() {
        NativeLapackAssumptions.requireNativeLapack();
    }

    /** A training-like sequence: W₀ Gaussian with variance 1/n, then W_{t+1} = W_t + 0.01·G_t/√n plus a growing rank-2 signal. */
    static double[][] randomWalk(int n, int snapshots, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] w = gaussian(n * n, 1 / Math.sqrt(n), rng);
        double[] u = gaussian(n, 1 / Math.sqrt(n), rng);
        double[] v = gaussian(n, 1 / Math.sqrt(n), rng);
        double[][] out = new double[snapshots][];
        for (int t = 0; t < snapshots; t++) {
            for (int i = 0; i < w.length; i++) {
                w[i] += 0.01 * gaussian(rng) / Math.sqrt(n);
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    w[i * n + j] += 0.05 * u[i] * v[j] + 0.03 * u[j] * v[(i + 7) % n];
                }
            }
            out[t] = w.clone();
        }
        return out;
    }

    private static double[] fullTop(double[] w, int rows, int cols, int k) {
        double[] all = new NativeSpectrumSolver().eigenvalues(w, rows, cols, MatrixLayout.ROW_MAJOR);
        return Arrays.copyOfRange(all, all.length - k, all.length);
    }

    /** |tracked_i − full_i| ≤ RELATIVE·full_i, or ≤ RELATIVE·max where an eigenvalue is (near) zero. */
    private static void assertTopEquals(double[] full, double[] tracked, String what) {
        assertEquals(full.length, tracked.length, what);
        double max = full[full.length - 1];
        for (int i = 0; i < full.length; i++) {
            double scale = Math.max(full[i], 1e-6 * max);
            assertTrue(Math.abs(tracked[i] - full[i]) <= RELATIVE * scale,
                    what + ": eigenvalue " + i + " tracked " + tracked[i] + ", full " + full[i]);
        }
    }

    @Test
    void warmStartedTrackingEqualsTheFullSpectrumOnEverySnapshotOfARandomWalk() {
        TrackedTopSpectrum tracker = new TrackedTopSpectrum(CONFIG);
        double[][] walk = randomWalk(N, 4, 1);
        int coldCycles = 0;
        for (int t = 0; t < walk.length; t++) {
            TrackedTopSpectrum.Result r = tracker.update(walk[t], N, N, MatrixLayout.ROW_MAJOR);
            if (t == 0) {
                assertEquals(TrackedTopSpectrum.Kind.FULL, r.kind(), "the first snapshot is a full one");
                assertEquals(N, r.eigenvalues().length);
                continue;
            }
            assertEquals(TrackedTopSpectrum.Kind.TOP, r.kind(), "snapshot " + t);
            assertTrue(r.converged());
            assertTopEquals(fullTop(walk[t], N, N, K), r.eigenvalues(), "snapshot " + t);
            if (t == 1) {
                coldCycles = r.cycles();
            } else {
                assertTrue(r.cycles() <= coldCycles, "warm start took " + r.cycles() + " cycles, cold " + coldCycles);
            }
        }
    }

    @Test
    void coldStartOnEverySnapshotConvergesToo() {
        TrackedTopSpectrum tracker = new TrackedTopSpectrum(CONFIG);
        double[][] walk = randomWalk(N, 3, 2);
        tracker.update(walk[0], N, N, MatrixLayout.ROW_MAJOR);
        for (int t = 1; t < walk.length; t++) {
            tracker.reset();
            TrackedTopSpectrum.Result r = tracker.update(walk[t], N, N, MatrixLayout.ROW_MAJOR);
            assertEquals(TrackedTopSpectrum.Kind.TOP, r.kind());
            assertTopEquals(fullTop(walk[t], N, N, K), r.eigenvalues(), "cold snapshot " + t);
        }
    }

    @Test
    void rectangularLayersInBothLayoutsUseTheSmallerGramMatrix() {
        SplittableRandom rng = new SplittableRandom(3);
        int rows = 700;
        int cols = 500;
        double[] w = gaussian(rows * cols, 1 / Math.sqrt(rows), rng);
        for (MatrixLayout layout : MatrixLayout.values()) {
            TrackedTopSpectrum tracker = new TrackedTopSpectrum(CONFIG);
            tracker.update(w, rows, cols, layout);
            TrackedTopSpectrum.Result r = tracker.update(w, rows, cols, layout);
            double[] all = new NativeSpectrumSolver().eigenvalues(w, rows, cols, layout);
            assertTopEquals(Arrays.copyOfRange(all, all.length - K, all.length), r.eigenvalues(), layout.name());
            // the same array read in the other layout with the sides swapped is Wᵀ: the same spectrum
            MatrixLayout other = layout == MatrixLayout.ROW_MAJOR ? MatrixLayout.COLUMN_MAJOR : MatrixLayout.ROW_MAJOR;
            TrackedTopSpectrum transposed = new TrackedTopSpectrum(CONFIG);
            transposed.update(w, cols, rows, other);
            assertTopEquals(r.eigenvalues(), transposed.update(w, cols, rows, other).eigenvalues(), "transposed");
        }
    }

    @Test
    void rankDeficientLayersAboveAndBelowK() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int rank : new int[]{100, 40}) {
            double[] a = gaussian(N * rank, 1, rng);
            double[] b = gaussian(rank * N, 1 / Math.sqrt(N), rng);
            double[] w = new double[N * N];
            for (int i = 0; i < N; i++) {
                for (int l = 0; l < rank; l++) {
                    double ail = a[i * rank + l];
                    for (int j = 0; j < N; j++) {
                        w[i * N + j] += ail * b[l * N + j];
                    }
                }
            }
            TrackedTopSpectrum tracker = new TrackedTopSpectrum(CONFIG);
            tracker.update(w, N, N, MatrixLayout.ROW_MAJOR);
            TrackedTopSpectrum.Result r = tracker.update(w, N, N, MatrixLayout.ROW_MAJOR);
            assertEquals(TrackedTopSpectrum.Kind.TOP, r.kind(), "rank " + rank);
            assertTopEquals(fullTop(w, N, N, K), r.eigenvalues(), "rank " + rank);
            if (rank < K) {
                double max = r.eigenvalues()[K - 1];
                assertTrue(r.eigenvalues()[K - rank - 1] <= 1e-10 * max, "the null space is zero");
            }
        }
    }

    @Test
    void clusteredSpectrumIsExactlyKnown() {
        // W = H₁ D H₂ with Householder reflections H = I − 2vvᵀ: WᵀW = H₂ D² H₂, eigenvalues d_i² exactly.
        // Top: a cluster of 10 equal values, then 20 pairs, then a dense bulk straddling k.
        SplittableRandom rng = new SplittableRandom(5);
        double[] d = new double[N];
        for (int i = 0; i < N; i++) {
            d[i] = 1 + rng.nextDouble();
        }
        for (int i = 0; i < 10; i++) {
            d[i] = 3.0;
        }
        for (int i = 0; i < 20; i++) {
            d[10 + 2 * i] = d[11 + 2 * i] = 2.9 - 0.02 * i;
        }
        double[] w = new double[N * N];
        for (int i = 0; i < N; i++) {
            w[i * N + i] = d[i];
        }
        reflect(w, unit(gaussian(N, 1, rng)), true);
        reflect(w, unit(gaussian(N, 1, rng)), false);
        double[] expected = new double[N];
        for (int i = 0; i < N; i++) {
            expected[i] = d[i] * d[i];
        }
        Arrays.sort(expected);
        TrackedTopSpectrum tracker = new TrackedTopSpectrum(CONFIG);
        tracker.update(w, N, N, MatrixLayout.ROW_MAJOR);
        TrackedTopSpectrum.Result r = tracker.update(w, N, N, MatrixLayout.ROW_MAJOR);
        assertEquals(TrackedTopSpectrum.Kind.TOP, r.kind());
        assertTopEquals(Arrays.copyOfRange(expected, N - K, N), r.eigenvalues(), "clustered");
    }

    @Test
    void fullSpectrumOnScheduleAndForSmallLayers() {
        TrackedTopSpectrum tracker = new TrackedTopSpectrum(CONFIG.withFullEvery(2));
        double[][] walk = randomWalk(N, 5, 6);
        String kinds = "";
        for (double[] w : walk) {
            kinds += tracker.update(w, N, N, MatrixLayout.ROW_MAJOR).kind().name().charAt(0);
        }
        assertEquals("FTFTF", kinds);
        // 2·(depth + 1)·(k + guard) = 480 > 400: tracking would not pay, every snapshot is full
        assertFalse(tracker.tracks(400, 400));
        double[] small = gaussian(400 * 400, 0.05, new SplittableRandom(7));
        tracker.update(small, 400, 400, MatrixLayout.ROW_MAJOR);
        TrackedTopSpectrum.Result r = tracker.update(small, 400, 400, MatrixLayout.ROW_MAJOR);
        assertEquals(TrackedTopSpectrum.Kind.FULL, r.kind());
        assertEquals(400, r.eigenvalues().length);
    }

    private static double[] unit(double[] v) {
        double ss = 0;
        for (double x : v) {
            ss += x * x;
        }
        double norm = Math.sqrt(ss);
        for (int i = 0; i < v.length; i++) {
            v[i] /= norm;
        }
        return v;
    }

    /** W ← (I − 2vvᵀ)W (left) or W(I − 2vvᵀ) (right), W row-major N×N. */
    private static void reflect(double[] w, double[] v, boolean left) {
        for (int a = 0; a < N; a++) {
            double dot = 0;
            for (int i = 0; i < N; i++) {
                dot += v[i] * (left ? w[i * N + a] : w[a * N + i]);
            }
            for (int i = 0; i < N; i++) {
                if (left) {
                    w[i * N + a] -= 2 * v[i] * dot;
                } else {
                    w[a * N + i] -= 2 * v[i] * dot;
                }
            }
        }
    }

    static double[] gaussian(int count, double sd, SplittableRandom rng) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = sd * gaussian(rng);
        }
        return out;
    }

    private static double gaussian(SplittableRandom rng) {
        double u = 1.0 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}

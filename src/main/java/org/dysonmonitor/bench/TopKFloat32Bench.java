package org.dysonmonitor.bench;

import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.NativeLapack;
import org.dysonmonitor.linalg.NativeSpectrumSolver;
import org.dysonmonitor.linalg.TrackedTopSpectrum;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A float32 layer's tracked top-64 spectrum in float32 (sgemm products on the float32 array) against
 * the float64 tracker on the same matrices widened (dgemm), and against the full float32 and float64
 * spectra, in the same run.
 *
 * <p>The walk of {@link TopKBench} (1 % of each entry per snapshot plus a rank-2 drift), narrowed to
 * float32 at each snapshot; the float64 tracker gets that float32 matrix widened exactly, so both see
 * the same matrix. Snapshot 0 is both trackers' full spectrum (float32: ssyrk + ssyevd, float64: dsyrk
 * + dsyevd); 1 their cold start; 2… warm. On the last one the float64 full spectrum of the float32
 * matrix is the reference of both trackers' errors. The gap test is off (every snapshot after the first
 * is tracked); times are thread CPU time (one OpenBLAS thread: all of the work).
 */
public final class TopKFloat32Bench {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private TopKFloat32Bench() {
    }

    public static void run(PrintStream out, boolean quick) {
        NativeLapack.Status status = NativeLapack.status();
        out.println("Tracked top-" + TopKBench.K + " spectrum of a float32 layer: float32 tracker against the float64 "
                + "tracker and the full float32/float64 spectra (same run)");
        out.println("native: " + status.describe() + "; thread CPU time (one BLAS thread: all of the work); load average "
                + loadAverage());
        if (!status.loaded()) {
            out.println("no native LAPACK: nothing to measure");
            return;
        }
        int[] sizes = quick ? new int[]{1024} : new int[]{2048, 4096};
        String only = System.getProperty("topk.sizes");
        if (only != null) {
            sizes = Arrays.stream(only.split(",")).mapToInt(Integer::parseInt).toArray();
        }
        out.println("| spectrum | n | full f32 ms | full f64 ms | f64 tracker: cold ms (cyc) | warm ms (cyc, prod) "
                + "| f32 tracker: cold ms (cyc) | warm ms (cyc, prod) | f64 ÷ f32 warm | full f32 ÷ f32 warm "
                + "| err f64 (rel) | err f32 ÷ τλ₁ | err f32 (rel, worst value) |");
        out.println("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        String spectra = System.getProperty("topk.spectra", "heavy");
        for (boolean heavyTailed : new boolean[]{true, false}) {
            if (!spectra.contains(heavyTailed ? "heavy" : "bulk")) {
                continue;
            }
            for (int n : sizes) {
                measure(out, n, quick ? 3 : 5, heavyTailed);
            }
        }
        out.println("τ = u·√n (u = 2⁻²⁴), the float32 tracker's tolerance relative to the largest value; its derived "
                + "bound is |θ − λ| ≤ 2·τ·λ₁. err: max over the top " + TopKBench.K + " on the last snapshot against "
                + "the float64 full spectrum of the float32 matrix; (rel): of each value itself; cyc: block Krylov cycles, "
                + "prod: products X·(n×80) (the float32 tracker tests after its third too). Load average at the end "
                + loadAverage());
    }

    private static void measure(PrintStream out, int n, int snapshots, boolean heavyTailed) {
        SplittableRandom rng = new SplittableRandom(n);
        double[] w = new double[n * n];
        TopKBench.fill(w, 1 / Math.sqrt(n), rng);
        if (heavyTailed) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    w[i * n + j] *= Math.sqrt(n / (1.0 + j));
                }
            }
        }
        double[] u = new double[n];
        double[] v = new double[n];
        TopKBench.fill(u, 1 / Math.sqrt(n), rng);
        TopKBench.fill(v, 1 / Math.sqrt(n), rng);
        TrackedTopSpectrum.Config config = TrackedTopSpectrum.Config.defaults().withFullEvery(1_000_000).withGapCycles(0);
        TrackedTopSpectrum tracker64 = new TrackedTopSpectrum(config);
        TrackedTopSpectrum tracker32 = new TrackedTopSpectrum(config);
        float[] f = new float[n * n];
        double[] widened = new double[n * n];
        double[] time64 = new double[snapshots];
        double[] time32 = new double[snapshots];
        int[] cycles64 = new int[snapshots];
        int[] cycles32 = new int[snapshots];
        int[] products64 = new int[snapshots];
        int[] products32 = new int[snapshots];
        TrackedTopSpectrum.Result last64 = null;
        TrackedTopSpectrum.Result last32 = null;
        for (int t = 0; t < snapshots; t++) {
            if (t > 0) {
                TopKBench.walk(w, u, v, 0.01, rng);
            }
            for (int i = 0; i < w.length; i++) {
                f[i] = (float) w[i];
                widened[i] = f[i];
            }
            long t0 = CPU.getCurrentThreadCpuTime();
            last32 = tracker32.update(f, n, n, MatrixLayout.ROW_MAJOR);
            time32[t] = (CPU.getCurrentThreadCpuTime() - t0) * 1e-9;
            t0 = CPU.getCurrentThreadCpuTime();
            last64 = tracker64.update(widened, n, n, MatrixLayout.ROW_MAJOR);
            time64[t] = (CPU.getCurrentThreadCpuTime() - t0) * 1e-9;
            cycles32[t] = last32.cycles();
            cycles64[t] = last64.cycles();
            products32[t] = last32.products();
            products64[t] = last64.products();
        }
        long t0 = CPU.getCurrentThreadCpuTime();
        double[] reference = new NativeSpectrumSolver().eigenvalues(widened, n, n, MatrixLayout.ROW_MAJOR);
        double full64 = Math.min(time64[0], (CPU.getCurrentThreadCpuTime() - t0) * 1e-9);
        double full32 = time32[0];
        double[] top = Arrays.copyOfRange(reference, n - TopKBench.K, n);
        double[] warm64 = Arrays.copyOfRange(time64, 2, snapshots);
        double[] warm32 = Arrays.copyOfRange(time32, 2, snapshots);
        double med64 = TopKBench.median(warm64);
        double med32 = TopKBench.median(warm32);
        double err64 = TopKBench.maxRelative(last64.eigenvalues(), top);
        double err32 = TopKBench.maxRelative(last32.eigenvalues(), top);
        double tau = TrackedTopSpectrum.float32Tolerance(n, n);
        double abs32 = 0;
        double[] tracked = last32.eigenvalues();
        for (int i = 0; i < top.length; i++) {
            abs32 = Math.max(abs32, Math.abs(tracked[i] - top[i]));
        }
        out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f (%d) | %.0f (%d, %d) | %.0f (%d) | %.0f (%d, %d) | %.2f | %.2f "
                        + "| %.1e | %.3f | %.1e |%n",
                heavyTailed ? "heavy-tailed" : "Marchenko-Pastur bulk", n, full32 * 1e3, full64 * 1e3,
                time64[1] * 1e3, cycles64[1], med64 * 1e3, max(cycles64), max(products64), time32[1] * 1e3, cycles32[1],
                med32 * 1e3, max(cycles32), max(products32), med64 / med32, full32 / med32, err64, abs32 / (tau * top[top.length - 1]), err32);
        out.flush();
    }

    /** The most cycles (or products) of the warm snapshots (2…). */
    private static int max(int[] cycles) {
        int m = 0;
        for (int t = 2; t < cycles.length; t++) {
            m = Math.max(m, cycles[t]);
        }
        return m;
    }

    private static String loadAverage() {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}

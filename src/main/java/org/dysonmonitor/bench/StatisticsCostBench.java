package org.dysonmonitor.bench;

import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.NativeLapack;
import org.dysonmonitor.linalg.NativeSpectrumSolver;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.MarchenkoPastur;
import org.dysonmonitor.rmt.PoissonSpacing;
import org.dysonmonitor.rmt.RunningMoments;
import org.dysonmonitor.rmt.SpacingRatio;
import org.dysonmonitor.rmt.Spacings;
import org.dysonmonitor.rmt.Spectrum;
import org.dysonmonitor.rmt.StationarityDetector;
import org.dysonmonitor.rmt.WignerSurmise;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Cost per snapshot of each statistic of {@link LayerStatistics#update} against the native
 * spectrum of the same layer, measured in the same run: for square Gaussian layers (a Wishart
 * spectrum, the shape of an untrained layer) of n = 64 … 4096, the native spectrum's time, then each
 * part of the update alone (spacing ratio; unfolding + the two KS distances; Marchenko-Pastur fit, KS
 * and spikes; running moments; stationarity; a whole {@code update} with a degenerate-pair target)
 * as a fraction of it.
 *
 * <p>Times are the calling thread's CPU time when OpenBLAS runs one thread per call (then all the
 * work of a native call is on that thread, and other processes sharing the cores do not inflate
 * it), wall time otherwise; each figure is the median of repeated calls within a small budget.
 */
public final class StatisticsCostBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private StatisticsCostBench() {
    }

    public static void run(PrintStream out, boolean quick) {
        NativeLapack.Status status = NativeLapack.status();
        boolean cpuClock = status.loaded() && status.blasThreads() == 1;
        out.println("Statistics cost per snapshot against the native spectrum (same run)");
        out.println("native: " + status.describe() + "; clock: " + (cpuClock ? "thread CPU" : "wall")
                + "; load average " + loadAverage());
        if (!status.loaded()) {
            out.println("no native LAPACK: nothing to compare against");
            return;
        }
        int[] sizes = quick ? new int[]{64, 256, 512} : new int[]{64, 128, 256, 512, 1024, 2048, 4096};
        double budget = quick ? 0.3 : 1.0;
        out.printf(Locale.ROOT, "%6s %11s %9s %9s %9s %9s %9s %9s %9s%n", "n", "spectrum", "ratio",
                "unfold+KS", "MP fit", "moments", "station.", "update", "update/%");
        NativeSpectrumSolver solver = new NativeSpectrumSolver();
        for (int n : sizes) {
            SplittableRandom rng = new SplittableRandom(n);
            double[] w = new double[n * n];
            for (int i = 0; i < w.length; i++) {
                w[i] = gaussian(rng) / Math.sqrt(n);
            }
            double[] x = new double[n];
            double spectrum = seconds(() -> solver.eigenvalues(w, n, n, MatrixLayout.ROW_MAJOR, x),
                    n >= 2048 ? 0 : budget, cpuClock);
            double[][] snapshots = jittered(x, 16, rng);
            int[] next = {0};
            double ratio = seconds(() -> SpacingRatio.mean(Spacings.nonZero(x, 1e-12)), budget, cpuClock);
            double unfold = seconds(() -> {
                double[] s = Spacings.unfolded(Spacings.nonZero(x, 1e-12));
                WignerSurmise.ksDistance(s);
                PoissonSpacing.ksDistance(s);
            }, budget, cpuClock);
            double mp = seconds(() -> {
                MarchenkoPastur law = MarchenkoPastur.fit(n, n, x);
                law.ksDistance(x);
                law.countAbove(x, LayerStatistics.SPIKE_MARGIN);
            }, budget, cpuClock);
            RunningMoments moments = new RunningMoments(n, 100);
            double[] sink = new double[n];
            double running = seconds(() -> {
                moments.add(snapshots[next[0]++ & 15]);
                for (int i = 0; i < n; i++) {
                    sink[i] = moments.windowMean(i) + moments.windowVariance(i);
                }
            }, budget, cpuClock);
            StationarityDetector stationarity = new StationarityDetector(n, 10, 20, 4.0);
            double station = seconds(() -> stationarity.add(snapshots[next[0]++ & 15]), budget, cpuClock);
            LayerStatistics stats = new LayerStatistics("bench", "w", n, n, pairedTarget(x),
                    LayerStatistics.Config.defaults());
            long[] step = {0};
            double update = seconds(() -> stats.update(step[0]++, new Spectrum(n, n, snapshots[next[0]++ & 15]),
                    0.1, 16), budget, cpuClock);
            out.printf(Locale.ROOT, "%6d %9.2fms %8.2f%% %8.2f%% %8.2f%% %8.2f%% %8.2f%% %7.2fms %8.2f%%%n",
                    n, spectrum * 1e3, 100 * ratio / spectrum, 100 * unfold / spectrum, 100 * mp / spectrum,
                    100 * running / spectrum, 100 * station / spectrum, update * 1e3, 100 * update / spectrum);
        }
        out.println("columns after 'spectrum': each part's time per snapshot as % of the native spectrum;"
                + " 'update' is LayerStatistics.update as a whole (with a target holding degenerate pairs)");
    }

    /** Sixteen nearby spectra (each eigenvalue moved by 1e-3 of the mean spacing), sorted. */
    private static double[][] jittered(double[] x, int count, SplittableRandom rng) {
        int n = x.length;
        double spacing = (x[n - 1] - x[0]) / n;
        double[][] out = new double[count][];
        for (int c = 0; c < count; c++) {
            double[] y = x.clone();
            for (int i = 0; i < n; i++) {
                y[i] = Math.max(0, y[i] + 1e-3 * spacing * gaussian(rng));
            }
            Arrays.sort(y);
            out[c] = y;
        }
        return out;
    }

    /** A target equal to the spectrum with every tenth pair of neighbours made degenerate. */
    private static double[] pairedTarget(double[] x) {
        double[] t = x.clone();
        for (int i = 0; i + 1 < t.length; i += 20) {
            double m = 0.5 * (t[i] + t[i + 1]);
            t[i] = m;
            t[i + 1] = m;
        }
        return t;
    }

    /** Median seconds of one call: a warm-up, then calls until the budget is spent (3 to 200 samples). */
    private static double seconds(Runnable call, double budgetSeconds, boolean cpuClock) {
        long warm = nanos(cpuClock);
        call.run();
        double first = (nanos(cpuClock) - warm) * 1e-9;
        if (budgetSeconds <= 0) {
            return first;
        }
        double[] samples = new double[200];
        int k = 0;
        long start = System.nanoTime();
        while (k < samples.length && (k < 3 || (System.nanoTime() - start) * 1e-9 < budgetSeconds)) {
            long t0 = nanos(cpuClock);
            call.run();
            samples[k++] = (nanos(cpuClock) - t0) * 1e-9;
        }
        double[] s = Arrays.copyOf(samples, k);
        Arrays.sort(s);
        return s[k / 2];
    }

    private static long nanos(boolean cpuClock) {
        return cpuClock ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private static double gaussian(SplittableRandom rng) {
        double u = 1.0 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    private static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f on %d cores", load,
                Runtime.getRuntime().availableProcessors());
    }

    /** {@code java -cp target/classes:… org.dysonmonitor.bench.StatisticsCostBench [--quick]}. */
    public static void main(String[] args) {
        run(System.out, args.length > 0 && args[0].equals("--quick"));
    }
}

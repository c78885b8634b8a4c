package org.dysonmonitor.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.List;
import org.dysonmonitor.rmt.DysonDynamics;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.RelaxationForecast;
import org.dysonmonitor.rmt.Spectrum;

/**
 * {@link LayerStatistics#update} per snapshot while a layer relaxes (so the convergence ETA is forecast at
 * every measurement): eigenvalue i moves as t_i(1 + ½e^{−s/800}) plus 1 % noise, target t_i = i + 1, a
 * snapshot every 10 updates; the mean thread CPU time over snapshots 501–2 500 (40 forecasts) after 500 of
 * warm-up.
 * {@code java -cp target/classes:… org.dysonmonitor.bench.EtaCostBench [n …]}.
 */
public final class EtaCostBench {

    /** Thread CPU time, not wall time: the machine is shared, and a preempted update would count its wait. */
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final int WARM_UP = 500;
    private static final int MEASURED = 2_000;

    private EtaCostBench() {
    }

    /** Milliseconds per update for each layer size n (n × n, n eigenvalues). */
    public static void run(PrintStream out, int... sizes) {
        out.println("| n | LayerStatistics.update, CPU ms per snapshot (relaxing, τ = 800 snapshots) | hindsight refits, CPU ms per forecast (full window) |");
        out.println("|---:|---:|---:|");
        for (int n : sizes) {
            out.printf(Locale.ROOT, "| %d | %.3f | %.2f |%n", n, perSnapshot(n), instabilityMillis(n));
        }
        out.flush();
    }

    static double perSnapshot(int n) {
        double[] target = new double[n];
        for (int i = 0; i < n; i++) {
            target[i] = i + 1;
        }
        LayerStatistics stats = new LayerStatistics("bench", "W", n, n, target, LayerStatistics.Config.defaults());
        SplittableRandom rng = new SplittableRandom(7);
        double[] x = new double[n];
        long elapsed = 0;
        for (int s = 1; s <= WARM_UP + MEASURED; s++) {
            double excess = 0.5 * Math.exp(-s / 800.0);
            for (int i = 0; i < n; i++) {
                x[i] = target[i] * (1 + excess + 0.01 * rng.nextGaussian());
            }
            java.util.Arrays.sort(x);
            Spectrum spectrum = new Spectrum(n, n, x.clone());
            long start = CPU.getCurrentThreadCpuTime();
            stats.update(10L * s, spectrum, 0.1, 16);
            if (s > WARM_UP) {
                elapsed += CPU.getCurrentThreadCpuTime() - start;
            }
        }
        return elapsed * 1e-6 / MEASURED;
    }

    /**
     * Milliseconds of one {@link DysonDynamics#instability} (the forecast's hindsight refits) on a full window
     * (4 096 snapshots, 409 blocks) of an n-eigenvalue relaxing layer, the mean of 20 calls after 5.
     */
    static double instabilityMillis(int n) {
        DysonDynamics d = new DysonDynamics(n, DysonDynamics.Config.defaults());
        SplittableRandom rng = new SplittableRandom(7);
        double[] x = new double[n];
        for (int s = 1; s <= 4096; s++) {
            for (int i = 0; i < n; i++) {
                x[i] = (i + 1) * (1 + 0.5 * Math.exp(-s / 800.0) + 0.01 * rng.nextGaussian());
            }
            java.util.Arrays.sort(x);
            d.add(10L * s, x);
        }
        RelaxationForecast.Detector detector = RelaxationForecast.Detector.defaults();
        List<RelaxationForecast.Mode> fits = d.forecast(detector);
        long elapsed = 0;
        for (int r = 0; r < 25; r++) {
            long start = CPU.getCurrentThreadCpuTime();
            d.instability(detector, fits);
            if (r >= 5) {
                elapsed += CPU.getCurrentThreadCpuTime() - start;
            }
        }
        return elapsed * 1e-6 / 20;
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {10, 512} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        run(System.out, sizes);
    }
}

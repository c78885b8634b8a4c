package org.dysonmonitor.bench;

import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.NativeLapack;
import org.dysonmonitor.linalg.NativeSpectrumSolver;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * What the launcher's settings buy, measured in the same run:
 * <ol>
 *   <li>two native spectra of the same size on two threads against one alone (wall time; with one
 *       OpenBLAS thread per call and two free cores the ratio is ~1, with OpenBLAS's own threads the
 *       solves are serialised and it is ~2);</li>
 *   <li>the longest stall of a thread that allocates while another computes native spectra, under
 *       each garbage collector (a child JVM per collector): netlib pins the arrays of a LAPACK call
 *       (GetPrimitiveArrayCritical), and a collector that cannot run meanwhile stalls every allocating
 *       thread for up to one spectrum.</li>
 * </ol>
 */
public final class NativeThreadsBench {

    private static final String PROBE = "--gc-probe";
    /**
     * The collectors probed, each as its JVM options; the last is Shenandoah as bin/dyson-monitor starts it
     * (its control thread and pacer woken less often), to show that this keeps the short stalls.
     */
    private static final List<List<String>> COLLECTORS = List.of(List.of("-XX:+UseG1GC"),
            List.of("-XX:+UseParallelGC"), List.of("-XX:+UseShenandoahGC"), List.of("-XX:+UseZGC"),
            List.of("-XX:+UseShenandoahGC", "-XX:+UnlockExperimentalVMOptions", "-XX:ShenandoahControlIntervalMin=10",
                    "-XX:ShenandoahControlIntervalMax=100", "-XX:-ShenandoahPacing"));

    private NativeThreadsBench() {
    }

    public static void run(PrintStream out, boolean quick) {
        NativeLapack.Status status = NativeLapack.status();
        out.println("Native spectra on two threads, and allocation stalls per collector (same run)");
        out.println("native: " + status.describe() + "; load average " + loadAverage());
        if (!status.loaded()) {
            out.println("no native LAPACK: nothing to measure");
            return;
        }
        int n = quick ? 512 : 1024;
        double[] w = matrix(n, 1);
        double one = median(3, () -> spectra(w, n, 1));
        double two = median(3, () -> spectra(w, n, 2));
        out.printf(Locale.ROOT, "%d² spectra: one alone %.0f ms, two on two threads %.0f ms: ratio %.2f"
                        + " (serialised: %s)%n", n, one * 1e3, two * 1e3, two / one,
                new NativeSpectrumSolver().serialized());
        int probeN = quick ? 1024 : 2048;
        int seconds = quick ? 4 : 10;
        out.printf(Locale.ROOT, "longest allocation stall while %d² native spectra run for %d s (-Xmx512m):%n",
                probeN, seconds);
        for (List<String> gc : COLLECTORS) {
            String name = gc.size() == 1 ? gc.get(0) : gc.get(0) + " (launcher)";
            out.printf(Locale.ROOT, "  %-33s %s%n", name, probe(gc, probeN, seconds));
        }
    }

    /** Wall seconds for {@code threads} threads to compute one spectrum each, started together. */
    private static double spectra(double[] w, int n, int threads) {
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            NativeSpectrumSolver solver = new NativeSpectrumSolver();
            double[] out = new double[n];
            solver.eigenvalues(w, n, n, MatrixLayout.ROW_MAJOR, out); // workspaces outside the timing
            Thread worker = new Thread(() -> {
                await(start);
                solver.eigenvalues(w, n, n, MatrixLayout.ROW_MAJOR, out);
            });
            worker.start();
            workers.add(worker);
        }
        await(start);
        long t0 = System.nanoTime();
        for (Thread worker : workers) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return (System.nanoTime() - t0) * 1e-9;
    }

    /** Runs the stall probe in a child JVM with this collector; its one-line result or why it failed. */
    private static String probe(List<String> gc, int n, int seconds) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        command.addAll(gc);
        command.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"),
                NativeThreadsBench.class.getName(), PROBE, String.valueOf(n), String.valueOf(seconds)));
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().put("OPENBLAS_NUM_THREADS", "1");
            Process p = pb.start();
            p.getOutputStream().close();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10L * seconds + 60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                String reason = stderr.lines().filter(l -> !l.contains("WARNING") && !l.contains("InstanceBuilder"))
                        .findFirst().orElse("exit " + p.exitValue());
                return "not run: " + reason;
            }
            return stdout;
        } catch (IOException e) {
            return "not run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The child: one thread computes spectra, this one allocates and records its longest gap. */
    private static void stallProbe(int n, int seconds) throws InterruptedException {
        double[] w = matrix(n, 2);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int[] done = {0};
        Thread spectra = new Thread(() -> {
            NativeSpectrumSolver solver = new NativeSpectrumSolver();
            double[] out = new double[n];
            while (System.nanoTime() < end) {
                solver.eigenvalues(w, n, n, MatrixLayout.ROW_MAJOR, out);
                done[0]++;
            }
        });
        spectra.start();
        byte[][] live = new byte[256][]; // 16 MB live, the rest garbage: young collections every few 100 ms
        long worst = 0;
        long last = System.nanoTime();
        long allocations = 0;
        while (spectra.isAlive()) {
            live[(int) (allocations++ & 255)] = new byte[64 * 1024];
            long now = System.nanoTime();
            worst = Math.max(worst, now - last);
            last = now;
        }
        spectra.join();
        System.out.printf(Locale.ROOT, "%.0f ms longest stall (%d spectra, %d MB allocated)%n", worst * 1e-6,
                done[0], allocations / 16);
    }

    private static double median(int repeats, java.util.function.DoubleSupplier f) {
        double[] s = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            s[i] = f.getAsDouble();
        }
        Arrays.sort(s);
        return s[repeats / 2];
    }

    private static double[] matrix(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] w = new double[n * n];
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.nextDouble() - 0.5;
        }
        return w;
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return String.format(Locale.ROOT, "%.2f on %d cores", load, Runtime.getRuntime().availableProcessors());
    }

    /** {@code java -cp … org.dysonmonitor.bench.NativeThreadsBench [--quick]}; {@code --gc-probe n s} is the child. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length == 3 && args[0].equals(PROBE)) {
            stallProbe(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        run(System.out, args.length > 0 && args[0].equals("--quick"));
    }
}

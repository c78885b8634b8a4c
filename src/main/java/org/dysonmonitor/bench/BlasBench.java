package org.dysonmonitor.bench;

import org.dysonmonitor.linalg.EjmlSpectrumSolver;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.NativeLapack;
import org.dysonmonitor.linalg.NativeSpectrumSolver;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.linalg.SpectrumSolver;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The native backend under OpenBLAS's settings: where it overtakes EJML ({@code bench spectrum
 * --crossover}, the auto crossover of {@link SolverSelection}) and what OpenBLAS threads do to one
 * large and to concurrent small spectra ({@code bench spectrum --threads}). Both print Markdown.
 */
public final class BlasBench {

    private BlasBench() {
    }

    /** EJML against native float64 for small n, square and 4:1 (4n×n); prints a Markdown table. */
    public static int crossover(PrintStream out) {
        NativeLapack.Status status = NativeLapack.status();
        if (!status.loaded()) {
            out.println("no crossover to measure: " + status.library());
            return 1;
        }
        int[] sizes = {4, 8, 12, 16, 20, 24, 32, 48, 64, 96, 128, 192, 256};
        Stopwatch.Rule rule = new Stopwatch.Rule(31, 100_001, 0.4, 0.0);
        StringBuilder s = new StringBuilder();
        s.append("Machine: ").append(Machine.describe()).append("\nNative: ").append(status.describe())
                .append("\n\n| W | n | EJML µs | native µs | EJML ÷ native |\n|---|--:|--:|--:|--:|\n");
        int breakEven = -1;
        for (int n : sizes) {
            boolean nativeWinsBoth = true;
            for (int k : new int[] {1, 4}) {
                int r = k * n;
                double[] w = new Random(n * 7L + k).doubles((long) r * n, -1, 1).toArray();
                double[] x = new double[n];
                SpectrumSolver ejml = new EjmlSpectrumSolver();
                SpectrumSolver nat = new NativeSpectrumSolver();
                Stopwatch.Timing te = null;
                Stopwatch.Timing tn = null;
                for (int round = 0; round < 2; round++) { // the second round is the one reported: warm JIT
                    te = Stopwatch.measure(() -> ejml.eigenvalues(w, r, n, MatrixLayout.ROW_MAJOR, x), rule);
                    tn = Stopwatch.measure(() -> nat.eigenvalues(w, r, n, MatrixLayout.ROW_MAJOR, x), rule);
                }
                double ratio = te.medianSeconds() / tn.medianSeconds();
                nativeWinsBoth &= ratio > 1;
                s.append(String.format(Locale.ROOT, "| %d×%d | %d | %.1f | %.1f | %.2f |%n",
                        r, n, n, te.medianSeconds() * 1e6, tn.medianSeconds() * 1e6, ratio));
            }
            if (nativeWinsBoth && breakEven < 0) {
                breakEven = n;
            } else if (!nativeWinsBoth) {
                breakEven = -1;
            }
        }
        s.append("\nnative faster at both shapes from n = ").append(breakEven < 0 ? "—" : breakEven)
                .append(" on; auto uses native from n = ")
                .append(SolverSelection.select(SolverSelection.Mode.AUTO).nativeMinSize()).append(" (")
                .append(status.threads()).append(").\n");
        out.print(s);
        return 0;
    }

    /**
     * Under this process's OpenBLAS thread setting: one 2048×2048 spectrum, and rounds of 8 concurrent
     * 256×256 spectra on 8 Java threads (as 8 spectrum actors would on Akka's default dispatcher), with
     * native solves serialised and not.
     */
    public static int threads(PrintStream out) {
        NativeLapack.Status status = NativeLapack.status();
        if (!status.loaded()) {
            out.println("no thread measurement: " + status.library());
            return 1;
        }
        StringBuilder s = new StringBuilder();
        s.append("Machine: ").append(Machine.describe()).append("\nNative: ").append(status.describe())
                .append(", load average ").append(Machine.loadAverages()).append("\n\n");
        int big = 2048;
        double[] w = new Random(2048).doubles((long) big * big, -1, 1).toArray();
        NativeSpectrumSolver one = new NativeSpectrumSolver();
        double[] x = new double[big];
        Stopwatch.Timing t = Stopwatch.measure(() -> one.eigenvalues(w, big, big, MatrixLayout.ROW_MAJOR, x),
                new Stopwatch.Rule(5, 5, 0, 100));
        s.append(String.format(Locale.ROOT, "- one 2048×2048 spectrum (float64): %.0f ms (median of %d)%n",
                t.millis(), t.repeats()));

        int n = 256;
        int tasks = 8;
        double[][] ws = new double[tasks][];
        for (int i = 0; i < tasks; i++) {
            ws[i] = new Random(i).doubles((long) n * n, -1, 1).toArray();
        }
        String previous = System.getProperty(NativeSpectrumSolver.SERIALIZE_PROPERTY);
        ExecutorService pool = Executors.newFixedThreadPool(tasks);
        try {
            for (String serialize : new String[] {"false", "true"}) {
                System.setProperty(NativeSpectrumSolver.SERIALIZE_PROPERTY, serialize);
                NativeSpectrumSolver[] solvers = new NativeSpectrumSolver[tasks];
                for (int i = 0; i < tasks; i++) {
                    solvers[i] = new NativeSpectrumSolver();
                }
                Runnable round = () -> runRound(pool, solvers, ws, n);
                Stopwatch.Timing r = Stopwatch.measure(round, new Stopwatch.Rule(5, 41, 3.0, 0.5));
                s.append(String.format(Locale.ROOT,
                        "- 8 concurrent 256×256 spectra on 8 threads, native solves %s: %.1f ms per round, "
                                + "%.2f ms per spectrum (median of %d rounds)%n",
                        serialize.equals("true") ? "serialised" : "not serialised", r.millis(),
                        r.millis() / tasks, r.repeats()));
            }
        } finally {
            pool.shutdownNow();
            if (previous == null) {
                System.clearProperty(NativeSpectrumSolver.SERIALIZE_PROPERTY);
            } else {
                System.setProperty(NativeSpectrumSolver.SERIALIZE_PROPERTY, previous);
            }
        }
        out.print(s);
        return 0;
    }

    private static void runRound(ExecutorService pool, NativeSpectrumSolver[] solvers, double[][] ws, int n) {
        List<Future<double[]>> futures = new ArrayList<>();
        for (int i = 0; i < solvers.length; i++) {
            NativeSpectrumSolver solver = solvers[i];
            double[] w = ws[i];
            Callable<double[]> c = () -> solver.eigenvalues(w, n, n, MatrixLayout.ROW_MAJOR);
            futures.add(pool.submit(c));
        }
        try {
            for (Future<double[]> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}

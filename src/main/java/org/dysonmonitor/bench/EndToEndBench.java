package org.dysonmonitor.bench;

import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.linalg.SolverSelection;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * End to end: the wall time from the start of a {@code .npy} POST of an n×n layer to its report being
 * available (its run's processed count polled on {@code GET /api/v1/runs}, then the report of
 * that step read at {@code GET /api/v1/runs/{run}/layers/W}), against numpy's
 * {@code eigvalsh(W.T @ W)} on the same matrix in one Python process (bench/numpy_spectrum.py), run
 * right after the monitor's side so that both see the same machine load. The same float32 values are
 * posted as a float32 body and, widened, as a float64 body; each is compared with numpy in float64
 * (the reference) and in float32. The runs' layers are never tracked ({@code partial_above}
 * above n): this times full spectra.
 */
public final class EndToEndBench {

    /**
     * @param sizes   n of the n×n layers
     * @param repeats timed POSTs per size and dtype (after one untimed, which starts the layer)
     * @param python  the Python interpreter with numpy
     * @param script  bench/numpy_spectrum.py
     */
    public record Options(List<Integer> sizes, int repeats, String python, Path script, SolverSelection solvers) {
        public Options {
            if (sizes.isEmpty() || sizes.stream().anyMatch(n -> n < 2) || repeats < 1) {
                throw new IllegalArgumentException("sizes must be ≥ 2 and repeats ≥ 1");
            }
            sizes = List.copyOf(sizes);
        }
    }

    private EndToEndBench() {
    }

    public static void run(PrintStream out, Options o) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("bench-e2e");
        String load = Machine.loadAverages();
        List<String> rows = new ArrayList<>();
        String numpyDescription = "";
        try (BenchServer server = BenchServer.start("bench-e2e", o.solvers())) {
            for (int n : o.sizes()) {
                WeightMatrix w32 = PipelineBench.matrix(n, n);
                double[] widened = new double[n * n];
                w32.copyRowMajor(widened);
                byte[] f32 = NpyEncoder.encode(w32);
                byte[] f64 = NpyEncoder.encode(WeightMatrix.of(n, n, widened, false));
                double monitorF32 = median(server, "e2e-f32-" + n, f32, n, o.repeats());
                double monitorF64 = median(server, "e2e-f64-" + n, f64, n, o.repeats());
                Path file = work.resolve("w" + n + ".npy");
                Files.write(file, f32);
                System.err.printf(Locale.ROOT, "%d×%d: numpy%n", n, n);
                NumpyReference.Report numpy = NumpyReference.run(o.python(), o.script(),
                        List.of(new NumpyReference.Job(file, new Stopwatch.Rule(3, 9, 5.0, 1.0, 8.0,
                                Stopwatch.Clock.WALL), true)), work);
                numpyDescription = numpy.description();
                NumpyReference.Result r = numpy.results().get(file);
                double np64 = r.eigvalshF64().medianSeconds();
                double np32 = r.eigvalshF32().medianSeconds();
                rows.add(String.format(Locale.ROOT, "| %d | %.3f ms | %.3f ms | **%.2f** | %.3f ms | %.3f ms | **%.2f** | %.2f |",
                        n, 1e3 * monitorF64, 1e3 * np64, monitorF64 / np64, 1e3 * monitorF32, 1e3 * np32,
                        monitorF32 / np32, monitorF32 / np64));
                Files.deleteIfExists(file);
            }
            out.printf(Locale.ROOT, "End to end, POST → report available (median of %d), against numpy's "
                    + "eigvalsh(W.T @ W) in the same run; solver %s; load average at start %s, at end %s%n%n",
                    o.repeats(), server.monitor().solver(), load, Machine.loadAverages());
        } finally {
            try (var files = Files.walk(work)) { // numpy wrote its eigenvalues beside each matrix
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        out.println("| n | monitor, float64 body | numpy f64 | ratio | monitor, float32 body | numpy f32 | ratio | float32 body ÷ numpy f64 |");
        out.println("|--:|--:|--:|--:|--:|--:|--:|--:|");
        rows.forEach(out::println);
        out.printf(Locale.ROOT, "%nnumpy: %s%nTargets: ratio ≤ 1.2 at n ≥ 512 (float64 body); float32 body ≤ 0.7 × numpy f64.%n",
                numpyDescription);
        out.flush();
    }

    /** Median wall seconds from POST to the report of that step, after one untimed POST that starts the layer. */
    private static double median(BenchServer server, String run, byte[] body, int n, int repeats)
            throws InterruptedException {
        server.putRun(run, "{\"policy\": \"all\", \"partial_above\": " + (n + 1) + "}");
        String path = "/api/v1/runs/" + run + "/layers/W/snapshots?step=";
        server.post(path + 0, body);
        server.awaitReport(run, "W", 1, 0);
        double[] seconds = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            server.post(path + (i + 1), body);
            long posted = System.nanoTime();
            server.awaitReport(run, "W", i + 2, i + 1);
            seconds[i] = (System.nanoTime() - start) / 1e9;
            System.err.printf(Locale.ROOT, "%s: POST %.1f ms, then report %.1f ms%n", run, (posted - start) / 1e6,
                    (System.nanoTime() - posted) / 1e6);
        }
        return Stopwatch.median(seconds);
    }
}

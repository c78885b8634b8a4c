package org.dysonmonitor.bench;

import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.rmt.LayerStatistics;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * End to end: from the start of a {@code .npy} POST of an n×n layer to its report, against numpy's
 * {@code eigvalsh(W.T @ W)} on the same matrix in one Python process (bench/numpy_spectrum.py), run
 * right after the monitor's side so that both see the same machine load. The same float32 values are
 * posted as a float32 body and, widened, as a float64 body; each is compared with numpy in float64
 * (the reference of the end-to-end targets) and in the body's own dtype. The runs' layers are never tracked
 * ({@code partial_above} above n): this times full spectra.
 *
 * <p>Per timed POST ({@link EndToEndTiming}): the wall time until the 202, until the report is
 * available (its spectrum actor publishes it: the posting thread sleeps on a {@link ReportWatch} until
 * then) and until it is fetched ({@code GET /api/v1/runs/{run}/layers/{layer}}, checked to be that
 * step's); and the CPU time the monitor spent on it
 * meanwhile ({@link EndToEndCpu}: every thread of the process but the benchmark's client threads, so
 * HTTP, decoding, spectrum, statistics, metrics and garbage collection; the JIT compilers' threads are
 * shown apart and left out of the CPU ratio, because they compile in the background at their own pace,
 * code of the benchmark's client and its Python runs included, whatever the snapshot is). The watch
 * replaces a {@code GET /api/v1/runs} every 0.5 ms, which on 2 cores took most of a core from the monitor
 * and added up to the interval plus one HTTP round trip, and then a read of the processed counter every
 * 20 µs, whose wake-ups took 42 ms of the client thread's CPU per 1024² snapshot (9.5 with the watch,
 * the JDK HTTP client's own work). numpy is timed by wall clock and by its
 * thread's CPU time (one OpenBLAS thread, so that is all its work). The CPU ratio is the one the load
 * of a shared machine does not move.
 *
 * <p>Before the sizes, snapshots of a small layer of each dtype are posted to the same two layers until the
 * JIT compilers go quiet (at most {@code warmup} seconds): on 2 shared cores the C1/C2 threads kept compiling
 * for minutes and took 30–200 ms of CPU per snapshot meanwhile, at the spectrum's expense. (An earlier
 * warm-up made two new runs per round; creating runs kept the compilers at 35–86 % of a core after 40 rounds,
 * where posting to the same layers, as a long run does, quiets them below 5 % in ≈ 25–40 s.) A monitor runs
 * for hours; its first minute is not what its users see, and the JIT column of the CPU table shows what
 * remains. Each size then has a run of its own, with a float32 and a float64 layer, as a long run's layers:
 * at least {@value #SIZE_WARMUP_POSTS} untimed POSTs of each and more until the compilers are quiet again
 * (new sizes take new paths: float32 spectra from 512, longer loops; at most {@value #SIZE_WARMUP_SECONDS} s)
 * and until the next {@code repeats} snapshots of a layer have no randomized baseline due (one more spectrum
 * on a layer's first snapshot and every 50th after it, timed amortised by {@code bench diagnostics}); then
 * the same two layers take the timed POSTs. (Timed POSTs to a new run of their own, as before, left the
 * compilers at 4–45 ms of CPU per 512² snapshot, a row's mean, in four runs; on the warmed layers 0.6–5.3.)
 */
public final class EndToEndBench {

    /** Bodies of the warm-up layer (n × n). */
    private static final int WARMUP_SIZE = 128;

    /** The JIT counts as settled below this share of one core (C1 and C2 threads together). */
    private static final double JIT_QUIET = 0.05;

    /**
     * Untimed POSTs of each size and dtype before its timed ones, at least: the paths that loop over n
     * eigenvalues (statistics, diagnostics, the report's JSON) are compiled again for the larger trip counts,
     * which at 512² took 30–55 ms of C2 per snapshot over the first 20 POSTs of the size.
     */
    private static final int SIZE_WARMUP_POSTS = 24;

    /** Seconds of untimed POSTs of each size at most (a 4096² float64 spectrum takes seconds). */
    private static final double SIZE_WARMUP_SECONDS = 20;

    /** The JIT counts as settled for a size when it was quiet over this many rounds (one POST of each dtype). */
    private static final int SIZE_QUIET_ROUNDS = 8;

    /** Warm-up rounds at least. */
    private static final int MIN_WARMUP_ROUNDS = 3;

    /** POSTs of each dtype in a warm-up round. */
    private static final int WARMUP_ROUND = 20;

    /**
     * @param sizes   n of the n×n layers
     * @param repeats timed POSTs per size and dtype (after one untimed, which starts the layer), ≤ 48
     * @param warmup  the longest warm-up in seconds (untimed POSTs of a small layer until the JIT settles), ≥ 0
     * @param python  the Python interpreter with numpy
     * @param script  bench/numpy_spectrum.py
     */
    public record Options(List<Integer> sizes, int repeats, int warmup, String python, Path script,
                          SolverSelection solvers) {
        public Options {
            if (sizes.isEmpty() || sizes.stream().anyMatch(n -> n < 2) || repeats < 1 || repeats > 48 || warmup < 0) {
                throw new IllegalArgumentException("sizes must be ≥ 2, repeats 1 … 48 and warmup ≥ 0");
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
        List<String> cpuRows = new ArrayList<>();
        String numpyDescription = "";
        EndToEndCpu cpu = new EndToEndCpu();
        try (BenchServer server = BenchServer.start("bench-e2e", o.solvers())) {
            String warm = warmUp(server, cpu, o.warmup());
            System.err.println(warm);
            for (int n : o.sizes()) {
                WeightMatrix w32 = PipelineBench.matrix(n, n);
                double[] widened = new double[n * n];
                w32.copyRowMajor(widened);
                byte[] f32 = NpyEncoder.encode(w32);
                byte[] f64 = NpyEncoder.encode(WeightMatrix.of(n, n, widened, false));
                String run = "e2e-" + n;
                server.putRun(run, "{\"policy\": \"all\", \"partial_above\": " + (n + 1) + "}");
                ReportWatch reports = server.watch(run);
                long step = warmUpSize(server, cpu, reports, run, f32, f64, o.warmup(), o.repeats());
                EndToEndTiming.Medians monitorF32 = EndToEndTiming.run(server, cpu, reports, run, "f32", f32, step,
                        o.repeats());
                EndToEndTiming.Medians monitorF64 = EndToEndTiming.run(server, cpu, reports, run, "f64", f64, step,
                        o.repeats());
                Path file = work.resolve("w" + n + ".npy");
                Files.write(file, f32);
                System.err.printf(Locale.ROOT, "%d×%d: numpy%n", n, n);
                NumpyReference.Result wall = numpy(o, file, work, Stopwatch.Clock.WALL);
                NumpyReference.Report cpuReport = NumpyReference.run(o.python(), o.script(),
                        List.of(job(file, Stopwatch.Clock.CPU)), work);
                numpyDescription = cpuReport.description();
                NumpyReference.Result thread = cpuReport.results().get(file);
                rows.add(row(n, "float64", monitorF64, wall.eigvalshF64().medianSeconds(),
                        wall.eigvalshF64().medianSeconds(), thread.eigvalshF64().medianSeconds()));
                rows.add(row(n, "float32", monitorF32, wall.eigvalshF64().medianSeconds(),
                        wall.eigvalshF32().medianSeconds(), thread.eigvalshF64().medianSeconds()));
                cpuRows.add(cpuRow(n, "float64", monitorF64));
                cpuRows.add(cpuRow(n, "float32", monitorF32));
                Files.deleteIfExists(file);
            }
            out.printf(Locale.ROOT, "End to end, POST → report (median of %d per row), against numpy's "
                            + "eigvalsh(W.T @ W) in the same run; %s; solver %s; load average at start %s, at end %s%n%n",
                    o.repeats(), warm, server.monitor().solver(), load, Machine.loadAverages());
        } finally {
            try (var files = Files.walk(work)) { // numpy wrote its eigenvalues beside each matrix
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        out.println("| n | body | POST → 202 | → report available | → report fetched | numpy f64 | **ratio** "
                + "| numpy, body's dtype | ratio | monitor CPU, JIT apart | numpy f64 CPU | **CPU ratio** |");
        out.println("|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        rows.forEach(out::println);
        out.printf(Locale.ROOT, "%nWhere the monitor's CPU time goes (mean ms per snapshot, POST start to report fetched):%n%n");
        out.println("| n | body | " + String.join(" | ", EndToEndCpu.GROUPS) + " | total |");
        out.println("|--:|---|" + "--:|".repeat(EndToEndCpu.GROUPS.length + 1));
        cpuRows.forEach(out::println);
        out.println();
        out.println("http: Akka's default dispatcher (connections, routes, body, the report's JSON); spectrum: the "
                + "spectrum actors (spectrum, statistics, metrics); jit: C1/C2 compiler threads; gc: the collector's "
                + "threads; vm other: the VM's other native threads.");
        out.printf(Locale.ROOT, "%nnumpy: %s%n"
                + "ratio: report fetched (wall) ÷ numpy f64 (wall); CPU ratio: the monitor's CPU time per snapshot "
                + "(all its threads, HTTP to report, but the JIT compilers') ÷ numpy f64's thread CPU time.%n"
                + "Targets: ratio ≤ 1.2 at n ≥ 512 (float64 body); float32 body ≤ 0.7 × numpy f64.%n",
                numpyDescription);
        out.flush();
    }

    private static String row(int n, String body, EndToEndTiming.Medians m, double numpyF64, double numpySame,
                              double numpyF64Cpu) {
        return String.format(Locale.ROOT, "| %d | %s | %.3f ms | %.3f ms | %.3f ms | %.3f ms | **%.2f** | %.3f ms "
                        + "| %.2f | %.3f ms | %.3f ms | **%.2f** |",
                n, body, 1e3 * m.posted(), 1e3 * m.available(), 1e3 * m.fetched(), 1e3 * numpyF64,
                m.fetched() / numpyF64, 1e3 * numpySame, m.fetched() / numpySame, 1e3 * m.cpu(), 1e3 * numpyF64Cpu,
                m.cpu() / numpyF64Cpu);
    }

    private static String cpuRow(int n, String body, EndToEndTiming.Medians m) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "| %d | %s |", n, body));
        for (String g : EndToEndCpu.GROUPS) {
            sb.append(String.format(Locale.ROOT, " %.2f |", 1e3 * m.cpuByGroup().getOrDefault(g, Double.NaN)));
        }
        return sb.append(String.format(Locale.ROOT, " %.2f |", 1e3 * m.cpuByGroup().getOrDefault("total", Double.NaN)))
                .toString();
    }

    private static NumpyReference.Result numpy(Options o, Path file, Path work, Stopwatch.Clock clock)
            throws IOException, InterruptedException {
        return NumpyReference.run(o.python(), o.script(), List.of(job(file, clock)), work).results().get(file);
    }

    private static NumpyReference.Job job(Path file, Stopwatch.Clock clock) {
        return new NumpyReference.Job(file, new Stopwatch.Rule(3, 9, 5.0, 1.0, 8.0, clock), true);
    }

    /**
     * Untimed POSTs of the n×n float32 and float64 bodies to the layers {@code f32} and {@code f64} of the
     * size's run, the ones then timed, in rounds of one of each, each awaited: {@link #SIZE_WARMUP_POSTS}
     * rounds at least (at most {@link #SIZE_WARMUP_SECONDS}), then on until the JIT compilers used less than
     * {@link #JIT_QUIET} of a core over the last {@value #SIZE_QUIET_ROUNDS} rounds, while
     * {@link #SIZE_WARMUP_SECONDS} and {@code maxSeconds} (the warm-up's bound) allow; then on until the next
     * {@code repeats} snapshots of a layer have no randomized baseline due.
     *
     * @return the step of the first timed POST
     */
    private static long warmUpSize(BenchServer server, EndToEndCpu cpu, ReportWatch reports, String run, byte[] f32,
                                   byte[] f64, int maxSeconds, int repeats) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + (long) (SIZE_WARMUP_SECONDS * 1e9);
        long quietDeadline = start + (long) (Math.min(SIZE_WARMUP_SECONDS, maxSeconds) * 1e9);
        java.util.ArrayDeque<double[]> recent = new java.util.ArrayDeque<>(); // {nanoTime, jit} per round
        long step = 0;
        boolean settled = false;
        while (!settled || !baselineFree(server, step, repeats)) {
            postAwaited(server, reports, run, "f32", f32, step);
            postAwaited(server, reports, run, "f64", f64, step);
            step++;
            Map<String, Double> now = cpu.reading();
            recent.addLast(new double[] {System.nanoTime(), now.getOrDefault("jit", Double.NaN)});
            if (recent.size() > SIZE_QUIET_ROUNDS + 1) {
                recent.removeFirst();
            }
            double[] first = recent.getFirst();
            double[] last = recent.getLast();
            boolean quiet = recent.size() > SIZE_QUIET_ROUNDS && (last[1] - first[1]) / (last[0] - first[0]) < JIT_QUIET;
            settled = settled || System.nanoTime() >= deadline || (step >= SIZE_WARMUP_POSTS
                    && (quiet || now.isEmpty() || System.nanoTime() >= quietDeadline));
        }
        System.err.printf(Locale.ROOT, "%s: %d untimed POSTs of each dtype in %.1f s%n", run, step,
                (System.nanoTime() - start) * 1e-9);
        return step;
    }

    /**
     * Whether a layer that has processed {@code processed} snapshots has no randomized baseline due in its
     * next {@code repeats} (it costs one more spectrum, on the first snapshot and every 50th after it:
     * {@code bench diagnostics} times it amortised).
     */
    private static boolean baselineFree(BenchServer server, long processed, int repeats) {
        for (long k = processed + 1; k <= processed + repeats; k++) {
            if (LayerStatistics.baselineDue(server.monitor().settings().statistics(), k)) {
                return false;
            }
        }
        return true;
    }

    /** POSTs a snapshot, waits for its report and checks that {@code GET …/layers/{layer}} serves it. */
    private static void postAwaited(BenchServer server, ReportWatch reports, String run, String layer, byte[] body,
                                    long step) throws InterruptedException {
        server.post("/api/v1/runs/" + run + "/layers/" + layer + "/snapshots?step=" + step, body);
        reports.await(layer, step);
        long got = server.reportStep(run, layer);
        if (got != step) {
            throw new IllegalStateException(run + "/" + layer + ": report of step " + got + ", expected " + step);
        }
    }

    /**
     * Untimed POSTs of a small float32 and a small float64 layer of one run, in rounds of
     * {@value #WARMUP_ROUND} of each, until the JIT compilers' threads used less than {@link #JIT_QUIET} of
     * one core during the last round (and at least {@link #MIN_WARMUP_ROUNDS} rounds ran), or
     * {@code maxSeconds} passed. The same two layers take every round, as a long run's layers do.
     *
     * @return what the warm-up did, for the output
     */
    private static String warmUp(BenchServer server, EndToEndCpu cpu, int maxSeconds) throws InterruptedException {
        if (maxSeconds == 0) {
            return "no warm-up";
        }
        WeightMatrix w32 = PipelineBench.matrix(WARMUP_SIZE, WARMUP_SIZE);
        double[] widened = new double[WARMUP_SIZE * WARMUP_SIZE];
        w32.copyRowMajor(widened);
        byte[] f32 = NpyEncoder.encode(w32);
        byte[] f64 = NpyEncoder.encode(WeightMatrix.of(WARMUP_SIZE, WARMUP_SIZE, widened, false));
        String run = "e2e-warmup";
        server.putRun(run, "{\"policy\": \"all\", \"partial_above\": " + (WARMUP_SIZE + 1) + "}");
        ReportWatch reports = server.watch(run);
        long start = System.nanoTime();
        int rounds = 0;
        long step = 0;
        double share = Double.NaN;
        while ((System.nanoTime() - start) * 1e-9 < maxSeconds) {
            java.util.Map<String, Double> before = cpu.reading();
            long t0 = System.nanoTime();
            for (int i = 0; i < WARMUP_ROUND; i++, step++) {
                postAwaited(server, reports, run, "f32", f32, step);
                postAwaited(server, reports, run, "f64", f64, step);
            }
            java.util.Map<String, Double> after = cpu.reading();
            rounds++;
            if (before.isEmpty()) {
                continue; // no CPU accounting: warm up for the whole time
            }
            share = (after.get("jit") - before.get("jit")) / (System.nanoTime() - t0);
            if (rounds >= MIN_WARMUP_ROUNDS && share < JIT_QUIET) {
                break;
            }
        }
        return String.format(Locale.ROOT, "warm-up: %d POSTs of %d×%d layers in %.0f s, the JIT compilers at %.1f %% "
                + "of a core in its last round", 2 * step, WARMUP_SIZE, WARMUP_SIZE,
                (System.nanoTime() - start) * 1e-9, 100 * share);
    }
}

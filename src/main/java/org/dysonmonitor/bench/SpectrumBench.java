package org.dysonmonitor.bench;

import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.linalg.EjmlSpectrumSolver;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.NativeLapack;
import org.dysonmonitor.linalg.NativeSpectrumSolver;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.linalg.SpectrumSolver;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Time per spectrum of each backend side by side with numpy, on the same matrices, in one run.
 *
 * <pre>
 * SpectrumBench [--quick] [--sizes 64,256,...] [--shapes square,tall] [--budget SECONDS]
 *               [--clock wall|cpu] [--ejml-max-seconds 60] [--no-numpy] [--python python3] [--script bench/numpy_spectrum.py]
 *               [--workdir DIR] [--out FILE.md] [--seed 1]
 * SpectrumBench --crossover      EJML against native for small n: the auto crossover
 * SpectrumBench --threads        one 2048 spectrum, and 8 concurrent 256 spectra, under this
 *                                process's OpenBLAS thread setting (run it with OPENBLAS_NUM_THREADS=1 and =2)
 * </pre>
 *
 * <p>Sizes n are the long side; for each n two shapes: n×n (Gram n×n) and the 4:1 layer n×(n/4)
 * (Gram (n/4)×(n/4)), so that n = 4096 stays feasible. Each W has float32 Gaussian entries (seeded),
 * written once as .npy by {@link NpyEncoder}; every backend sees exactly these values (the float64
 * routes widen them exactly). Backends: EJML (float64), native float64, native float32 (forced at
 * every size, to show its effect; auto uses it from n = 512), and through bench/numpy_spectrum.py
 * numpy's {@code eigvalsh(W.T @ W)} in float64 and float32 and {@code svd(W, compute_uv=False)}.
 * Timing: {@link Stopwatch}'s rule (median of k ≥ 3 after a warm-up), in wall time or, with
 * {@code --clock cpu} and one OpenBLAS thread, in CPU time of the calling thread, which a shared,
 * loaded machine disturbs far less. numpy runs right after the Java backends on each matrix, so both
 * see the same load. EJML is skipped where its time, extrapolated from the previous size by flop
 * count with a 1.5× margin, exceeds {@code --ejml-max-seconds}.
 *
 * <p>Prints progress to stderr and a Markdown table to stdout (and to {@code --out}); ratios are to
 * numpy's float64 {@code eigvalsh(W.T @ W)} measured in the same run. Returns 0, or 2 on bad arguments.
 */
public final class SpectrumBench {

    static final int[] FULL_SIZES = {64, 256, 512, 1024, 2048, 4096};
    static final int QUICK_MAX = 1024;

    private SpectrumBench() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Entry point for the CLI: runs the benchmark with these arguments, returns the exit code. */
    public static int run(String[] args) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("SpectrumBench: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        if (o.help) {
            System.out.println(USAGE);
            return 0;
        }
        try {
            if (o.crossover) {
                return crossover(System.out);
            }
            if (o.threads) {
                return threads(System.out);
            }
            return table(o, System.out);
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("SpectrumBench failed: " + e);
            return 1;
        }
    }

    static final String USAGE = String.join("\n",
            "usage: SpectrumBench [--quick] [--sizes 64,256,...] [--shapes square,tall] [--budget SECONDS]",
            "                     [--clock wall|cpu]",
            "                     [--ejml-max-seconds 60] [--no-numpy] [--python python3]",
            "                     [--script bench/numpy_spectrum.py] [--workdir DIR] [--out FILE.md] [--seed 1]",
            "       SpectrumBench --crossover | --threads | --help",
            "Set OPENBLAS_NUM_THREADS before the JVM starts (OpenBLAS reads it once); to compare with a",
            "current numpy on a machine that sets OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE, unset both for this command.");

    /** Parsed command line. */
    static final class Options {
        int[] sizes = FULL_SIZES;
        boolean square = true;
        boolean tall = true;
        double budget = 3.0;
        Stopwatch.Clock clock = Stopwatch.Clock.WALL;
        double ejmlMaxSeconds = 60;
        boolean numpy = true;
        String python = "python3";
        Path script = Path.of("bench", "numpy_spectrum.py");
        Path workDir;
        Path out;
        long seed = 1;
        boolean quick;
        boolean crossover;
        boolean threads;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> o.quick = true;
                    case "--crossover" -> o.crossover = true;
                    case "--threads" -> o.threads = true;
                    case "--no-numpy" -> o.numpy = false;
                    case "--help", "-h" -> o.help = true;
                    case "--sizes" -> o.sizes = Arrays.stream(value(args, ++i, a).split(","))
                            .map(String::trim).mapToInt(Integer::parseInt).toArray();
                    case "--shapes" -> {
                        List<String> s = List.of(value(args, ++i, a).split(","));
                        o.square = s.contains("square");
                        o.tall = s.contains("tall");
                        if (!o.square && !o.tall) {
                            throw new IllegalArgumentException("--shapes takes square and/or tall");
                        }
                    }
                    case "--budget" -> o.budget = Double.parseDouble(value(args, ++i, a));
                    case "--clock" -> o.clock = switch (value(args, ++i, a)) {
                        case "wall" -> Stopwatch.Clock.WALL;
                        case "cpu" -> Stopwatch.Clock.CPU;
                        default -> throw new IllegalArgumentException("--clock takes wall or cpu");
                    };
                    case "--ejml-max-seconds" -> o.ejmlMaxSeconds = Double.parseDouble(value(args, ++i, a));
                    case "--python" -> o.python = value(args, ++i, a);
                    case "--script" -> o.script = Path.of(value(args, ++i, a));
                    case "--workdir" -> o.workDir = Path.of(value(args, ++i, a));
                    case "--out" -> o.out = Path.of(value(args, ++i, a));
                    case "--seed" -> o.seed = Long.parseLong(value(args, ++i, a));
                    default -> throw new IllegalArgumentException("unknown argument " + a);
                }
            }
            if (o.quick) {
                o.sizes = Arrays.stream(o.sizes).filter(n -> n <= QUICK_MAX).toArray();
            }
            for (int n : o.sizes) {
                if (n < 4) {
                    throw new IllegalArgumentException("sizes must be at least 4, got " + n);
                }
            }
            return o;
        }

        private static String value(String[] args, int i, String name) {
            if (i >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args[i];
        }
    }

    /** One matrix of the table and everything measured on it. */
    private static final class Row {
        final int rows;
        final int cols;
        final Path file;
        Stopwatch.Timing ejml;
        String ejmlNote;
        Stopwatch.Timing nativeF64;
        Stopwatch.Timing nativeF32;
        double[] nativeEigenvalues;
        double f32Error;       // max |x̂ − x| / ‖X‖ of the float32 path against native float64
        double f32BoundRatio;  // max |x̂ − x| / float32WorkingBound (k·u·‖X‖)
        double ejmlDiff = Double.NaN;
        NumpyReference.Result numpy;

        Row(int rows, int cols, Path file) {
            this.rows = rows;
            this.cols = cols;
            this.file = file;
        }

        int gram() {
            return Math.min(rows, cols);
        }
    }

    // ---------------------------------------------------------------- the table

    static int table(Options o, PrintStream out) throws IOException, InterruptedException {
        NativeLapack.Status status = NativeLapack.status();
        if (o.clock == Stopwatch.Clock.CPU && status.loaded() && status.blasThreads() > 1) {
            System.err.println("SpectrumBench: --clock cpu measures only the calling thread; with "
                    + status.threads() + " OpenBLAS uses " + status.blasThreads()
                    + " threads per call: set OPENBLAS_NUM_THREADS=1 or use --clock wall");
            return 2;
        }
        String loadStart = loadAverage();
        Path work = o.workDir != null ? Files.createDirectories(o.workDir)
                : Files.createTempDirectory("dyson-spectrum-bench");
        List<Row> rows = new ArrayList<>();
        double[] lastEjml = new double[2]; // seconds per flop-model unit, per shape kind
        String numpyDescription = null;
        String numpyProblem = o.numpy ? null : "not run (--no-numpy)";
        try {
            for (int n : o.sizes) {
                for (int kind = 0; kind < 2; kind++) {
                    if ((kind == 0 && !o.square) || (kind == 1 && !o.tall)) {
                        continue;
                    }
                    int r = n;
                    int c = kind == 0 ? n : Math.max(1, n / 4);
                    Row row = measureJava(r, c, o, work, status, lastEjml, kind);
                    rows.add(row);
                    if (numpyProblem == null) {
                        // numpy right after Java on the same matrix, so that both see the same machine load
                        System.err.printf(Locale.ROOT, "%d×%d: numpy%n", r, c);
                        try {
                            NumpyReference.Report report = NumpyReference.run(o.python, o.script,
                                    List.of(new NumpyReference.Job(row.file, rule(o), false)), work);
                            numpyDescription = report.description();
                            row.numpy = report.results().get(row.file);
                        } catch (IOException e) {
                            numpyProblem = "numpy not measured: " + e.getMessage();
                            System.err.println(numpyProblem);
                        }
                    }
                    Files.deleteIfExists(row.file);
                }
            }
            String numpyLine = numpyDescription == null ? numpyProblem
                    : numpyProblem == null ? numpyDescription : numpyDescription + "; " + numpyProblem;
            String markdown = markdown(rows, status, numpyLine, o, loadStart, loadAverage());
            out.print(markdown);
            if (o.out != null) {
                Files.writeString(o.out, markdown, StandardCharsets.UTF_8);
            }
            return 0;
        } finally {
            if (o.workDir == null) {
                deleteTree(work);
            }
        }
    }

    /**
     * Repeats: at least 3 within the per-cell budget, at most 21; a warm-up unless the first call took
     * over 1 s; a single call where it took over 8 s (EJML and numpy's SVD at the largest sizes).
     */
    static Stopwatch.Rule rule(Options o) {
        return new Stopwatch.Rule(3, 21, o.budget, 1.0, 8.0, o.clock);
    }

    private static Row measureJava(int r, int c, Options o, Path work, NativeLapack.Status status,
                                   double[] lastEjml, int kind) throws IOException {
        int n = Math.min(r, c);
        System.err.printf(Locale.ROOT, "%d×%d: generating%n", r, c);
        Random rng = new Random(o.seed * 1_000_003L + 31L * r + c);
        float[] f = new float[r * c];
        double[] d = new double[r * c];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) rng.nextGaussian();
            d[i] = f[i];
        }
        Path file = work.resolve("w-" + r + "x" + c + ".npy");
        Files.write(file, NpyEncoder.encode(WeightMatrix.of(r, c, d, true), true, false, ByteOrder.LITTLE_ENDIAN));
        Row row = new Row(r, c, file);
        Stopwatch.Rule rule = rule(o);

        if (status.loaded()) {
            System.err.printf(Locale.ROOT, "%d×%d: native float64%n", r, c);
            NativeSpectrumSolver f64 = new NativeSpectrumSolver(false);
            double[] x = new double[n];
            row.nativeF64 = Stopwatch.measure(() -> f64.eigenvalues(d, r, c, MatrixLayout.ROW_MAJOR, x), rule);
            row.nativeEigenvalues = x.clone();

            System.err.printf(Locale.ROOT, "%d×%d: native float32%n", r, c);
            NativeSpectrumSolver f32 = new NativeSpectrumSolver(true, 1);
            double[] y = new double[n];
            row.nativeF32 = Stopwatch.measure(() -> f32.eigenvalues(f, r, c, MatrixLayout.ROW_MAJOR, y), rule);
            double norm = Math.max(x[n - 1], Double.MIN_NORMAL);
            double worst = 0;
            for (int i = 0; i < n; i++) {
                worst = Math.max(worst, Math.abs(y[i] - x[i]));
            }
            row.f32Error = worst / norm;
            row.f32BoundRatio = worst / NativeSpectrumSolver.float32WorkingBound(r, c, norm);
        }

        double units = (double) r * c * n + (double) n * n * n; // Gram + tridiagonalisation, up to constants
        // EJML's time grows faster than its flops once the matrices leave the caches: 1.5× margin
        double predicted = 1.5 * lastEjml[kind] * units;
        if (predicted > o.ejmlMaxSeconds) {
            row.ejmlNote = String.format(Locale.ROOT, "skipped (≈ %.0f s predicted)", predicted);
            System.err.printf(Locale.ROOT, "%d×%d: EJML %s%n", r, c, row.ejmlNote);
        } else {
            System.err.printf(Locale.ROOT, "%d×%d: EJML%n", r, c);
            EjmlSpectrumSolver ejml = new EjmlSpectrumSolver();
            double[] z = new double[n];
            row.ejml = Stopwatch.measure(() -> ejml.eigenvalues(d, r, c, MatrixLayout.ROW_MAJOR, z), rule);
            lastEjml[kind] = row.ejml.medianSeconds() / units;
            if (row.nativeEigenvalues != null) {
                row.ejmlDiff = maxRelativeDifference(z, row.nativeEigenvalues);
            }
        }
        return row;
    }

    static double maxRelativeDifference(double[] a, double[] b) {
        double norm = Double.MIN_NORMAL;
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            norm = Math.max(norm, Math.abs(b[i]));
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst / norm;
    }

    private static String markdown(List<Row> rows, NativeLapack.Status status, String numpyDescription,
                                   Options o, String loadStart, String loadEnd) {
        StringBuilder s = new StringBuilder();
        s.append("Machine: ").append(machine()).append('\n');
        s.append("Native: ").append(status.describe()).append('\n');
        s.append("numpy: ").append(numpyDescription).append('\n');
        s.append("Java: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append("; load average at start ").append(loadStart)
                .append(", at end ").append(loadEnd).append("\n\n");
        s.append(o.clock == Stopwatch.Clock.CPU ? "CPU time of the calling thread" : "Wall time")
                .append(" per spectrum in ms (median of k after a warm-up; k = 1 where one call took over 8 s); ÷np = time / numpy `eigvalsh(W.T @ W)` "
                + "float64 in the same run. native f32 is forced at every size here (auto uses it from n = "
                + NativeSpectrumSolver.DEFAULT_SINGLE_PRECISION_MIN_SIZE + "); f32 error = max|x̂−x|/‖X‖ against "
                + "native f64, in brackets the fraction of the working bound k·u·‖X‖ it uses "
                + "(k = long side, u = 2⁻²⁴); f64 vs np, vs EJML = max|Δx|/‖X‖ of native f64 against those.\n\n");
        s.append("| W | Gram n | EJML | native f64 | native f32 | np eigvalsh f64 | np eigvalsh f32 | np svd f64 "
                + "| EJML ÷np | native f64 ÷np | native f32 ÷np | np f32 ÷np | svd ÷np | f32 error (of bound) "
                + "| f64 vs np, vs EJML |\n");
        s.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Row r : rows) {
            double ref = r.numpy != null && r.numpy.eigvalshF64() != null ? r.numpy.eigvalshF64().medianSeconds() : Double.NaN;
            String npDiff = "—";
            if (r.numpy != null && r.nativeEigenvalues != null && r.numpy.eigenvalues().length == r.gram()) {
                npDiff = sci(maxRelativeDifference(r.numpy.eigenvalues(), r.nativeEigenvalues));
            }
            s.append("| ").append(r.rows).append('×').append(r.cols)
                    .append(" | ").append(r.gram())
                    .append(" | ").append(r.ejml != null ? ms(r.ejml) : r.ejmlNote)
                    .append(" | ").append(ms(r.nativeF64))
                    .append(" | ").append(ms(r.nativeF32))
                    .append(" | ").append(ms(r.numpy == null ? null : r.numpy.eigvalshF64()))
                    .append(" | ").append(ms(r.numpy == null ? null : r.numpy.eigvalshF32()))
                    .append(" | ").append(ms(r.numpy == null ? null : r.numpy.svdF64()))
                    .append(" | ").append(ratio(r.ejml, ref))
                    .append(" | ").append(ratio(r.nativeF64, ref))
                    .append(" | ").append(ratio(r.nativeF32, ref))
                    .append(" | ").append(ratio(r.numpy == null ? null : r.numpy.eigvalshF32(), ref))
                    .append(" | ").append(ratio(r.numpy == null ? null : r.numpy.svdF64(), ref))
                    .append(" | ").append(r.nativeF32 == null ? "—"
                            : sci(r.f32Error) + " (" + String.format(Locale.ROOT, "%.2f", r.f32BoundRatio) + ")")
                    .append(" | ").append(npDiff).append(", ").append(Double.isNaN(r.ejmlDiff) ? "—" : sci(r.ejmlDiff))
                    .append(" |\n");
        }
        s.append('\n').append("Sizes ").append(Arrays.toString(o.sizes)).append(", shapes n×n and n×(n/4), seed ")
                .append(o.seed).append(", budget ").append(o.budget).append(" s per cell; EJML skipped above ")
                .append(o.ejmlMaxSeconds).append(" s predicted per spectrum.\n");
        return s.toString();
    }

    private static String ms(Stopwatch.Timing t) {
        if (t == null) {
            return "—";
        }
        double m = t.millis();
        String v = m >= 100 ? String.format(Locale.ROOT, "%.0f", m)
                : m >= 10 ? String.format(Locale.ROOT, "%.1f", m)
                : m >= 1 ? String.format(Locale.ROOT, "%.2f", m) : String.format(Locale.ROOT, "%.3f", m);
        return v + " (k=" + t.repeats() + ")";
    }

    private static String ratio(Stopwatch.Timing t, double ref) {
        if (t == null || Double.isNaN(ref)) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.2f", t.medianSeconds() / ref);
    }

    private static String sci(double v) {
        return String.format(Locale.ROOT, "%.1e", v);
    }

    // ---------------------------------------------------------------- crossover

    /** EJML against native float64 for small n, square and 4:1 (4n×n); prints a Markdown table. */
    static int crossover(PrintStream out) {
        NativeLapack.Status status = NativeLapack.status();
        if (!status.loaded()) {
            out.println("no crossover to measure: " + status.library());
            return 1;
        }
        int[] sizes = {4, 8, 12, 16, 20, 24, 32, 48, 64, 96, 128, 192, 256};
        Stopwatch.Rule rule = new Stopwatch.Rule(31, 100_001, 0.4, 0.0);
        StringBuilder s = new StringBuilder();
        s.append("Machine: ").append(machine()).append("\nNative: ").append(status.describe())
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

    // ---------------------------------------------------------------- threads

    /**
     * Under this process's OpenBLAS thread setting: one 2048×2048 spectrum, and rounds of 8 concurrent
     * 256×256 spectra on 8 Java threads (as 8 spectrum actors would on Akka's default dispatcher), with
     * native solves serialised and not.
     */
    static int threads(PrintStream out) throws InterruptedException {
        NativeLapack.Status status = NativeLapack.status();
        if (!status.loaded()) {
            out.println("no thread measurement: " + status.library());
            return 1;
        }
        StringBuilder s = new StringBuilder();
        s.append("Machine: ").append(machine()).append("\nNative: ").append(status.describe())
                .append(", load average ").append(loadAverage()).append("\n\n");
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

    // ---------------------------------------------------------------- environment

    /** The CPU model (as lscpu's "Model name"), family/model numbers and cores. */
    static String machine() {
        String model = "?";
        String family = "?";
        String number = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (key.equals("model name") && model.equals("?")) {
                    model = value;
                } else if (key.equals("cpu family") && family.equals("?")) {
                    family = value;
                } else if (key.equals("model") && number.equals("?")) {
                    number = value;
                }
            }
        } catch (IOException | RuntimeException e) {
            model = System.getProperty("os.arch");
        }
        return model + " (family " + family + ", model " + number + "), "
                + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name");
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

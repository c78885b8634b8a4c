package org.dysonmonitor.bench;

import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.linalg.EjmlSpectrumSolver;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.NativeLapack;
import org.dysonmonitor.linalg.NativeSpectrumSolver;

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
import java.util.stream.Stream;

/**
 * Time per spectrum of each backend side by side with numpy, on the same matrices, in one run.
 *
 * {@code bench spectrum} (its options in {@code BenchCommand}); {@link BlasBench} measures the
 * auto crossover and the OpenBLAS thread setting.
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
 * <p>Prints a Markdown table (and progress on a second stream); ratios are to numpy's float64
 * {@code eigvalsh(W.T @ W)} measured in the same run.
 */
public final class SpectrumBench {

    public static final int[] FULL_SIZES = {64, 256, 512, 1024, 2048, 4096};
    static final int QUICK_MAX = 1024;

    private SpectrumBench() {
    }

    /**
     * What to measure.
     *
     * @param sizes          long sides n
     * @param square         whether to measure n×n
     * @param tall           whether to measure n×(n/4)
     * @param budget         seconds of repeats per cell
     * @param cpuClock       CPU time of the calling thread instead of wall time
     * @param ejmlMaxSeconds EJML is skipped where its predicted time per spectrum exceeds this
     * @param numpy          whether to run numpy alongside
     * @param python         the Python interpreter
     * @param script         bench/numpy_spectrum.py
     * @param workDir        where the matrices are written (null: a temporary directory, deleted after)
     * @param out            a file to write the table into as well (null: none)
     * @param seed           seed of the matrices
     */
    public record Options(int[] sizes, boolean square, boolean tall, double budget, boolean cpuClock,
                          double ejmlMaxSeconds, boolean numpy, String python, Path script, Path workDir, Path out,
                          long seed) {
        public Options {
            sizes = sizes.clone();
            for (int n : sizes) {
                if (n < 4) {
                    throw new IllegalArgumentException("sizes must be at least 4, got " + n);
                }
            }
            if (!square && !tall) {
                throw new IllegalArgumentException("--shapes takes square and/or tall");
            }
        }

        @Override
        public int[] sizes() {
            return sizes.clone();
        }

        Stopwatch.Clock clock() {
            return cpuClock ? Stopwatch.Clock.CPU : Stopwatch.Clock.WALL;
        }

        /** The same, without the sizes above {@link #QUICK_MAX}. */
        public Options quick() {
            return new Options(Arrays.stream(sizes).filter(n -> n <= QUICK_MAX).toArray(), square, tall, budget, cpuClock,
                    ejmlMaxSeconds, numpy, python, script, workDir, out, seed);
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
        /** The same solves with ?syevd at every size, and with ?syevd_2stage wherever it may be taken. */
        Stopwatch.Timing oneStageF64;
        Stopwatch.Timing oneStageF32;
        Stopwatch.Timing twoStageF64;
        Stopwatch.Timing twoStageF32;
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

    /**
     * Measures the table and prints it as Markdown to {@code out} (and to {@link Options#out()});
     * progress goes to {@code progress}. Returns 0, or 2 when the options cannot measure what they ask.
     */
    public static int run(Options o, PrintStream out, PrintStream progress) throws IOException, InterruptedException {
        NativeLapack.Status status = NativeLapack.status();
        if (o.clock() == Stopwatch.Clock.CPU && status.loaded() && status.blasThreads() > 1) {
            progress.println("SpectrumBench: --clock cpu measures only the calling thread; with "
                    + status.threads() + " OpenBLAS uses " + status.blasThreads()
                    + " threads per call: set OPENBLAS_NUM_THREADS=1 or use --clock wall");
            return 2;
        }
        String loadStart = Machine.loadAverages();
        Path work = o.workDir() != null ? Files.createDirectories(o.workDir())
                : Files.createTempDirectory("dyson-spectrum-bench");
        List<Row> rows = new ArrayList<>();
        double[] lastEjml = new double[2]; // seconds per flop-model unit, per shape kind
        String numpyDescription = null;
        String numpyProblem = o.numpy() ? null : "not run (--no-numpy)";
        try {
            for (int n : o.sizes()) {
                for (int kind = 0; kind < 2; kind++) {
                    if ((kind == 0 && !o.square()) || (kind == 1 && !o.tall())) {
                        continue;
                    }
                    int r = n;
                    int c = kind == 0 ? n : Math.max(1, n / 4);
                    Row row = measureJava(r, c, o, work, status, lastEjml, kind, progress);
                    rows.add(row);
                    if (numpyProblem == null) {
                        // numpy right after Java on the same matrix, so that both see the same machine load
                        progress.printf(Locale.ROOT, "%d×%d: numpy%n", r, c);
                        try {
                            NumpyReference.Report report = NumpyReference.run(o.python(), o.script(),
                                    List.of(new NumpyReference.Job(row.file, rule(o), false)), work);
                            numpyDescription = report.description();
                            row.numpy = report.results().get(row.file);
                        } catch (IOException e) {
                            numpyProblem = "numpy not measured: " + e.getMessage();
                            progress.println(numpyProblem);
                        }
                    }
                    Files.deleteIfExists(row.file);
                }
            }
            String numpyLine = numpyDescription == null ? numpyProblem
                    : numpyProblem == null ? numpyDescription : numpyDescription + "; " + numpyProblem;
            String markdown = markdown(rows, status, numpyLine, o, loadStart, Machine.loadAverages());
            out.print(markdown);
            if (o.out() != null) {
                Files.writeString(o.out(), markdown, StandardCharsets.UTF_8);
            }
            return 0;
        } finally {
            if (o.workDir() == null) {
                deleteTree(work);
            }
        }
    }

    /**
     * Repeats: at least 3 within the per-cell budget, at most 21; a warm-up unless the first call took
     * over 1 s; a single call where it took over 8 s (EJML and numpy's SVD at the largest sizes).
     */
    static Stopwatch.Rule rule(Options o) {
        return new Stopwatch.Rule(3, 21, o.budget(), 1.0, 8.0, o.clock());
    }

    private static Row measureJava(int r, int c, Options o, Path work, NativeLapack.Status status,
                                   double[] lastEjml, int kind, PrintStream progress) throws IOException {
        int n = Math.min(r, c);
        progress.printf(Locale.ROOT, "%d×%d: generating%n", r, c);
        Random rng = new Random(o.seed() * 1_000_003L + 31L * r + c);
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
            progress.printf(Locale.ROOT, "%d×%d: native float64%n", r, c);
            NativeSpectrumSolver f64 = new NativeSpectrumSolver(false);
            double[] x = new double[n];
            row.nativeF64 = Stopwatch.measure(() -> f64.eigenvalues(d, r, c, MatrixLayout.ROW_MAJOR, x), rule);
            row.nativeEigenvalues = x.clone();

            progress.printf(Locale.ROOT, "%d×%d: native float32%n", r, c);
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

            if (f64.twoStagePossible(n)) {
                progress.printf(Locale.ROOT, "%d×%d: native float64, one-stage and two-stage%n", r, c);
                NativeSpectrumSolver one = NativeSpectrumSolver.oneStage(false);
                row.oneStageF64 = Stopwatch.measure(() -> one.eigenvalues(d, r, c, MatrixLayout.ROW_MAJOR, x), rule);
                NativeSpectrumSolver two = NativeSpectrumSolver.twoStageAlways(false, 1);
                row.twoStageF64 = Stopwatch.measure(() -> two.eigenvalues(d, r, c, MatrixLayout.ROW_MAJOR, x), rule);
            }
            if (f32.twoStagePossible(n)) {
                progress.printf(Locale.ROOT, "%d×%d: native float32, one-stage and two-stage%n", r, c);
                NativeSpectrumSolver one = NativeSpectrumSolver.oneStage(true);
                row.oneStageF32 = Stopwatch.measure(() -> one.eigenvalues(f, r, c, MatrixLayout.ROW_MAJOR, y), rule);
                NativeSpectrumSolver two = NativeSpectrumSolver.twoStageAlways(true, 1);
                row.twoStageF32 = Stopwatch.measure(() -> two.eigenvalues(f, r, c, MatrixLayout.ROW_MAJOR, y), rule);
            }
        }

        double units = (double) r * c * n + (double) n * n * n; // Gram + tridiagonalisation, up to constants
        // EJML's time grows faster than its flops once the matrices leave the caches: 1.5× margin
        double predicted = 1.5 * lastEjml[kind] * units;
        if (predicted > o.ejmlMaxSeconds()) {
            row.ejmlNote = String.format(Locale.ROOT, "skipped (≈ %.0f s predicted)", predicted);
            progress.printf(Locale.ROOT, "%d×%d: EJML %s%n", r, c, row.ejmlNote);
        } else {
            progress.printf(Locale.ROOT, "%d×%d: EJML%n", r, c);
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
        s.append("Machine: ").append(Machine.describe()).append('\n');
        s.append("Native: ").append(status.describe()).append('\n');
        s.append("numpy: ").append(numpyDescription).append('\n');
        s.append("Java: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append("; load average at start ").append(loadStart)
                .append(", at end ").append(loadEnd).append("\n\n");
        s.append(o.clock() == Stopwatch.Clock.CPU ? "CPU time of the calling thread" : "Wall time")
                .append(" per spectrum in ms (median of k after a warm-up; k = 1 where one call took over 8 s); ÷np = time / numpy `eigvalsh(W.T @ W)` "
                + "float64 in the same run. native f32 is forced at every size here (auto uses it from n = "
                + NativeSpectrumSolver.DEFAULT_SINGLE_PRECISION_MIN_SIZE + "); f32 error = max|x̂−x|/‖X‖ against "
                + "native f64, in brackets the fraction of the working bound k·u·‖X‖ it uses "
                + "(k = long side, u = 2⁻²⁴); f64 vs np, vs EJML = max|Δx|/‖X‖ of native f64 against those. "
                + "native f64 and f32 are what the monitor runs: from n = 1024, where it is bound, the two-stage "
                + "eigensolver (?syevd_2stage) if the first spectra of that size measured it faster; the 1-stage "
                + "and 2-stage columns time ?syevd and ?syevd_2stage on the same matrices there, and 2-stage gain "
                + "is 2-stage ÷ 1-stage.\n\n");
        s.append("| W | Gram n | EJML | native f64 | native f32 | np eigvalsh f64 | np eigvalsh f32 | np svd f64 "
                + "| EJML ÷np | native f64 ÷np | native f32 ÷np | np f32 ÷np | svd ÷np | f32 error (of bound) "
                + "| f64 vs np, vs EJML | 1-stage f64 | 1-stage f32 | 2-stage f64 | 2-stage f32 | 2-stage gain f64, f32 |\n");
        s.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
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
                    .append(" | ").append(ms(r.oneStageF64))
                    .append(" | ").append(ms(r.oneStageF32))
                    .append(" | ").append(ms(r.twoStageF64))
                    .append(" | ").append(ms(r.twoStageF32))
                    .append(" | ").append(gain(r.twoStageF64, r.oneStageF64)).append(", ").append(gain(r.twoStageF32, r.oneStageF32))
                    .append(" |\n");
        }
        s.append('\n').append("Sizes ").append(Arrays.toString(o.sizes())).append(", shapes n×n and n×(n/4), seed ")
                .append(o.seed()).append(", budget ").append(o.budget()).append(" s per cell; EJML skipped above ")
                .append(o.ejmlMaxSeconds()).append(" s predicted per spectrum.\n");
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

    private static String gain(Stopwatch.Timing twoStage, Stopwatch.Timing oneStage) {
        return twoStage == null || oneStage == null ? "—"
                : String.format(Locale.ROOT, "%.2f", twoStage.medianSeconds() / oneStage.medianSeconds());
    }

    private static String sci(double v) {
        return String.format(Locale.ROOT, "%.1e", v);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

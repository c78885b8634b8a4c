package org.dysonmonitor.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.dysonmonitor.ingest.ModelDecoder;
import org.dysonmonitor.ingest.ModelLimits;
import org.dysonmonitor.ingest.NamedMatrix;
import org.dysonmonitor.ingest.NpyDecoder;
import org.dysonmonitor.ingest.NpyFormatException;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.linalg.SpectrumSolver;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.Spectrum;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code analyze FILE}: the network-health diagnostics of every layer of a checkpoint, as one table in
 * the columns of WeightWatcher's {@code details} DataFrame (plus the randomized baseline's correlation
 * traps and the spectral rigidity Δ₃(10)). Each layer goes through the monitor's own
 * {@link LayerStatistics} once, randomized baseline included, so the numbers are those a live run
 * would report for the same matrix.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Heavy-tail diagnostics (power-law α, α̂, norms, ranks, entropy, randomized baseline, Δ₃) of every "
                + "layer of a .npz, safetensors or .npy file, printed like WeightWatcher's details table.")
final class AnalyzeCommand implements Callable<Integer> {

    /** The columns, in order; WeightWatcher's names where the quantity is the same. */
    static final List<String> COLUMNS = List.of("layer_id", "name", "shape", "N", "M", "alpha", "alpha_weighted",
            "sigma", "xmin", "D", "num_pl_spikes", "log_norm", "log_spectral_norm", "log_alpha_norm", "stable_rank",
            "mp_softrank", "entropy", "rand_distance", "num_traps", "delta3_10", "warning");

    @Parameters(index = "0", paramLabel = "FILE", description = "A model as .npz (numpy.savez) or safetensors, or one layer as .npy.")
    Path file;

    @Option(names = "--csv", description = "Print comma-separated values instead of the aligned table.")
    boolean csv;

    @Option(names = "--solver", defaultValue = "auto", description = "Spectrum backend: auto, native or ejml (default: ${DEFAULT-VALUE}).")
    String solver;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<NamedMatrix> layers;
        try {
            layers = read(file);
        } catch (IOException e) {
            err.println("analyze: cannot read " + file + ": " + e.getMessage());
            return 2;
        } catch (NpyFormatException e) {
            err.println("analyze: " + file + " is not a model this command reads: " + e.getMessage());
            return 2;
        }
        SpectrumSolver spectra;
        try {
            spectra = SolverSelection.select(SolverSelection.Mode.parse(solver), true).get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("analyze: --solver " + solver + ": " + e.getMessage());
            return 2;
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            NamedMatrix layer = layers.get(i);
            progress(err, i, layers.size(), layer.name());
            rows.add(row(i, layer, spectra));
        }
        progress(err, layers.size(), layers.size(), "");
        err.println();
        if (csv) {
            out.println(String.join(",", COLUMNS));
            rows.forEach(r -> out.println(String.join(",", r.stream().map(AnalyzeCommand::csvField).toList())));
        } else {
            printTable(out, rows);
        }
        out.flush();
        return 0;
    }

    /** The layers of a .npy (one, named after the file), .npz or safetensors file. */
    static List<NamedMatrix> read(Path file) throws IOException, NpyFormatException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no such file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) {
                throw new IOException("files above 2 GiB are not supported (" + channel.size() + " bytes)");
            }
            ByteBuffer body = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            if (isNpy(body)) {
                WeightMatrix m = NpyDecoder.decode(body);
                String name = file.getFileName().toString().replaceFirst("\\.npy$", "");
                return List.of(new NamedMatrix(name, m, new long[] {m.rows(), m.cols()}));
            }
            return ModelDecoder.decode(body, ModelLimits.DEFAULT).layers();
        }
    }

    /** Starts with the .npy magic string \x93NUMPY. */
    private static boolean isNpy(ByteBuffer body) {
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
        if (body.limit() < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (body.get(i) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** One layer through a fresh LayerStatistics, randomized baseline included (it is due at the first snapshot). */
    static List<String> row(int id, NamedMatrix layer, SpectrumSolver solver) {
        WeightMatrix w = layer.matrix();
        int rows = w.rows();
        int cols = w.cols();
        List<String> row = new ArrayList<>(List.of(Integer.toString(id), layer.name(), shape(layer.originalShape()),
                Integer.toString(Math.max(rows, cols)), Integer.toString(Math.min(rows, cols))));
        try {
            double[] values = w.toRowMajor();
            double[] x = new double[Math.min(rows, cols)];
            if (w.float32()) {
                float[] floats = new float[values.length];
                w.copyRowMajor(floats);
                solver.eigenvalues(floats, rows, cols, MatrixLayout.ROW_MAJOR, x);
            } else {
                solver.eigenvalues(values, rows, cols, MatrixLayout.ROW_MAJOR, x);
            }
            LayerStatistics statistics = new LayerStatistics("analyze", layer.name(), rows, cols, null,
                    LayerStatistics.Config.defaults());
            LayerReport r = statistics.update(0, new Spectrum(rows, cols, x), Double.NaN, 0, values,
                    (v, m, n, out) -> solver.eigenvalues(v, m, n, MatrixLayout.ROW_MAJOR, out));
            for (double v : new double[] {r.powerlawAlpha(), r.powerlawAlphaWeighted(), r.powerlawAlphaSigma(),
                    r.powerlawXmin(), r.powerlawKsDistance()}) {
                row.add(number(v));
            }
            row.add(Integer.toString(r.powerlawTailSize()));
            for (double v : new double[] {r.logFrobeniusNorm(), r.logSpectralNorm(), r.logAlphaNorm(), r.stableRank(),
                    r.mpSoftrank(), r.matrixEntropy(), r.randomizedDistance()}) {
                row.add(number(v));
            }
            row.add(r.correlationTraps() == null ? "NaN" : Integer.toString(r.correlationTraps()));
            row.add(number(r.spectralRigidity(10)));
            row.add(r.trainingStatus());
        } catch (RuntimeException e) {
            // A layer the statistics cannot describe (e.g. a mostly zero matrix): say so in its row.
            while (row.size() < COLUMNS.size() - 1) {
                row.add("NaN");
            }
            row.add("failed: " + e.getMessage());
        }
        return row;
    }

    private static String shape(long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return s.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** Six significant digits, as pandas shows a float column; NaN as "NaN". */
    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        return String.format(Locale.ROOT, "%.6g", v).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2").replaceFirst("\\.(e|$)", "$1");
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** Right-aligned columns like a pandas DataFrame; the name column left-aligned. */
    static void printTable(PrintWriter out, List<List<String>> rows) {
        int[] width = new int[COLUMNS.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = COLUMNS.get(c).length();
            for (List<String> r : rows) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        out.println(line(COLUMNS, width));
        rows.forEach(r -> out.println(line(r, width)));
    }

    private static String line(List<String> cells, int[] width) {
        StringBuilder s = new StringBuilder();
        for (int c = 0; c < width.length; c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(width[c] - cell.length());
            s.append(c > 0 ? "  " : "").append(c == 1 || c == width.length - 1 ? cell + pad : pad + cell);
        }
        return s.toString().stripTrailing();
    }

    /** A bar over the layers on stderr, redrawn in place. */
    private static void progress(PrintWriter err, int done, int total, String current) {
        int bar = 30;
        int filled = total == 0 ? bar : done * bar / total;
        String name = current.length() > 40 ? current.substring(0, 40) : current;
        err.print("\ranalyze [" + "#".repeat(filled) + " ".repeat(bar - filled) + "] " + done + "/" + total + " "
                + name + " ".repeat(40 - name.length()));
        err.flush();
    }
}

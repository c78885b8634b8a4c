package org.dysonmonitor.cli;

import org.dysonmonitor.rmt.SpacingRatio;
import org.dysonmonitor.rmt.Spacings;
import org.dysonmonitor.store.HistoryPoint;
import org.dysonmonitor.store.StoredLayer;
import org.dysonmonitor.store.StoredRun;
import org.dysonmonitor.sweep.figure.Bars;
import org.dysonmonitor.sweep.figure.EvolutionFigure;
import org.dysonmonitor.sweep.figure.Figure;
import org.dysonmonitor.sweep.figure.SpacingHistogramFigure;
import org.dysonmonitor.sweep.figure.StepSeriesFigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The offline report of a stored run: per layer the eigenvalue evolution, the spacing histogram
 * against Wigner and Poisson, ⟨r̃⟩ over time, the pair widths σ̂² over time where the layer has
 * degenerate pairs, and {@code summary.md} with the statistics of the newest stored report (values
 * printed with {@link Double#toString}, so they read back exactly).
 *
 * <p>The histogram is pooled from the stored eigenvalues of the stationary reports (all reports of the
 * later half when none is stationary): with pairs, each pair's spacing S = x_upper − x_lower rescaled
 * by its own mean, s = S/⟨S⟩ (physics.md §3); without, the unfolded nearest-neighbour spacings of each
 * spectrum ({@link Spacings#unfolded}).
 */
final class StoredRunReport {

    static final double BIN = 0.1;
    static final int BINS = 40;

    private StoredRunReport() {
    }

    /** One layer's history as read from the store. */
    record LayerPoints(StoredLayer layer, List<HistoryPoint> points) {
    }

    /** Writes the figures and summary.md into {@code out}; returns the files written. */
    static List<Path> write(StoredRun run, List<LayerPoints> layers, Path out) throws IOException {
        Files.createDirectories(out);
        List<Path> written = new ArrayList<>();
        StringBuilder md = new StringBuilder();
        md.append("# Run ").append(run.run()).append("\n\n")
                .append("| | |\n|---|---|\n")
                .append("| status | ").append(run.status()).append(" |\n")
                .append("| learning rate α | ").append(run.learningRate()).append(" |\n")
                .append("| batch size \\|B\\| | ").append(run.batchSize()).append(" |\n")
                .append("| policy | ").append(run.policy()).append(" |\n\n");
        for (LayerPoints h : layers) {
            String layer = h.layer().layer();
            String file = fileName(layer);
            md.append("## Layer ").append(layer).append(" (").append(h.layer().rows()).append("×")
                    .append(h.layer().cols()).append(")\n\n");
            if (h.points().isEmpty()) {
                md.append("No stored reports.\n\n");
                continue;
            }
            List<HistoryPoint> points = h.points();
            long[] steps = points.stream().mapToLong(HistoryPoint::step).toArray();
            double[] target = run.targets().get(layer);
            Map<String, Figure> figures = new LinkedHashMap<>();
            figures.put(file + "-eigenvalues.png", evolution(h, steps, target));
            figures.put(file + "-spacings.png", histogram(h));
            figures.put(file + "-ratio.png", ratio(layer, points, steps));
            List<String> pairs = pairLabels(points.get(points.size() - 1));
            if (!pairs.isEmpty()) {
                figures.put(file + "-pair-widths.png", pairWidths(layer, points, steps, pairs));
            }
            for (Map.Entry<String, Figure> f : figures.entrySet()) {
                Path png = out.resolve(f.getKey());
                f.getValue().writePng(png);
                written.add(png);
                md.append("![").append(f.getKey()).append("](").append(f.getKey()).append(")\n");
            }
            md.append('\n');
            appendStatistics(md, points, h.layer());
        }
        Path summary = out.resolve("summary.md");
        Files.writeString(summary, md, StandardCharsets.UTF_8);
        written.add(summary);
        return written;
    }

    private static Figure evolution(LayerPoints h, long[] steps, double[] target) {
        List<HistoryPoint> points = h.points();
        int modes = points.get(points.size() - 1).eigenvalues().length;
        List<long[]> kept = new ArrayList<>();
        List<double[]> spectra = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            // The step axis is logarithmic: step 0 cannot be drawn.
            if (steps[i] > 0 && points.get(i).eigenvalues().length == modes) {
                kept.add(new long[] {steps[i]});
                spectra.add(points.get(i).eigenvalues());
            }
        }
        String subtitle = h.layer().layer() + " (" + h.layer().rows() + "×" + h.layer().cols() + "), "
                + points.size() + " stored reports, steps " + steps[0] + "–" + steps[steps.length - 1];
        if (target != null && target.length == modes && !kept.isEmpty()) {
            double upper = number(points.get(0), "mp_upper_edge");
            double q = (double) Math.min(h.layer().rows(), h.layer().cols()) / Math.max(h.layer().rows(), h.layer().cols());
            // x± = σ²(1 ± √q)²: the lower edge is the upper one times ((1 − √q)/(1 + √q))².
            double ratio = Math.pow((1 - Math.sqrt(q)) / (1 + Math.sqrt(q)), 2);
            double[] edges = Double.isFinite(upper) ? new double[] {upper * ratio, upper} : new double[] {0, 0};
            return new EvolutionFigure(kept.stream().mapToLong(s -> s[0]).toArray(), spectra.toArray(double[][]::new),
                    target, edges, "Marchenko-Pastur bulk fitted to the first stored report", "target x_i", subtitle);
        }
        List<StepSeriesFigure.Line> lines = new ArrayList<>();
        int shown = Math.min(modes, 12);
        for (int k = 0; k < shown; k++) {
            int index = shown == 1 ? 0 : (int) Math.round((double) k * (modes - 1) / (shown - 1));
            double[] v = new double[points.size()];
            for (int i = 0; i < v.length; i++) {
                double[] e = points.get(i).eigenvalues();
                v[i] = e.length == modes ? e[index] : Double.NaN;
            }
            int mode = points.get(points.size() - 1).modes()[index];
            lines.add(new StepSeriesFigure.Line("x_" + mode, v));
        }
        return new StepSeriesFigure("Eigenvalues of WᵀW during training", subtitle + (shown < modes
                ? ", " + shown + " evenly spaced modes of " + modes : ""), "eigenvalue x of WᵀW", steps, lines, List.of());
    }

    private static Figure histogram(LayerPoints h) {
        List<HistoryPoint> pooled = new ArrayList<>();
        for (HistoryPoint p : h.points()) {
            if (Boolean.TRUE.equals(p.statistics().get("stationary"))) {
                pooled.add(p);
            }
        }
        String which = "the " + pooled.size() + " stationary reports";
        if (pooled.isEmpty()) {
            pooled = h.points().subList(h.points().size() / 2, h.points().size());
            which = "the later half (" + pooled.size() + " reports, none stationary)";
        }
        List<String> pairs = pairLabels(h.points().get(h.points().size() - 1));
        List<Double> s = new ArrayList<>();
        String kind;
        if (!pairs.isEmpty()) {
            kind = "pair spacings s = S/⟨S⟩ of " + pairs.size() + " degenerate pairs";
            for (String label : pairs) {
                // A pair is labelled by its two mode indices, "lower-upper" (PairReport.pair).
                int dash = label.indexOf('-');
                int lower = Integer.parseInt(label.substring(0, dash));
                int upper = Integer.parseInt(label.substring(dash + 1));
                List<Double> gaps = new ArrayList<>();
                for (HistoryPoint p : pooled) {
                    if (p.eigenvalues().length > upper && p.modes()[upper] == upper) {
                        gaps.add(p.eigenvalues()[upper] - p.eigenvalues()[lower]);
                    }
                }
                double mean = gaps.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
                gaps.forEach(g -> s.add(g / mean));
            }
        } else {
            kind = "unfolded nearest-neighbour spacings";
            for (HistoryPoint p : pooled) {
                double[] levels = Spacings.nonZero(p.eigenvalues(), Spacings.ZERO_TOLERANCE);
                if (levels.length >= 4) {
                    for (double v : Spacings.unfolded(levels)) {
                        s.add(v);
                    }
                }
            }
        }
        double[] density = new double[BINS];
        for (double v : s) {
            int bin = (int) Math.floor(v / BIN);
            if (bin >= 0 && bin < BINS) {
                density[bin] += 1.0 / (s.size() * BIN);
            }
        }
        return new SpacingHistogramFigure("Spacings of " + h.layer().layer() + " against Wigner and Poisson",
                kind + ", pooled over " + which + "; " + s.size() + " spacings", "stored spectra",
                new Bars(0, BIN, density));
    }

    private static Figure ratio(String layer, List<HistoryPoint> points, long[] steps) {
        double[] r = points.stream().mapToDouble(p -> number(p, "spacing_ratio_mean")).toArray();
        return new StepSeriesFigure("Spacing ratio ⟨r̃⟩ of " + layer, "per stored report; repulsion: GOE "
                + SpacingRatio.GOE_MEAN + ", none: Poisson " + String.format("%.4f", SpacingRatio.POISSON_MEAN),
                "⟨r̃⟩", steps, List.of(new StepSeriesFigure.Line("⟨r̃⟩ of the report", r)),
                List.of(new StepSeriesFigure.Level("GOE " + SpacingRatio.GOE_MEAN, SpacingRatio.GOE_MEAN),
                        new StepSeriesFigure.Level("Poisson", SpacingRatio.POISSON_MEAN)));
    }

    private static Figure pairWidths(String layer, List<HistoryPoint> points, long[] steps, List<String> labels) {
        List<StepSeriesFigure.Line> lines = new ArrayList<>();
        for (String label : labels) {
            double[] v = new double[points.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = Double.NaN;
                for (Map<String, Object> pair : pairs(points.get(i))) {
                    if (label.equals(pair.get("pair"))) {
                        v[i] = number(pair, "sigma_squared");
                    }
                }
            }
            lines.add(new StepSeriesFigure.Line("pair " + label, v));
        }
        return new StepSeriesFigure("Pair widths σ̂² = ⟨S²⟩/4 of " + layer,
                "pooled over each pair's stationary snapshots, as reported at each step", "σ̂²", steps, lines, List.of());
    }

    private static void appendStatistics(StringBuilder md, List<HistoryPoint> points, StoredLayer layer) {
        HistoryPoint last = points.get(points.size() - 1);
        md.append("Stored reports: ").append(points.size()).append(", steps ").append(points.get(0).step())
                .append("–").append(last.step()).append("; snapshots received ").append(layer.received())
                .append(", processed ").append(layer.processed()).append(", dropped ").append(layer.dropped())
                .append(", rejected ").append(layer.rejected()).append(".\n\n");
        md.append("Statistics of the newest stored report (step ").append(last.step()).append("):\n\n")
                .append("| statistic | value |\n|---|---|\n");
        for (Map.Entry<String, Object> e : last.statistics().entrySet()) {
            if (!e.getKey().equals("pairs")) {
                md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n");
            }
        }
        List<Map<String, Object>> pairs = pairs(last);
        if (!pairs.isEmpty()) {
            List<String> columns = new ArrayList<>(pairs.get(0).keySet());
            md.append("\nDegenerate pairs:\n\n| ").append(String.join(" | ", columns)).append(" |\n|")
                    .append("---|".repeat(columns.size())).append('\n');
            for (Map<String, Object> pair : pairs) {
                md.append("|");
                for (String c : columns) {
                    md.append(' ').append(pair.get(c)).append(" |");
                }
                md.append('\n');
            }
        }
        md.append('\n');
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> pairs(HistoryPoint p) {
        Object pairs = p.statistics().get("pairs");
        return pairs instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    private static List<String> pairLabels(HistoryPoint p) {
        return pairs(p).stream().map(m -> String.valueOf(m.get("pair"))).toList();
    }

    private static double number(HistoryPoint p, String name) {
        return number(p.statistics(), name);
    }

    private static double number(Map<String, Object> values, String name) {
        return values.get(name) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** A layer's name as part of a file name: characters other than letters, digits, '.', '-' and '_' become '_'. */
    static String fileName(String layer) {
        return layer.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}

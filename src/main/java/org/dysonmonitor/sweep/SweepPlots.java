package org.dysonmonitor.sweep;

import org.dysonmonitor.sweep.SweepSummary.PairDensity;
import org.dysonmonitor.sweep.SweepSummary.Point;
import org.dysonmonitor.sweep.figure.Bars;
import org.dysonmonitor.sweep.figure.CoefficientFigure;
import org.dysonmonitor.sweep.figure.ErrorPoints;
import org.dysonmonitor.sweep.figure.EvolutionFigure;
import org.dysonmonitor.sweep.figure.Figure;
import org.dysonmonitor.sweep.figure.Marker;
import org.dysonmonitor.sweep.figure.MeanSpacingFigure;
import org.dysonmonitor.sweep.figure.PairDensityFigure;
import org.dysonmonitor.sweep.figure.PairWidthFigure;
import org.dysonmonitor.sweep.figure.SpacingHistogramFigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import static org.dysonmonitor.sweep.Format.fixed;
import static org.dysonmonitor.sweep.Format.pm;

/** The sweep report's plots: each {@link Figure} filled from a {@link SweepSummary} and written as PNG. */
public final class SweepPlots {

    public static final String SPACING_COLLAPSE = "spacing_collapse.png";
    public static final String MEAN_SPACING = "mean_spacing_scaling.png";
    public static final String SIGMA2_SCALING = "sigma2_scaling.png";
    public static final String SIGMA2_COEFFICIENT = "sigma2_coefficient.png";
    public static final String DENSITY = "eigenvalue_density.png";
    public static final String EVOLUTION = "evolution.png";

    private SweepPlots() {
    }

    /** Writes every plot into {@code dir}; needs java.awt.headless=true on a machine without a display. */
    public static void write(Path dir, SweepSummary s) {
        // Encode in memory: ImageIO's default file cache registers a JVM shutdown hook on first use, which
        // throws "Shutdown in progress" when the report is written after Ctrl-C.
        javax.imageio.ImageIO.setUseCache(false);
        Map<String, Figure> figures = new LinkedHashMap<>();
        figures.put(SPACING_COLLAPSE, spacingCollapse(s));
        figures.put(MEAN_SPACING, meanSpacing(s));
        figures.put(SIGMA2_SCALING, new PairWidthFigure(points(s, p -> p.sigmaSquared(), p -> p.setting().alphaOverBatch()),
                s.widthFits().stream().map(f -> new PairWidthFigure.Line(pairs(s).indexOf(f.pair()), f.linear().slope(),
                        f.linear().intercept())).toList(), SweepSummary.LINEAR_LIMIT));
        figures.put(SIGMA2_COEFFICIENT, new CoefficientFigure("σ̂² / ((α/|B|)·" + s.model().widthSymbol() + ")",
                points(s, Point::coefficient, p -> p.setting().alphaOverBatch()), s.model().expectedCoefficient(),
                SweepSummary.LINEAR_LIMIT));
        figures.put(DENSITY, densities(s));
        if (s.data().evolution() != null) {
            figures.put(EVOLUTION, evolution(s));
        }
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, Figure> f : figures.entrySet()) {
                f.getValue().writePng(dir.resolve(f.getKey()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plots into " + dir + ": " + e.getMessage(), e);
        }
    }

    static Figure spacingCollapse(SweepSummary s) {
        Histogram h = s.spacings();
        KsResult ks = s.ksAll();
        return new SpacingHistogramFigure("Data collapse of the pair spacings onto the Wigner surmise",
                String.format(Locale.ROOT, "%s, %d settings (α, |B|), every degenerate pair, ⟨S⟩ per setting and pair.   "
                                + "KS distance to Wigner %s, to Poisson %s; critical value %s at significance 0.001, N_eff = %s",
                        s.model().displayName(), s.data().plan().settings().size(), fixed(ks.dWigner(), 4),
                        fixed(ks.dPoisson(), 3), fixed(ks.critical001(), 4), Progress.count(Math.round(ks.nEff()))),
                String.format(Locale.ROOT, "all pairs and settings pooled (%s spacings)", Progress.count(h.total())),
                bars(h));
    }

    static Figure meanSpacing(SweepSummary s) {
        TrainerKind model = s.model();
        double a = s.spacingFit().slope();
        ErrorPoints points = points(s, Point::scaledSpacing, Point::predictor);
        double linearEnd = s.points().stream().filter(p -> p.setting().alphaOverBatch() <= s.spacingFit().maxAlphaOverBatch())
                .mapToDouble(Point::predictor).max().orElse(points.points().stream()
                        .mapToDouble(ErrorPoints.Point::x).reduce(0, Math::max));
        double[] ex = s.spacingFit().expected();
        return new MeanSpacingFigure(model.predictorSymbol(), model.spacingSymbol(), points, a, linearEnd,
                String.format(Locale.ROOT, "fit through 0, α/|B| ≤ 0.1/16: a = %s", pm(a, s.spacingFit().error())),
                String.format(Locale.ROOT,
                        "%s = a·%s; fit over %d points, χ²/dof = %s; all %d points: a = %s. physics.md §7 expects a ≈ %.2f–%.2f",
                        model.spacingSymbol(), model.predictorSymbol(), s.spacingFit().points(),
                        fixed(s.spacingFit().chiSquaredPerDof(), 1), s.spacingFitAll().points(),
                        pm(s.spacingFitAll().slope(), s.spacingFitAll().error()), ex[0], ex[1]));
    }

    static Figure densities(SweepSummary s) {
        List<PairDensityFigure.Panel> panels = new ArrayList<>();
        for (PairDensity pd : s.densities()) {
            panels.add(new PairDensityFigure.Panel("Pair " + pd.pair() + " (" + pd.parameter() + ")",
                    String.format(Locale.ROOT, "both eigenvalues, all settings: U₄ = %s",
                            pm(pd.binder().value(), pd.binder().error())), bars(pd.density())));
        }
        return new PairDensityFigure(panels, s.model() == TrainerKind.RBM ? 2 : 1);
    }

    static Figure evolution(SweepSummary s) {
        Evolution e = s.data().evolution();
        double[] mp = s.model().marchenkoPasturEdges();
        RunPlan rp = e.plan();
        return new EvolutionFigure(e.steps(), e.eigenvalues(), e.target(), mp,
                String.format(Locale.ROOT, "  start: Marchenko-Pastur, x ∈ [%s, %s]", Format.sig(mp[0], 2),
                        Format.sig(mp[1], 2)),
                s.model() == TrainerKind.RBM ? "targets x = (μ² − κ)/σ_h²" : "target x = ξ_t² = 4",
                String.format(Locale.ROOT, "%s, %s, seed %d, a spectrum every %d updates",
                        s.model().displayName(), rp.setting().label(), rp.seed(), rp.snapshotEvery()));
    }

    private static Bars bars(Histogram h) {
        return new Bars(h.lo(), h.width(), h.density());
    }

    /** Every (setting, pair) point as y ± error at x, coloured by pair and shaped by scan. */
    private static ErrorPoints points(SweepSummary s, Function<Point, SweepSummary.Estimate> y,
                                      java.util.function.ToDoubleFunction<Point> x) {
        List<String> pairs = pairs(s);
        List<ErrorPoints.Point> points = new ArrayList<>();
        for (Point p : s.points()) {
            SweepSummary.Estimate v = y.apply(p);
            points.add(new ErrorPoints.Point(p.pair() + " " + p.setting().key(), pairs.indexOf(p.pair()),
                    markerOf(p.setting()), x.applyAsDouble(p), v.value(), v.error()));
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        s.points().forEach(p -> parameters.putIfAbsent(p.pair(), p.parameter()));
        List<String> labels = pairs.stream().map(pair -> "pair " + pair + " (" + parameters.get(pair) + ")").toList();
        return new ErrorPoints(points, labels, markerLegend(s));
    }

    /** The pairs in the order of their first point. */
    private static List<String> pairs(SweepSummary s) {
        List<String> out = new ArrayList<>();
        s.points().forEach(p -> {
            if (!out.contains(p.pair())) {
                out.add(p.pair());
            }
        });
        return out;
    }

    /** ● for the |B| = 16 α scan, ▲ for the α = 0.1 |B| scan, ■ for any other setting. */
    private static Marker markerOf(Setting s) {
        if (s.batchSize() == TrainerKind.REFERENCE_BATCH) {
            return Marker.CIRCLE;
        }
        return s.learningRate() == TrainerKind.REFERENCE_LEARNING_RATE ? Marker.TRIANGLE : Marker.SQUARE;
    }

    private static List<ErrorPoints.MarkerLabel> markerLegend(SweepSummary s) {
        List<ErrorPoints.MarkerLabel> legend = new ArrayList<>();
        List<Marker> used = s.points().stream().map(p -> markerOf(p.setting())).distinct().toList();
        if (used.contains(Marker.CIRCLE)) {
            legend.add(new ErrorPoints.MarkerLabel("|B| = 16, α varied", Marker.CIRCLE));
        }
        if (used.contains(Marker.TRIANGLE)) {
            legend.add(new ErrorPoints.MarkerLabel("α = 0.1, |B| varied", Marker.TRIANGLE));
        }
        if (used.contains(Marker.SQUARE)) {
            legend.add(new ErrorPoints.MarkerLabel("other (α, |B|)", Marker.SQUARE));
        }
        return legend;
    }
}

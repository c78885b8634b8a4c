package org.dysonmonitor.sweep;

import org.dysonmonitor.rmt.PoissonSpacing;
import org.dysonmonitor.rmt.TwoLevelDensity;
import org.dysonmonitor.rmt.WignerSurmise;
import org.dysonmonitor.sweep.SweepSummary.PairDensity;
import org.dysonmonitor.sweep.SweepSummary.Point;
import org.dysonmonitor.sweep.SweepSummary.WidthFit;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.block.ColumnArrangement;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.dysonmonitor.sweep.Format.fixed;
import static org.dysonmonitor.sweep.Format.pm;

/**
 * The report's plots, drawn headless with JFreeChart into PNG files. Colours are the Okabe-Ito
 * palette (distinguishable with colour-blindness); data are shapes or bars, theory curves lines.
 */
public final class SweepPlots {

    public static final String SPACING_COLLAPSE = "spacing_collapse.png";
    public static final String MEAN_SPACING = "mean_spacing_scaling.png";
    public static final String SIGMA2_SCALING = "sigma2_scaling.png";
    public static final String SIGMA2_COEFFICIENT = "sigma2_coefficient.png";
    public static final String DENSITY = "eigenvalue_density.png";
    public static final String EVOLUTION = "evolution.png";

    static final int WIDTH = 1200;
    static final int HEIGHT = 850;

    private static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442)};
    private static final Color THEORY = new Color(0xD55E00);
    private static final Color BARS = new Color(0x56B4E9);
    private static final Color GRID = new Color(0xDDDDDD);
    private static final String FONT = "SansSerif";
    private static final Font TITLE_FONT = new Font(FONT, Font.BOLD, 24);
    private static final Font SUBTITLE_FONT = new Font(FONT, Font.PLAIN, 17);
    private static final Font LABEL_FONT = new Font(FONT, Font.PLAIN, 21);
    private static final Font TICK_FONT = new Font(FONT, Font.PLAIN, 17);
    private static final Font LEGEND_FONT = new Font(FONT, Font.PLAIN, 16);
    private static final Stroke THICK = new BasicStroke(3f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    private static final Stroke DASHED = new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
            new float[] {10f, 7f}, 0f);
    private static final Stroke DOTTED = new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f,
            new float[] {2f, 6f}, 0f);

    private SweepPlots() {
    }

    /** Writes every plot into {@code dir}; needs java.awt.headless=true on a machine without a display. */
    public static void write(Path dir, SweepSummary s) {
        // Encode in memory: ImageIO's default file cache registers a JVM shutdown hook on first use, which
        // throws "Shutdown in progress" when the report is written after Ctrl-C.
        javax.imageio.ImageIO.setUseCache(false);
        try {
            Files.createDirectories(dir);
            save(dir.resolve(SPACING_COLLAPSE), spacingCollapse(s));
            save(dir.resolve(MEAN_SPACING), meanSpacing(s));
            save(dir.resolve(SIGMA2_SCALING), sigmaSquared(s));
            save(dir.resolve(SIGMA2_COEFFICIENT), coefficient(s));
            saveGrid(dir.resolve(DENSITY), densities(s), s.model() == Model.RBM ? 2 : 1);
            if (s.data().evolution() != null) {
                save(dir.resolve(EVOLUTION), evolution(s));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plots into " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- (a) data collapse

    static JFreeChart spacingCollapse(SweepSummary s) {
        Histogram h = s.spacings();
        KsResult ks = s.ksAll();
        XYSeries bars = new XYSeries(String.format(Locale.ROOT, "all pairs and settings pooled (%s spacings)",
                Progress.count(h.total())));
        for (int i = 0; i < h.bins(); i++) {
            bars.add(h.centre(i), h.density(i));
        }
        XYSeriesCollection histogram = new XYSeriesCollection(bars);
        histogram.setIntervalWidth(h.width());
        XYSeriesCollection theory = new XYSeriesCollection();
        theory.addSeries(curve("Wigner surmise (π/2) s e^(−πs²/4)", 0, 4, 400, WignerSurmise::pdf));
        theory.addSeries(curve("Poisson e^(−s)", 0, 4, 400, PoissonSpacing::pdf));

        XYPlot plot = basePlot(axis("s = S/⟨S⟩", 0, 3.5, 0.5), axis("P(s)", 0, 1.0, 0.1));
        ((NumberAxis) plot.getDomainAxis()).setTickUnit(new NumberTickUnit(0.5, new java.text.DecimalFormat("0.0")));
        ((NumberAxis) plot.getRangeAxis()).setTickUnit(new NumberTickUnit(0.1, new java.text.DecimalFormat("0.0")));
        plot.setDataset(0, theory);
        plot.setRenderer(0, lines(new Paint[] {THEORY, Color.BLACK}, new Stroke[] {THICK, DASHED}));
        plot.setDataset(1, histogram);
        plot.setRenderer(1, bars());
        JFreeChart chart = chart("Data collapse of the pair spacings onto the Wigner surmise", plot, true);
        chart.addSubtitle(subtitle(String.format(Locale.ROOT,
                "%s, %d settings (α, |B|), every degenerate pair, ⟨S⟩ per setting and pair.   "
                        + "KS distance to Wigner %s, to Poisson %s; critical value %s at significance 0.001, N_eff = %s",
                s.model().displayName(), s.data().plan().settings().size(), fixed(ks.dWigner(), 4), fixed(ks.dPoisson(), 3),
                fixed(ks.critical001(), 4), Progress.count(Math.round(ks.nEff())))));
        legendInside(chart, plot, 0.98, 0.98, RectangleAnchor.TOP_RIGHT);
        return chart;
    }

    // ---------------------------------------------------------------- (b) ⟨S⟩ scaling

    static JFreeChart meanSpacing(SweepSummary s) {
        Model model = s.model();
        List<String> pairs = pairs(s);
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        List<Shape> shapes = new ArrayList<>();
        List<Paint> paints = new ArrayList<>();
        double maxX = 0;
        double maxY = 0;
        for (Point p : s.points()) {
            YIntervalSeries one = new YIntervalSeries(p.pair() + " " + p.setting().key());
            double y = p.scaledSpacing().value();
            double e = finiteOr0(p.scaledSpacing().error());
            one.add(p.predictor(), y, y - e, y + e);
            data.addSeries(one);
            shapes.add(shapeOf(p.setting()));
            paints.add(PALETTE[pairs.indexOf(p.pair()) % PALETTE.length]);
            maxX = Math.max(maxX, p.predictor());
            maxY = Math.max(maxY, y + e);
        }
        double a = s.spacingFit().slope();
        double linearEnd = s.points().stream().filter(p -> p.setting().alphaOverBatch() <= s.spacingFit().maxAlphaOverBatch())
                .mapToDouble(Point::predictor).max().orElse(maxX);
        XYSeriesCollection fit = new XYSeriesCollection();
        XYSeries in = new XYSeries("fit");
        in.add(0, 0);
        in.add(linearEnd, linearEnd * a);
        fit.addSeries(in);
        XYSeries out = new XYSeries("extrapolated");
        out.add(linearEnd, linearEnd * a);
        out.add(1.08 * maxX, 1.08 * maxX * a);
        fit.addSeries(out);

        XYPlot plot = basePlot(axis(model.predictorSymbol(), 0, 1.08 * maxX),
                axis(model.spacingSymbol(), 0, 1.1 * Math.max(maxY, 1.08 * maxX * finiteOr0(a))));
        plot.setDataset(0, fit);
        plot.setRenderer(0, lines(new Paint[] {Color.BLACK, Color.BLACK}, new Stroke[] {new BasicStroke(2f), DASHED}));
        plot.setDataset(1, data);
        plot.setRenderer(1, errorRenderer(shapes, paints));
        LegendItemCollection legend = pairLegend(s, pairs);
        legend.add(lineItem(String.format(Locale.ROOT, "fit through 0, α/|B| ≤ 0.1/16: a = %s",
                pm(a, s.spacingFit().error())), Color.BLACK, new BasicStroke(2f)));
        legend.add(lineItem("the same line, extrapolated", Color.BLACK, DASHED));
        shapeLegend(legend, s);
        plot.setFixedLegendItems(legend);
        JFreeChart chart = chart("Mean pair spacing against the predicted width", plot, true);
        double[] ex = s.spacingFit().expected();
        chart.addSubtitle(subtitle(String.format(Locale.ROOT,
                "%s = a·%s; fit over %d points, χ²/dof = %s; all %d points: a = %s. physics.md §7 expects a ≈ %.2f–%.2f",
                model.spacingSymbol(), model.predictorSymbol(), s.spacingFit().points(),
                fixed(s.spacingFit().chiSquaredPerDof(), 1), s.spacingFitAll().points(),
                pm(s.spacingFitAll().slope(), s.spacingFitAll().error()), ex[0], ex[1])));
        legendInside(chart, plot, 0.02, 0.98, RectangleAnchor.TOP_LEFT);
        return chart;
    }

    // ---------------------------------------------------------------- (c) σ̂² against α/|B|

    static JFreeChart sigmaSquared(SweepSummary s) {
        List<String> pairs = pairs(s);
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        List<Shape> shapes = new ArrayList<>();
        List<Paint> paints = new ArrayList<>();
        double maxX = 0;
        double maxY = 0;
        for (Point p : s.points()) {
            YIntervalSeries one = new YIntervalSeries(p.pair() + " " + p.setting().key());
            double y = p.sigmaSquared().value();
            double e = finiteOr0(p.sigmaSquared().error());
            one.add(p.setting().alphaOverBatch(), y, y - e, y + e);
            data.addSeries(one);
            shapes.add(shapeOf(p.setting()));
            paints.add(PALETTE[pairs.indexOf(p.pair()) % PALETTE.length]);
            maxX = Math.max(maxX, p.setting().alphaOverBatch());
            maxY = Math.max(maxY, y + e);
        }
        double xEnd = 1.06 * maxX;
        XYSeriesCollection fits = new XYSeriesCollection();
        List<Paint> fitPaints = new ArrayList<>();
        List<Stroke> fitStrokes = new ArrayList<>();
        for (WidthFit f : s.widthFits()) {
            double b = f.linear().slope();
            double c = f.linear().intercept();
            if (!Double.isFinite(b)) {
                continue;
            }
            double limit = Math.min(SweepSummary.LINEAR_LIMIT, xEnd);
            XYSeries in = new XYSeries(f.pair() + " fit");
            in.add(0, c);
            in.add(limit, c + b * limit);
            fits.addSeries(in);
            fitPaints.add(PALETTE[pairs.indexOf(f.pair()) % PALETTE.length]);
            fitStrokes.add(new BasicStroke(2.5f));
            if (xEnd > limit) {
                XYSeries out = new XYSeries(f.pair() + " extrapolated");
                out.add(limit, c + b * limit);
                out.add(xEnd, c + b * xEnd);
                fits.addSeries(out);
                fitPaints.add(PALETTE[pairs.indexOf(f.pair()) % PALETTE.length]);
                fitStrokes.add(DASHED);
                maxY = Math.max(maxY, c + b * xEnd);
            }
        }
        XYPlot plot = basePlot(axis("α/|B|", 0, xEnd), axis("σ̂² = ⟨S²⟩/4", 0, 1.05 * maxY));
        plot.setDataset(0, fits);
        plot.setRenderer(0, lines(fitPaints.toArray(new Paint[0]), fitStrokes.toArray(new Stroke[0])));
        plot.setDataset(1, data);
        plot.setRenderer(1, errorRenderer(shapes, paints));
        plot.addDomainMarker(new ValueMarker(SweepSummary.LINEAR_LIMIT, Color.GRAY, DOTTED));
        XYTextAnnotation limitLabel = new XYTextAnnotation("  ← fit range α/|B| ≤ 0.1/16", SweepSummary.LINEAR_LIMIT,
                0.62 * 1.05 * maxY);
        limitLabel.setFont(LEGEND_FONT);
        limitLabel.setPaint(Color.DARK_GRAY);
        limitLabel.setTextAnchor(TextAnchor.CENTER_LEFT);
        plot.addAnnotation(limitLabel);
        LegendItemCollection legend = pairLegend(s, pairs);
        legend.add(lineItem("linear fit, α/|B| ≤ 0.1/16", Color.DARK_GRAY, new BasicStroke(2.5f)));
        legend.add(lineItem("the same line, extrapolated", Color.DARK_GRAY, DASHED));
        shapeLegend(legend, s);
        plot.setFixedLegendItems(legend);
        JFreeChart chart = chart("Linear scaling of the pair width with α/|B|", plot, true);
        chart.addSubtitle(subtitle("σ̂² per pair and setting; where the points leave the extrapolated line, σ² is no "
                + "longer ∝ α/|B|: the bend"));
        legendInside(chart, plot, 0.02, 0.98, RectangleAnchor.TOP_LEFT);
        return chart;
    }

    /** σ̂²/((α/|B|)·w) against α/|B| on a log axis: constant where linear scaling holds. */
    static JFreeChart coefficient(SweepSummary s) {
        Model model = s.model();
        List<String> pairs = pairs(s);
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        List<Shape> shapes = new ArrayList<>();
        List<Paint> paints = new ArrayList<>();
        double minX = Double.MAX_VALUE;
        double maxX = 0;
        double maxY = model.expectedCoefficient()[1];
        for (Point p : s.points()) {
            YIntervalSeries one = new YIntervalSeries(p.pair() + " " + p.setting().key());
            double y = p.coefficient().value();
            double e = finiteOr0(p.coefficient().error());
            // offset the pairs slightly along x so that their error bars do not hide each other
            double x = p.setting().alphaOverBatch() * Math.pow(1.04, pairs.indexOf(p.pair()) - (pairs.size() - 1) / 2.0);
            one.add(x, y, y - e, y + e);
            data.addSeries(one);
            shapes.add(shapeOf(p.setting()));
            paints.add(PALETTE[pairs.indexOf(p.pair()) % PALETTE.length]);
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            maxY = Math.max(maxY, y + e);
        }
        LogAxis x = new OneTwoFiveAxis("α/|B|", new java.text.DecimalFormat("0.####"));
        styleAxis(x);
        x.setRange(minX / 1.3, maxX * 1.3);
        XYPlot plot = basePlot(x, axis("σ̂² / ((α/|B|)·" + model.widthSymbol() + ")", 0, 1.15 * maxY));
        plot.setDataset(0, data);
        plot.setRenderer(0, errorRenderer(shapes, paints));
        double[] band = model.expectedCoefficient();
        IntervalMarker expected = new IntervalMarker(band[0], band[1], new Color(0, 0, 0, 22));
        expected.setLabel(String.format(Locale.ROOT, "  expected where scaling holds: %.2f–%.2f", band[0], band[1]));
        expected.setLabelFont(LEGEND_FONT);
        expected.setLabelBackgroundColor(new Color(255, 255, 255, 0));
        expected.setLabelAnchor(RectangleAnchor.BOTTOM_LEFT);
        expected.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addRangeMarker(expected, Layer.BACKGROUND);
        ValueMarker limit = new ValueMarker(SweepSummary.LINEAR_LIMIT, Color.GRAY, DOTTED);
        plot.addDomainMarker(limit);
        LegendItemCollection legend = pairLegend(s, pairs);
        shapeLegend(legend, s);
        plot.setFixedLegendItems(legend);
        JFreeChart chart = chart("Linear-scaling coefficient: constant where σ² ∝ α/|B|", plot, true);
        chart.addSubtitle(subtitle("dotted: α/|B| = 0.1/16, the end of the linear fit range; pairs offset slightly "
                + "along α/|B| for legibility"));
        legendInside(chart, plot, 0.98, 0.02, RectangleAnchor.BOTTOM_RIGHT);
        return chart;
    }

    // ---------------------------------------------------------------- (d) densities

    static List<JFreeChart> densities(SweepSummary s) {
        List<JFreeChart> charts = new ArrayList<>();
        for (PairDensity pd : s.densities()) {
            Histogram h = pd.density();
            XYSeries bars = new XYSeries(String.format(Locale.ROOT, "both eigenvalues, all settings: U₄ = %s",
                    pm(pd.binder().value(), pd.binder().error())));
            for (int i = 0; i < h.bins(); i++) {
                bars.add(h.centre(i), h.density(i));
            }
            XYSeriesCollection histogram = new XYSeriesCollection(bars);
            histogram.setIntervalWidth(h.width());
            double sd = Math.sqrt(TwoLevelDensity.SECOND_MOMENT_OVER_SIGMA_SQUARED);
            XYSeriesCollection theory = new XYSeriesCollection();
            theory.addSeries(curve("two-level density ρ(v), U₄ = −4/27 = −0.148", -4.5, 4.5, 400,
                    v -> TwoLevelDensity.density(v, 1.0)));
            theory.addSeries(curve("Gaussian of the same variance, U₄ = 0", -4.5, 4.5, 400,
                    v -> Math.exp(-v * v / (2 * sd * sd)) / (sd * Math.sqrt(2 * Math.PI))));
            XYPlot plot = basePlot(axis("v = (x − x̄)/σ̂", -4.5, 4.5, 1.0), axis("density  ρ(v)", 0, 0.4, 0.05));
            ((NumberAxis) plot.getRangeAxis()).setTickUnit(new NumberTickUnit(0.05, new java.text.DecimalFormat("0.00")));
            plot.setDataset(0, theory);
            plot.setRenderer(0, lines(new Paint[] {THEORY, Color.DARK_GRAY}, new Stroke[] {THICK, DASHED}));
            plot.setDataset(1, histogram);
            plot.setRenderer(1, bars());
            JFreeChart chart = chart("Pair " + pd.pair() + " (" + pd.parameter() + ")", plot, true);
            chart.getTitle().setFont(new Font(FONT, Font.BOLD, 20));
            legendBelow(chart, plot);
            charts.add(chart);
        }
        return charts;
    }

    // ---------------------------------------------------------------- (e) evolution

    static JFreeChart evolution(SweepSummary s) {
        Evolution e = s.data().evolution();
        double[] target = e.target();
        List<Double> levels = new ArrayList<>();
        for (double t : target) {
            if (levels.stream().noneMatch(l -> Math.abs(l - t) <= 1e-9 * Math.max(1, Math.abs(t)))) {
                levels.add(t);
            }
        }
        XYSeriesCollection modes = new XYSeriesCollection();
        Paint[] paints = new Paint[e.modes()];
        Stroke[] strokes = new Stroke[e.modes()];
        double maxX = 0;
        for (int m = 0; m < e.modes(); m++) {
            XYSeries series = new XYSeries("x_" + m, false, true);
            for (int i = 0; i < e.size(); i++) {
                series.add(e.step(i), e.eigenvalue(i, m));
                maxX = e.step(i);
            }
            modes.addSeries(series);
            int level = levelOf(levels, target[m]);
            paints[m] = PALETTE[level % PALETTE.length];
            strokes[m] = new BasicStroke(1.6f);
        }
        LogAxis x = new OneTwoFiveAxis("training step (SGD updates)", new java.text.DecimalFormat("#,##0"));
        styleAxis(x);
        x.setRange(Math.max(1, e.step(0)) / 1.2, maxX * 1.05);
        double maxY = 0;
        for (double t : target) {
            maxY = Math.max(maxY, t);
        }
        for (int i = 0; i < e.size(); i++) {
            for (int m = 0; m < e.modes(); m++) {
                maxY = Math.max(maxY, e.eigenvalue(i, m));
            }
        }
        XYPlot plot = basePlot(x, axis("eigenvalue x of WᵀW", 0, 1.08 * maxY));
        plot.setDataset(0, modes);
        plot.setRenderer(0, lines(paints, strokes));
        for (double t : levels) {
            ValueMarker mk = new ValueMarker(t, Color.BLACK, new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 6f}, 0f));
            plot.addRangeMarker(mk);
        }
        double[] mp = s.model().marchenkoPasturEdges();
        IntervalMarker start = new IntervalMarker(mp[0], mp[1], new Color(0x56B4E9, false));
        start.setAlpha(0.25f);
        plot.addRangeMarker(start, Layer.BACKGROUND);
        XYTextAnnotation mpLabel = new XYTextAnnotation(String.format(Locale.ROOT,
                "  start: Marchenko-Pastur, x ∈ [%s, %s]", Format.sig(mp[0], 2), Format.sig(mp[1], 2)),
                Math.max(1, e.step(0)), mp[1]);
        mpLabel.setFont(LEGEND_FONT);
        mpLabel.setTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addAnnotation(mpLabel);
        LegendItemCollection legend = new LegendItemCollection();
        legend.add(lineItem("eigenvalues x_i (a degenerate pair shares a colour)", PALETTE[0], new BasicStroke(2f)));
        legend.add(lineItem(s.model() == Model.RBM ? "targets x = (μ² − κ)/σ_h²" : "target x = ξ_t² = 4",
                Color.BLACK, DASHED));
        plot.setFixedLegendItems(legend);
        RunPlan rp = e.plan();
        JFreeChart chart = chart("Eigenvalues of WᵀW during training: from Marchenko-Pastur to the target", plot, true);
        chart.addSubtitle(subtitle(String.format(Locale.ROOT, "%s, %s, seed %d, a spectrum every %d updates",
                s.model().displayName(), rp.setting().label(), rp.seed(), rp.snapshotEvery())));
        legendInside(chart, plot, 0.02, 0.98, RectangleAnchor.TOP_LEFT);
        return chart;
    }

    private static int levelOf(List<Double> levels, double t) {
        int best = 0;
        for (int i = 1; i < levels.size(); i++) {
            if (Math.abs(levels.get(i) - t) < Math.abs(levels.get(best) - t)) {
                best = i;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- styling

    private static XYPlot basePlot(org.jfree.chart.axis.ValueAxis x, org.jfree.chart.axis.ValueAxis y) {
        XYPlot plot = new XYPlot();
        plot.setDomainAxis(x);
        plot.setRangeAxis(y);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setDomainGridlineStroke(new BasicStroke(1f));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setOutlinePaint(Color.DARK_GRAY);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.REVERSE);
        return plot;
    }

    private static NumberAxis axis(String label, double lo, double hi) {
        NumberAxis a = new NumberAxis(label);
        styleAxis(a);
        a.setAutoRangeIncludesZero(false);
        if (hi > lo) {
            a.setRange(lo, hi);
        }
        return a;
    }

    private static NumberAxis axis(String label, double lo, double hi, double tick) {
        NumberAxis a = axis(label, lo, hi);
        a.setTickUnit(new NumberTickUnit(tick));
        return a;
    }

    private static void styleAxis(org.jfree.chart.axis.ValueAxis a) {
        a.setLabelFont(LABEL_FONT);
        a.setTickLabelFont(TICK_FONT);
        a.setLabelPaint(Color.BLACK);
        a.setTickLabelPaint(Color.BLACK);
        a.setAxisLinePaint(Color.DARK_GRAY);
        a.setTickMarkPaint(Color.DARK_GRAY);
    }

    private static JFreeChart chart(String title, XYPlot plot, boolean legend) {
        JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(10, 10, 10, 22));
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        return chart;
    }

    private static TextTitle subtitle(String text) {
        TextTitle t = new TextTitle(text, SUBTITLE_FONT);
        t.setPaint(Color.DARK_GRAY);
        t.setPadding(new RectangleInsets(2, 10, 8, 10));
        t.setMaximumLinesToDisplay(2);
        return t;
    }

    /** Moves the chart's legend into the plot area at (x, y) in plot fractions. */
    private static void legendInside(JFreeChart chart, XYPlot plot, double xFraction, double y, RectangleAnchor anchor) {
        double x = xFraction;
        if (chart.getLegend() == null) {
            return;
        }
        chart.removeLegend();
        LegendTitle legend = new LegendTitle(plot, new ColumnArrangement(), new ColumnArrangement());
        legend.setItemFont(LEGEND_FONT);
        legend.setBackgroundPaint(new Color(255, 255, 255, 225));
        legend.setFrame(new BlockBorder(1, 1, 1, 1, Color.LIGHT_GRAY));
        legend.setPosition(RectangleEdge.TOP);
        legend.setItemLabelPadding(new RectangleInsets(3, 4, 3, 6));
        legend.setPadding(new RectangleInsets(4, 6, 4, 6));
        // The annotation interpolates its relative position in data values, which a log axis then maps
        // logarithmically: ask for the data value that sits at x of the axis' length.
        if (plot.getDomainAxis() instanceof LogAxis log) {
            double lo = log.getLowerBound();
            double hi = log.getUpperBound();
            x = (lo * Math.pow(hi / lo, x) - lo) / (hi - lo);
        }
        XYTitleAnnotation a = new XYTitleAnnotation(x, y, legend, anchor);
        a.setMaxWidth(0.62);
        plot.addAnnotation(a);
    }

    /** The chart's legend as one column under the plot. */
    private static void legendBelow(JFreeChart chart, XYPlot plot) {
        chart.removeLegend();
        LegendTitle legend = new LegendTitle(plot, new ColumnArrangement(), new ColumnArrangement());
        legend.setItemFont(LEGEND_FONT);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setFrame(BlockBorder.NONE);
        legend.setItemLabelPadding(new RectangleInsets(2, 4, 2, 6));
        chart.addLegend(legend);
    }

    private static XYLineAndShapeRenderer lines(Paint[] paints, Stroke[] strokes) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setDrawSeriesLineAsPath(true); // dashes run along the whole curve, not restart at every point
        for (int i = 0; i < paints.length; i++) {
            r.setSeriesPaint(i, paints[i]);
            r.setSeriesStroke(i, strokes[i]);
            r.setSeriesShape(i, new Line2D.Double(-10, 0, 10, 0));
        }
        r.setLegendLine(new Line2D.Double(-18, 0, 18, 0));
        return r;
    }

    private static XYBarRenderer bars() {
        XYBarRenderer r = new XYBarRenderer(0.0);
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(true);
        r.setSeriesPaint(0, new Color(BARS.getRed(), BARS.getGreen(), BARS.getBlue(), 150));
        r.setSeriesOutlinePaint(0, new Color(0x0072B2));
        r.setSeriesOutlineStroke(0, new BasicStroke(0.8f));
        return r;
    }

    private static XYErrorRenderer errorRenderer(List<Shape> shapes, List<Paint> paints) {
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDrawXError(false);
        r.setDrawYError(true);
        r.setDefaultLinesVisible(false);
        r.setDefaultShapesVisible(true);
        r.setErrorPaint(null); // the series colour
        r.setErrorStroke(new BasicStroke(1.8f));
        r.setCapLength(8);
        for (int i = 0; i < shapes.size(); i++) {
            r.setSeriesShape(i, shapes.get(i));
            r.setSeriesPaint(i, paints.get(i));
            r.setSeriesOutlinePaint(i, Color.BLACK);
        }
        r.setUseOutlinePaint(true);
        r.setDrawOutlines(true);
        return r;
    }

    /** ● for the |B| = 16 α scan, ▲ for the α = 0.1 |B| scan, ■ for any other setting. */
    private static Shape shapeOf(Setting s) {
        if (s.batchSize() == Model.REFERENCE_BATCH) {
            return new Ellipse2D.Double(-6, -6, 12, 12);
        }
        if (s.learningRate() == Model.REFERENCE_LEARNING_RATE) {
            Path2D t = new Path2D.Double();
            t.moveTo(0, -7.5);
            t.lineTo(7, 5.5);
            t.lineTo(-7, 5.5);
            t.closePath();
            return t;
        }
        return new Rectangle2D.Double(-5.5, -5.5, 11, 11);
    }

    private static List<String> pairs(SweepSummary s) {
        List<String> out = new ArrayList<>();
        s.points().forEach(p -> {
            if (!out.contains(p.pair())) {
                out.add(p.pair());
            }
        });
        return out;
    }

    private static LegendItemCollection pairLegend(SweepSummary s, List<String> pairs) {
        Map<String, String> parameters = new LinkedHashMap<>();
        s.points().forEach(p -> parameters.putIfAbsent(p.pair(), p.parameter()));
        LegendItemCollection legend = new LegendItemCollection();
        for (String pair : pairs) {
            LegendItem item = new LegendItem("pair " + pair + " (" + parameters.get(pair) + ")", null, null, null,
                    new Rectangle2D.Double(-6, -6, 12, 12), PALETTE[pairs.indexOf(pair) % PALETTE.length]);
            legend.add(item);
        }
        return legend;
    }

    private static void shapeLegend(LegendItemCollection legend, SweepSummary s) {
        boolean alphaScan = s.points().stream().anyMatch(p -> p.setting().batchSize() == Model.REFERENCE_BATCH);
        boolean batchScan = s.points().stream().anyMatch(p -> p.setting().batchSize() != Model.REFERENCE_BATCH
                && p.setting().learningRate() == Model.REFERENCE_LEARNING_RATE);
        boolean other = s.points().stream().anyMatch(p -> p.setting().batchSize() != Model.REFERENCE_BATCH
                && p.setting().learningRate() != Model.REFERENCE_LEARNING_RATE);
        if (alphaScan) {
            legend.add(shapeItem("|B| = 16, α varied", shapeOf(new Setting(0.5, Model.REFERENCE_BATCH))));
        }
        if (batchScan) {
            legend.add(shapeItem("α = 0.1, |B| varied", shapeOf(new Setting(Model.REFERENCE_LEARNING_RATE, 1))));
        }
        if (other) {
            legend.add(shapeItem("other (α, |B|)", shapeOf(new Setting(0.5, 1))));
        }
    }

    private static LegendItem shapeItem(String label, Shape shape) {
        LegendItem item = new LegendItem(label, null, null, null, shape, Color.GRAY, new BasicStroke(1f), Color.BLACK);
        return item;
    }

    private static LegendItem lineItem(String label, Paint paint, Stroke stroke) {
        return new LegendItem(label, null, null, null, new Line2D.Double(-18, 0, 18, 0), stroke, paint);
    }

    private static XYSeries curve(String name, double lo, double hi, int n,
                                  java.util.function.DoubleUnaryOperator f) {
        XYSeries s = new XYSeries(name, false, true);
        for (int i = 0; i <= n; i++) {
            double x = lo + (hi - lo) * i / n;
            s.add(x, f.applyAsDouble(x));
        }
        return s;
    }

    private static double finiteOr0(double v) {
        return Double.isFinite(v) ? v : 0.0;
    }

    private static void save(Path file, JFreeChart chart) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    /** Draws the charts in a grid of {@code columns} into one PNG. */
    private static void saveGrid(Path file, List<JFreeChart> charts, int columns) throws IOException {
        if (charts.isEmpty()) {
            return;
        }
        int rows = (charts.size() + columns - 1) / columns;
        int w = columns == 1 ? WIDTH : 1000;
        int h = columns == 1 ? HEIGHT : 720;
        BufferedImage image = new BufferedImage(w * columns, h * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int i = 0; i < charts.size(); i++) {
            charts.get(i).draw(g, new Rectangle2D.Double((i % columns) * w, (i / columns) * h, w, h));
        }
        g.dispose();
        javax.imageio.ImageIO.write(image, "png", file.toFile());
    }

    /** A log axis with ticks at 1, 2 and 5 times the powers of ten, labelled with a plain format. */
    private static final class OneTwoFiveAxis extends LogAxis {
        private final java.text.NumberFormat format;

        OneTwoFiveAxis(String label, java.text.NumberFormat format) {
            super(label);
            this.format = format;
        }

        @Override
        public List<org.jfree.chart.axis.ValueTick> refreshTicks(Graphics2D g2, org.jfree.chart.axis.AxisState state,
                                                                 Rectangle2D dataArea, RectangleEdge edge) {
            List<org.jfree.chart.axis.ValueTick> ticks = new ArrayList<>();
            double lo = getLowerBound();
            double hi = getUpperBound();
            boolean horizontal = RectangleEdge.isTopOrBottom(edge);
            for (int e = (int) Math.floor(Math.log10(lo)); e <= (int) Math.ceil(Math.log10(hi)); e++) {
                for (int m : new int[] {1, 2, 5}) {
                    double v = m * Math.pow(10, e);
                    if (v >= lo && v <= hi) {
                        ticks.add(new org.jfree.chart.axis.NumberTick(v, format.format(v),
                                horizontal ? TextAnchor.TOP_CENTER : TextAnchor.CENTER_RIGHT, TextAnchor.CENTER, 0.0));
                    }
                }
            }
            return ticks;
        }
    }
}

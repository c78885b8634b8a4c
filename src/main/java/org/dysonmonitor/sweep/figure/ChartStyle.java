package org.dysonmonitor.sweep.figure;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.block.ColumnArrangement;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * The look every figure shares: white plots with light grids, large fonts for a report page, and the
 * Okabe-Ito palette (distinguishable with colour-blindness); data are shapes or bars, theory curves
 * lines.
 */
public final class ChartStyle {

    static final int WIDTH = 1200;
    static final int HEIGHT = 850;

    static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442)};
    static final Color THEORY = new Color(0xD55E00);
    static final Color BARS = new Color(0x56B4E9);
    static final Color GRID = new Color(0xDDDDDD);
    static final String FONT = "SansSerif";
    static final Font TITLE_FONT = new Font(FONT, Font.BOLD, 24);
    static final Font SUBTITLE_FONT = new Font(FONT, Font.PLAIN, 17);
    static final Font LABEL_FONT = new Font(FONT, Font.PLAIN, 21);
    static final Font TICK_FONT = new Font(FONT, Font.PLAIN, 17);
    static final Font LEGEND_FONT = new Font(FONT, Font.PLAIN, 16);
    static final Stroke THICK = new BasicStroke(3f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    static final Stroke DASHED = new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
            new float[] {10f, 7f}, 0f);
    static final Stroke DOTTED = new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f,
            new float[] {2f, 6f}, 0f);

    private ChartStyle() {
    }

    /** The colour of the i-th pair (or series), cycling through the palette. */
    static Color colour(int i) {
        return PALETTE[i % PALETTE.length];
    }

    static XYPlot basePlot(ValueAxis x, ValueAxis y) {
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
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.REVERSE);
        return plot;
    }

    /** A linear axis over [lo, hi] (automatic where hi ≤ lo). */
    static NumberAxis axis(String label, double lo, double hi) {
        NumberAxis a = new NumberAxis(label);
        styleAxis(a);
        a.setAutoRangeIncludesZero(false);
        if (hi > lo) {
            a.setRange(lo, hi);
        }
        return a;
    }

    static NumberAxis axis(String label, double lo, double hi, double tick) {
        NumberAxis a = axis(label, lo, hi);
        a.setTickUnit(new NumberTickUnit(tick));
        return a;
    }

    /** A log axis over [lo, hi] with ticks at 1, 2 and 5 times the powers of ten. */
    static LogAxis logAxis(String label, String tickFormat, double lo, double hi) {
        LogAxis a = new OneTwoFiveAxis(label, new java.text.DecimalFormat(tickFormat));
        styleAxis(a);
        a.setRange(lo, hi);
        return a;
    }

    static void styleAxis(ValueAxis a) {
        a.setLabelFont(LABEL_FONT);
        a.setTickLabelFont(TICK_FONT);
        a.setLabelPaint(Color.BLACK);
        a.setTickLabelPaint(Color.BLACK);
        a.setAxisLinePaint(Color.DARK_GRAY);
        a.setTickMarkPaint(Color.DARK_GRAY);
    }

    static JFreeChart chart(String title, XYPlot plot) {
        JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(10, 10, 10, 22));
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        return chart;
    }

    /** The chart of {@code plot} with its title, a subtitle, and the legend inside the plot at (x, y). */
    static JFreeChart chart(String title, String subtitle, XYPlot plot, double x, double y, RectangleAnchor anchor) {
        JFreeChart chart = chart(title, plot);
        chart.addSubtitle(subtitle(subtitle));
        legendInside(chart, plot, x, y, anchor);
        return chart;
    }

    static TextTitle subtitle(String text) {
        TextTitle t = new TextTitle(text, SUBTITLE_FONT);
        t.setPaint(Color.DARK_GRAY);
        t.setPadding(new RectangleInsets(2, 10, 8, 10));
        t.setMaximumLinesToDisplay(2);
        return t;
    }

    /** Moves the chart's legend into the plot area at (x, y) in plot fractions. */
    static void legendInside(JFreeChart chart, XYPlot plot, double xFraction, double y, RectangleAnchor anchor) {
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
    static void legendBelow(JFreeChart chart, XYPlot plot) {
        chart.removeLegend();
        LegendTitle legend = new LegendTitle(plot, new ColumnArrangement(), new ColumnArrangement());
        legend.setItemFont(LEGEND_FONT);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setFrame(BlockBorder.NONE);
        legend.setItemLabelPadding(new RectangleInsets(2, 4, 2, 6));
        chart.addLegend(legend);
    }

    static XYLineAndShapeRenderer lines(Paint[] paints, Stroke[] strokes) {
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

    static XYBarRenderer bars() {
        XYBarRenderer r = new XYBarRenderer(0.0);
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(true);
        r.setSeriesPaint(0, new Color(BARS.getRed(), BARS.getGreen(), BARS.getBlue(), 150));
        r.setSeriesOutlinePaint(0, new Color(0x0072B2));
        r.setSeriesOutlineStroke(0, new BasicStroke(0.8f));
        return r;
    }

    static LegendItem shapeItem(String label, Shape shape) {
        return new LegendItem(label, null, null, null, shape, Color.GRAY, new BasicStroke(1f), Color.BLACK);
    }

    static LegendItem lineItem(String label, Paint paint, Stroke stroke) {
        return new LegendItem(label, null, null, null, new Line2D.Double(-18, 0, 18, 0), stroke, paint);
    }

    /** f sampled at n + 1 evenly spaced points of [lo, hi]. */
    static XYSeries curve(String name, double lo, double hi, int n, DoubleUnaryOperator f) {
        XYSeries s = new XYSeries(name, false, true);
        for (int i = 0; i <= n; i++) {
            double x = lo + (hi - lo) * i / n;
            s.add(x, f.applyAsDouble(x));
        }
        return s;
    }

    static double finiteOr0(double v) {
        return Double.isFinite(v) ? v : 0.0;
    }

    static void save(Path file, JFreeChart chart) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    /** Draws the charts in a grid of {@code columns} into one PNG. */
    static void saveGrid(Path file, List<JFreeChart> charts, int columns) throws IOException {
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
}

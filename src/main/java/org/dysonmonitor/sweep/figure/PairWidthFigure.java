package org.dysonmonitor.sweep.figure;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.awt.Stroke;
import java.util.ArrayList;
import java.util.List;

import static org.dysonmonitor.sweep.figure.ChartStyle.DASHED;
import static org.dysonmonitor.sweep.figure.ChartStyle.DOTTED;
import static org.dysonmonitor.sweep.figure.ChartStyle.LEGEND_FONT;

/**
 * Pair widths σ̂² = ⟨S²⟩/4 against α/|B| with a straight line per pair, fitted up to
 * {@code linearLimit} (solid) and extrapolated beyond (dashed): where the points leave the line, σ²
 * is no longer ∝ α/|B|.
 *
 * @param points      σ̂² per pair and setting at x = α/|B|
 * @param lines       the fitted lines σ̂² = slope·(α/|B|) + intercept (non-finite slopes are left out)
 * @param linearLimit the end of the fit range in α/|B|
 */
public record PairWidthFigure(ErrorPoints points, List<Line> lines, double linearLimit) implements ChartFigure {

    /** One pair's fitted line; {@code pair} indexes the points' pair labels. */
    public record Line(int pair, double slope, double intercept) {
    }

    public PairWidthFigure {
        lines = List.copyOf(lines);
    }

    @Override
    public JFreeChart chart() {
        double maxY = points.maxTop(0);
        double xEnd = 1.06 * points.maxX();
        XYSeriesCollection fits = new XYSeriesCollection();
        List<Paint> fitPaints = new ArrayList<>();
        List<Stroke> fitStrokes = new ArrayList<>();
        for (Line f : lines) {
            double b = f.slope();
            double c = f.intercept();
            if (!Double.isFinite(b)) {
                continue;
            }
            String name = points.pairLabels().get(f.pair());
            double limit = Math.min(linearLimit, xEnd);
            XYSeries in = new XYSeries(name + " fit");
            in.add(0, c);
            in.add(limit, c + b * limit);
            fits.addSeries(in);
            fitPaints.add(ChartStyle.colour(f.pair()));
            fitStrokes.add(new BasicStroke(2.5f));
            if (xEnd > limit) {
                XYSeries out = new XYSeries(name + " extrapolated");
                out.add(limit, c + b * limit);
                out.add(xEnd, c + b * xEnd);
                fits.addSeries(out);
                fitPaints.add(ChartStyle.colour(f.pair()));
                fitStrokes.add(DASHED);
                maxY = Math.max(maxY, c + b * xEnd);
            }
        }
        XYPlot plot = ChartStyle.basePlot(ChartStyle.axis("α/|B|", 0, xEnd),
                ChartStyle.axis("σ̂² = ⟨S²⟩/4", 0, 1.05 * maxY));
        plot.setDataset(0, fits);
        plot.setRenderer(0, ChartStyle.lines(fitPaints.toArray(new Paint[0]), fitStrokes.toArray(new Stroke[0])));
        plot.setDataset(1, points.dataset(ErrorPoints.Point::x));
        plot.setRenderer(1, points.renderer());
        plot.addDomainMarker(new ValueMarker(linearLimit, Color.GRAY, DOTTED));
        XYTextAnnotation limitLabel = new XYTextAnnotation("  ← fit range α/|B| ≤ 0.1/16", linearLimit,
                0.62 * 1.05 * maxY);
        limitLabel.setFont(LEGEND_FONT);
        limitLabel.setPaint(Color.DARK_GRAY);
        limitLabel.setTextAnchor(TextAnchor.CENTER_LEFT);
        plot.addAnnotation(limitLabel);
        plot.setFixedLegendItems(points.legend(
                ChartStyle.lineItem("linear fit, α/|B| ≤ 0.1/16", Color.DARK_GRAY, new BasicStroke(2.5f)),
                ChartStyle.lineItem("the same line, extrapolated", Color.DARK_GRAY, DASHED)));
        return ChartStyle.chart("Linear scaling of the pair width with α/|B|", "σ̂² per pair and setting; where the "
                + "points leave the extrapolated line, σ² is no longer ∝ α/|B|: the bend", plot, 0.02, 0.98,
                RectangleAnchor.TOP_LEFT);
    }
}

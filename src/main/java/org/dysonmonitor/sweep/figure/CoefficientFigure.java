package org.dysonmonitor.sweep.figure;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.Color;
import java.util.Locale;

import static org.dysonmonitor.sweep.figure.ChartStyle.DOTTED;
import static org.dysonmonitor.sweep.figure.ChartStyle.LEGEND_FONT;

/**
 * The linear-scaling coefficient σ̂²/((α/|B|)·w) against α/|B| on a log axis: constant where
 * σ² ∝ α/|B|, inside the expected band.
 *
 * @param yLabel      the coefficient's symbol
 * @param points      the coefficient per pair and setting at x = α/|B|
 * @param expected    the expected band [lo, hi]
 * @param linearLimit the end of the linear fit range in α/|B| (dotted)
 */
public record CoefficientFigure(String yLabel, ErrorPoints points, double[] expected, double linearLimit)
        implements ChartFigure {

    public CoefficientFigure {
        expected = expected.clone();
    }

    @Override
    public double[] expected() {
        return expected.clone();
    }

    /** x offset slightly per pair so that their error bars do not hide each other. */
    private double shifted(ErrorPoints.Point p) {
        int pairs = points.pairLabels().size();
        return p.x() * Math.pow(1.04, p.pair() - (pairs - 1) / 2.0);
    }

    @Override
    public JFreeChart chart() {
        double minX = Double.MAX_VALUE;
        double maxX = 0;
        for (ErrorPoints.Point p : points.points()) {
            minX = Math.min(minX, shifted(p));
            maxX = Math.max(maxX, shifted(p));
        }
        YIntervalSeriesCollection data = points.dataset(this::shifted);
        LogAxis x = ChartStyle.logAxis("α/|B|", "0.####", minX / 1.3, maxX * 1.3);
        XYPlot plot = ChartStyle.basePlot(x, ChartStyle.axis(yLabel, 0, 1.15 * points.maxTop(expected[1])));
        plot.setDataset(0, data);
        plot.setRenderer(0, points.renderer());
        IntervalMarker band = new IntervalMarker(expected[0], expected[1], new Color(0, 0, 0, 22));
        band.setLabel(String.format(Locale.ROOT, "  expected where scaling holds: %.2f–%.2f", expected[0], expected[1]));
        band.setLabelFont(LEGEND_FONT);
        band.setLabelBackgroundColor(new Color(255, 255, 255, 0));
        band.setLabelAnchor(RectangleAnchor.BOTTOM_LEFT);
        band.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addRangeMarker(band, Layer.BACKGROUND);
        plot.addDomainMarker(new ValueMarker(linearLimit, Color.GRAY, DOTTED));
        plot.setFixedLegendItems(points.legend());
        return ChartStyle.chart("Linear-scaling coefficient: constant where σ² ∝ α/|B|", "dotted: α/|B| = 0.1/16, the "
                + "end of the linear fit range; pairs offset slightly along α/|B| for legibility", plot, 0.98, 0.02,
                RectangleAnchor.BOTTOM_RIGHT);
    }
}

package org.dysonmonitor.sweep.figure;

import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Points with vertical error bars, coloured by pair and shaped by scan, and the legend that explains
 * both.
 *
 * @param points     the points, one series each
 * @param pairLabels the legend text of each pair, by the pair index of the points
 * @param markers    the legend text of each shape used
 */
public record ErrorPoints(List<Point> points, List<String> pairLabels, List<MarkerLabel> markers) {

    /**
     * One point: {@code key} names its series, {@code pair} indexes {@code pairLabels} (its colour);
     * a non-finite error draws no bar.
     */
    public record Point(String key, int pair, Marker marker, double x, double y, double error) {
    }

    /** A shape's legend entry. */
    public record MarkerLabel(String label, Marker marker) {
    }

    public ErrorPoints {
        points = List.copyOf(points);
        pairLabels = List.copyOf(pairLabels);
        markers = List.copyOf(markers);
    }

    /** One series per point at x = {@code x(point)}. */
    YIntervalSeriesCollection dataset(ToDoubleFunction<Point> x) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        for (Point p : points) {
            YIntervalSeries one = new YIntervalSeries(p.key());
            double e = ChartStyle.finiteOr0(p.error());
            one.add(x.applyAsDouble(p), p.y(), p.y() - e, p.y() + e);
            data.addSeries(one);
        }
        return data;
    }

    /** max(y + error) over the points, at least {@code floor}. */
    double maxTop(double floor) {
        double max = floor;
        for (Point p : points) {
            max = Math.max(max, p.y() + ChartStyle.finiteOr0(p.error()));
        }
        return max;
    }

    /** max(x) over the points, at least 0. */
    double maxX() {
        double max = 0;
        for (Point p : points) {
            max = Math.max(max, p.x());
        }
        return max;
    }

    XYErrorRenderer renderer() {
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDrawXError(false);
        r.setDrawYError(true);
        r.setDefaultLinesVisible(false);
        r.setDefaultShapesVisible(true);
        r.setErrorPaint(null); // the series colour
        r.setErrorStroke(new BasicStroke(1.8f));
        r.setCapLength(8);
        for (int i = 0; i < points.size(); i++) {
            r.setSeriesShape(i, points.get(i).marker().shape());
            r.setSeriesPaint(i, ChartStyle.colour(points.get(i).pair()));
            r.setSeriesOutlinePaint(i, Color.BLACK);
        }
        r.setUseOutlinePaint(true);
        r.setDrawOutlines(true);
        return r;
    }

    /** The legend: one entry per pair, then {@code lines}, then one entry per shape. */
    LegendItemCollection legend(LegendItem... lines) {
        LegendItemCollection legend = pairLegend();
        for (LegendItem line : lines) {
            legend.add(line);
        }
        addMarkerLegend(legend);
        return legend;
    }

    private LegendItemCollection pairLegend() {
        LegendItemCollection legend = new LegendItemCollection();
        for (int i = 0; i < pairLabels.size(); i++) {
            legend.add(new LegendItem(pairLabels.get(i), null, null, null, new Rectangle2D.Double(-6, -6, 12, 12),
                    ChartStyle.colour(i)));
        }
        return legend;
    }

    private void addMarkerLegend(LegendItemCollection legend) {
        for (MarkerLabel m : markers) {
            legend.add(ChartStyle.shapeItem(m.label(), m.marker().shape()));
        }
    }
}

package org.dysonmonitor.sweep.figure;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleAnchor;
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

/**
 * Quantities of one run against the training step (linear axis), each a line with gaps where it is
 * not finite, with horizontal reference levels (e.g. ⟨r̃⟩ against GOE 0.5307 and Poisson 0.3863, or
 * the pair widths σ̂² over time).
 *
 * @param title    the chart's title
 * @param subtitle one or two lines under it
 * @param yLabel   the value axis
 * @param steps    the training step of each value, ascending
 * @param lines    the quantities, one value per step
 * @param levels   dashed (first) and dotted (the others) reference levels
 */
public record StepSeriesFigure(String title, String subtitle, String yLabel, long[] steps, List<Line> lines,
                               List<Level> levels) implements ChartFigure {

    /** One quantity: {@code values[i]} at {@code steps[i]}, NaN where unknown. */
    public record Line(String label, double[] values) {
    }

    /** A reference value drawn across the whole range. */
    public record Level(String label, double value) {
    }

    public StepSeriesFigure {
        steps = steps.clone();
        lines = List.copyOf(lines);
        levels = List.copyOf(levels);
        for (Line l : lines) {
            if (l.values().length != steps.length) {
                throw new IllegalArgumentException(l.label() + ": " + l.values().length + " values for "
                        + steps.length + " steps");
            }
        }
    }

    @Override
    public JFreeChart chart() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        XYSeriesCollection data = new XYSeriesCollection();
        List<Paint> paints = new ArrayList<>();
        List<Stroke> strokes = new ArrayList<>();
        for (int k = 0; k < lines.size(); k++) {
            XYSeries s = new XYSeries(lines.get(k).label(), false, true);
            double[] v = lines.get(k).values();
            for (int i = 0; i < steps.length; i++) {
                boolean known = Double.isFinite(v[i]);
                s.add(steps[i], known ? (Number) v[i] : null); // null: a gap in the line
                if (known) {
                    lo = Math.min(lo, v[i]);
                    hi = Math.max(hi, v[i]);
                }
            }
            data.addSeries(s);
            paints.add(ChartStyle.colour(k));
            strokes.add(new BasicStroke(1.8f));
        }
        double first = steps.length > 0 ? steps[0] : 0;
        double last = steps.length > 0 ? steps[steps.length - 1] : 1;
        for (int k = 0; k < levels.size(); k++) {
            Level level = levels.get(k);
            XYSeries s = new XYSeries(level.label(), false, true);
            s.add(first, level.value());
            s.add(last, level.value());
            data.addSeries(s);
            paints.add(Color.BLACK);
            strokes.add(k == 0 ? DASHED : DOTTED);
            lo = Math.min(lo, level.value());
            hi = Math.max(hi, level.value());
        }
        if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        }
        double margin = hi > lo ? 0.08 * (hi - lo) : Math.max(1e-3, 0.1 * Math.abs(hi));
        XYPlot plot = ChartStyle.basePlot(ChartStyle.axis("training step", first, last > first ? last : first + 1),
                ChartStyle.axis(yLabel, lo - margin, hi + margin));
        plot.setDataset(0, data);
        plot.setRenderer(0, ChartStyle.lines(paints.toArray(Paint[]::new), strokes.toArray(Stroke[]::new)));
        return ChartStyle.chart(title, subtitle, plot, 0.98, 0.02, RectangleAnchor.BOTTOM_RIGHT);
    }
}

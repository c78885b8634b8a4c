package org.dysonmonitor.sweep.figure;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.Layer;
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
import static org.dysonmonitor.sweep.figure.ChartStyle.LEGEND_FONT;
import static org.dysonmonitor.sweep.figure.ChartStyle.PALETTE;

/**
 * The eigenvalues of WᵀW of one run against the training step (log axis), from the shaded
 * Marchenko-Pastur band to the targets (dashed); modes that share a target share a colour.
 *
 * @param steps       the training step of each spectrum, ascending
 * @param eigenvalues eigenvalues[i][mode] at steps[i], ascending in mode
 * @param target      the target of each mode
 * @param mpEdges     the start: the Marchenko-Pastur edges [x₋, x₊]
 * @param mpLabel     the text at the band
 * @param targetLabel the legend text of the dashed targets
 * @param subtitle    one or two lines under the title
 */
public record EvolutionFigure(long[] steps, double[][] eigenvalues, double[] target, double[] mpEdges, String mpLabel,
                              String targetLabel, String subtitle) implements ChartFigure {

    @Override
    public JFreeChart chart() {
        List<Double> levels = new ArrayList<>();
        for (double t : target) {
            if (levels.stream().noneMatch(l -> Math.abs(l - t) <= 1e-9 * Math.max(1, Math.abs(t)))) {
                levels.add(t);
            }
        }
        int modes = target.length;
        XYSeriesCollection series = new XYSeriesCollection();
        Paint[] paints = new Paint[modes];
        Stroke[] strokes = new Stroke[modes];
        double maxX = 0;
        for (int m = 0; m < modes; m++) {
            XYSeries one = new XYSeries("x_" + m, false, true);
            for (int i = 0; i < steps.length; i++) {
                one.add(steps[i], eigenvalues[i][m]);
                maxX = steps[i];
            }
            series.addSeries(one);
            paints[m] = ChartStyle.colour(levelOf(levels, target[m]));
            strokes[m] = new BasicStroke(1.6f);
        }
        LogAxis x = ChartStyle.logAxis("training step (SGD updates)", "#,##0", Math.max(1, steps[0]) / 1.2, maxX * 1.05);
        double maxY = 0;
        for (double t : target) {
            maxY = Math.max(maxY, t);
        }
        for (double[] spectrum : eigenvalues) {
            for (int m = 0; m < modes; m++) {
                maxY = Math.max(maxY, spectrum[m]);
            }
        }
        XYPlot plot = ChartStyle.basePlot(x, ChartStyle.axis("eigenvalue x of WᵀW", 0, 1.08 * maxY));
        plot.setDataset(0, series);
        plot.setRenderer(0, ChartStyle.lines(paints, strokes));
        for (double t : levels) {
            plot.addRangeMarker(new ValueMarker(t, Color.BLACK, new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 6f}, 0f)));
        }
        IntervalMarker start = new IntervalMarker(mpEdges[0], mpEdges[1], new Color(0x56B4E9, false));
        start.setAlpha(0.25f);
        plot.addRangeMarker(start, Layer.BACKGROUND);
        XYTextAnnotation label = new XYTextAnnotation(mpLabel, Math.max(1, steps[0]), mpEdges[1]);
        label.setFont(LEGEND_FONT);
        label.setTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addAnnotation(label);
        LegendItemCollection legend = new LegendItemCollection();
        legend.add(ChartStyle.lineItem("eigenvalues x_i (a degenerate pair shares a colour)", PALETTE[0],
                new BasicStroke(2f)));
        legend.add(ChartStyle.lineItem(targetLabel, Color.BLACK, DASHED));
        plot.setFixedLegendItems(legend);
        return ChartStyle.chart("Eigenvalues of WᵀW during training: from Marchenko-Pastur to the target", subtitle,
                plot, 0.02, 0.98, RectangleAnchor.TOP_LEFT);
    }

    /** The index of the level nearest to t. */
    private static int levelOf(List<Double> levels, double t) {
        int best = 0;
        for (int i = 1; i < levels.size(); i++) {
            if (Math.abs(levels.get(i) - t) < Math.abs(levels.get(best) - t)) {
                best = i;
            }
        }
        return best;
    }
}

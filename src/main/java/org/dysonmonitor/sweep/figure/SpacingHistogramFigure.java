package org.dysonmonitor.sweep.figure;

import org.dysonmonitor.rmt.PoissonSpacing;
import org.dysonmonitor.rmt.WignerSurmise;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.awt.Paint;
import java.awt.Stroke;
import java.text.DecimalFormat;

import static org.dysonmonitor.sweep.figure.ChartStyle.DASHED;
import static org.dysonmonitor.sweep.figure.ChartStyle.THEORY;
import static org.dysonmonitor.sweep.figure.ChartStyle.THICK;

/**
 * A histogram of rescaled spacings s = S/⟨S⟩ against the Wigner surmise P(s) = (π/2) s e^(−πs²/4)
 * and Poisson e^(−s), s ∈ [0, 3.5].
 *
 * @param title     the chart's title
 * @param subtitle  one or two lines under it
 * @param barsLabel the legend text of the histogram
 * @param bars      the histogram (a density in s)
 */
public record SpacingHistogramFigure(String title, String subtitle, String barsLabel, Bars bars) implements ChartFigure {

    @Override
    public JFreeChart chart() {
        XYSeriesCollection theory = new XYSeriesCollection();
        theory.addSeries(ChartStyle.curve("Wigner surmise (π/2) s e^(−πs²/4)", 0, 4, 400, WignerSurmise::pdf));
        theory.addSeries(ChartStyle.curve("Poisson e^(−s)", 0, 4, 400, PoissonSpacing::pdf));

        XYPlot plot = ChartStyle.basePlot(ChartStyle.axis("s = S/⟨S⟩", 0, 3.5, 0.5), ChartStyle.axis("P(s)", 0, 1.0, 0.1));
        ((NumberAxis) plot.getDomainAxis()).setTickUnit(new NumberTickUnit(0.5, new DecimalFormat("0.0")));
        ((NumberAxis) plot.getRangeAxis()).setTickUnit(new NumberTickUnit(0.1, new DecimalFormat("0.0")));
        plot.setDataset(0, theory);
        plot.setRenderer(0, ChartStyle.lines(new Paint[] {THEORY, Color.BLACK}, new Stroke[] {THICK, DASHED}));
        plot.setDataset(1, bars.dataset(barsLabel));
        plot.setRenderer(1, ChartStyle.bars());
        return ChartStyle.chart(title, subtitle, plot, 0.98, 0.98, RectangleAnchor.TOP_RIGHT);
    }
}

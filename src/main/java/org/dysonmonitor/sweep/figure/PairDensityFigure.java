package org.dysonmonitor.sweep.figure;

import org.dysonmonitor.rmt.TwoLevelDensity;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Stroke;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;

import static org.dysonmonitor.sweep.figure.ChartStyle.DASHED;
import static org.dysonmonitor.sweep.figure.ChartStyle.THEORY;
import static org.dysonmonitor.sweep.figure.ChartStyle.THICK;

/**
 * The eigenvalue density of each degenerate pair, v = (x − x̄)/σ̂, against the two-level density
 * ρ(v) at σ = 1 (U₄ = −4/27) and a Gaussian of the same variance (U₄ = 0): one panel per pair, in a
 * grid of {@code columns}.
 */
public record PairDensityFigure(List<Panel> panels, int columns) implements Figure {

    /** One pair: its title, the legend text of its histogram, and the histogram in v. */
    public record Panel(String title, String barsLabel, Bars bars) {
    }

    public PairDensityFigure {
        panels = List.copyOf(panels);
    }

    List<JFreeChart> charts() {
        List<JFreeChart> charts = new ArrayList<>();
        for (Panel panel : panels) {
            double sd = Math.sqrt(TwoLevelDensity.SECOND_MOMENT_OVER_SIGMA_SQUARED);
            XYSeriesCollection theory = new XYSeriesCollection();
            theory.addSeries(ChartStyle.curve("two-level density ρ(v), U₄ = −4/27 = −0.148", -4.5, 4.5, 400,
                    v -> TwoLevelDensity.density(v, 1.0)));
            theory.addSeries(ChartStyle.curve("Gaussian of the same variance, U₄ = 0", -4.5, 4.5, 400,
                    v -> Math.exp(-v * v / (2 * sd * sd)) / (sd * Math.sqrt(2 * Math.PI))));
            XYPlot plot = ChartStyle.basePlot(ChartStyle.axis("v = (x − x̄)/σ̂", -4.5, 4.5, 1.0),
                    ChartStyle.axis("density  ρ(v)", 0, 0.4, 0.05));
            ((NumberAxis) plot.getRangeAxis()).setTickUnit(new NumberTickUnit(0.05, new DecimalFormat("0.00")));
            plot.setDataset(0, theory);
            plot.setRenderer(0, ChartStyle.lines(new Paint[] {THEORY, Color.DARK_GRAY}, new Stroke[] {THICK, DASHED}));
            plot.setDataset(1, panel.bars().dataset(panel.barsLabel()));
            plot.setRenderer(1, ChartStyle.bars());
            JFreeChart chart = ChartStyle.chart(panel.title(), plot);
            chart.getTitle().setFont(new Font(ChartStyle.FONT, Font.BOLD, 20));
            ChartStyle.legendBelow(chart, plot);
            charts.add(chart);
        }
        return charts;
    }

    @Override
    public void writePng(Path file) throws IOException {
        ChartStyle.saveGrid(file, charts(), columns);
    }
}

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

import static org.dysonmonitor.sweep.figure.ChartStyle.DASHED;

/**
 * Mean pair spacing against its predicted width, with the fit through the origin y = a·x: solid up
 * to {@code linearEnd} (the fit's range), dashed beyond.
 *
 * @param xLabel    the predictor's symbol
 * @param yLabel    the spacing's symbol
 * @param points    ⟨S⟩ (or its scaled form) per pair and setting, at its predictor
 * @param slope     a
 * @param linearEnd the largest predictor inside the fit range
 * @param fitLabel  the legend text of the fit line
 * @param subtitle  one or two lines under the title
 */
public record MeanSpacingFigure(String xLabel, String yLabel, ErrorPoints points, double slope, double linearEnd,
                                String fitLabel, String subtitle) implements ChartFigure {

    @Override
    public JFreeChart chart() {
        double maxX = points.maxX();
        double maxY = points.maxTop(0);
        XYSeriesCollection fit = new XYSeriesCollection();
        XYSeries in = new XYSeries("fit");
        in.add(0, 0);
        in.add(linearEnd, linearEnd * slope);
        fit.addSeries(in);
        XYSeries out = new XYSeries("extrapolated");
        out.add(linearEnd, linearEnd * slope);
        out.add(1.08 * maxX, 1.08 * maxX * slope);
        fit.addSeries(out);

        XYPlot plot = ChartStyle.basePlot(ChartStyle.axis(xLabel, 0, 1.08 * maxX),
                ChartStyle.axis(yLabel, 0, 1.1 * Math.max(maxY, 1.08 * maxX * ChartStyle.finiteOr0(slope))));
        plot.setDataset(0, fit);
        plot.setRenderer(0, ChartStyle.lines(new Paint[] {Color.BLACK, Color.BLACK},
                new Stroke[] {new BasicStroke(2f), DASHED}));
        plot.setDataset(1, points.dataset(ErrorPoints.Point::x));
        plot.setRenderer(1, points.renderer());
        plot.setFixedLegendItems(points.legend(ChartStyle.lineItem(fitLabel, Color.BLACK, new BasicStroke(2f)),
                ChartStyle.lineItem("the same line, extrapolated", Color.BLACK, DASHED)));
        return ChartStyle.chart("Mean pair spacing against the predicted width", subtitle, plot, 0.02, 0.98,
                RectangleAnchor.TOP_LEFT);
    }
}

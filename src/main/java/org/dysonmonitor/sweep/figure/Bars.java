package org.dysonmonitor.sweep.figure;

import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A histogram as a figure draws it: equal bins from {@code lo}, each of {@code width}, with a density
 * per bin.
 */
public record Bars(double lo, double width, double[] density) {

    public Bars {
        density = density.clone();
    }

    @Override
    public double[] density() {
        return density.clone();
    }

    /** The bars as one series named {@code label}, each at the centre of its bin. */
    XYSeriesCollection dataset(String label) {
        XYSeries bars = new XYSeries(label);
        for (int i = 0; i < density.length; i++) {
            bars.add(lo + (i + 0.5) * width, density[i]);
        }
        XYSeriesCollection histogram = new XYSeriesCollection(bars);
        histogram.setIntervalWidth(width);
        return histogram;
    }
}

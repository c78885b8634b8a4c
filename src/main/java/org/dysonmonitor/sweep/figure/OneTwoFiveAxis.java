package org.dysonmonitor.sweep.figure;

import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;

/** A log axis with ticks at 1, 2 and 5 times the powers of ten, labelled with a plain format. */
final class OneTwoFiveAxis extends LogAxis {

    private final NumberFormat format;

    OneTwoFiveAxis(String label, NumberFormat format) {
        super(label);
        this.format = format;
    }

    @Override
    public List<ValueTick> refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
        List<ValueTick> ticks = new ArrayList<>();
        double lo = getLowerBound();
        double hi = getUpperBound();
        boolean horizontal = RectangleEdge.isTopOrBottom(edge);
        for (int e = (int) Math.floor(Math.log10(lo)); e <= (int) Math.ceil(Math.log10(hi)); e++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = m * Math.pow(10, e);
                if (v >= lo && v <= hi) {
                    ticks.add(new NumberTick(v, format.format(v),
                            horizontal ? TextAnchor.TOP_CENTER : TextAnchor.CENTER_RIGHT, TextAnchor.CENTER, 0.0));
                }
            }
        }
        return ticks;
    }
}

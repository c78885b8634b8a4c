package org.dysonmonitor.sweep.figure;

import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;

/** The shape of a data point, which says which scan it belongs to. */
public enum Marker {
    CIRCLE, TRIANGLE, SQUARE;

    Shape shape() {
        return switch (this) {
            case CIRCLE -> new Ellipse2D.Double(-6, -6, 12, 12);
            case TRIANGLE -> {
                Path2D t = new Path2D.Double();
                t.moveTo(0, -7.5);
                t.lineTo(7, 5.5);
                t.lineTo(-7, 5.5);
                t.closePath();
                yield t;
            }
            case SQUARE -> new Rectangle2D.Double(-5.5, -5.5, 11, 11);
        };
    }
}

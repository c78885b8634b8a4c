package org.dysonmonitor.sweep.figure;

import org.jfree.chart.JFreeChart;

import java.io.IOException;
import java.nio.file.Path;

/** A figure of one chart, saved at the report's size. */
interface ChartFigure extends Figure {

    /** The chart, styled by {@link ChartStyle}. */
    JFreeChart chart();

    @Override
    default void writePng(Path file) throws IOException {
        ChartStyle.save(file, chart());
    }
}

package org.dysonmonitor.sweep.figure;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One figure of a report, built from plain data (arrays and records, nothing of the sweep), so that
 * any report (the sweep's, an offline report of a stored run) can draw it.
 */
public interface Figure {

    /** Draws the figure into a PNG file; needs java.awt.headless=true on a machine without a display. */
    void writePng(Path file) throws IOException;
}

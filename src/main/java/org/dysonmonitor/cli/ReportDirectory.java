package org.dysonmonitor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --out DIR} of the commands that write a report of PNG plots and tables ({@code sweep},
 * {@code report}): the directory, checked and created, with AWT set headless for the plots.
 */
final class ReportDirectory {

    @Option(names = "--out", required = true,
            description = "Directory of the report: PNG plots, summary.md and tables (created if needed).")
    Path out;

    /**
     * Makes {@link #out} a directory (a clear CLI error, exit 2, if it is something else) and sets
     * java.awt.headless, which JFreeChart needs on a machine without a display.
     */
    Path prepare(CommandLine cmd) throws IOException {
        MonitorOptions.require(cmd, !Files.exists(out) || Files.isDirectory(out), "--out " + out + " is not a directory");
        Files.createDirectories(out);
        System.setProperty("java.awt.headless", "true");
        return out;
    }
}

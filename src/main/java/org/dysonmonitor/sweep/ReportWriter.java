package org.dysonmonitor.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the text part of a sweep report: summary.md (the tables behind the plots), summary.json (the
 * same numbers) and CSV files of the pooled data, so that anyone can redo the plots elsewhere.
 */
public final class ReportWriter {

    /** File names of the report (the PNGs are {@link SweepPlots}'). */
    public static final String SUMMARY_MD = "summary.md";
    public static final String SUMMARY_JSON = "summary.json";
    public static final String POINTS_CSV = "points.csv";
    public static final String RUNS_CSV = "runs.csv";
    /** Gzipped: about one row per independent sample, a million rows in the default sweep. */
    public static final String SPACINGS_CSV = "spacings.csv.gz";
    public static final String SPACING_HISTOGRAM_CSV = "spacing_histogram.csv";
    public static final String DENSITY_CSV = "eigenvalue_density.csv";
    public static final String EVOLUTION_CSV = "evolution.csv";

    private ReportWriter() {
    }

    /** Writes every text file of the report into {@code dir} (created if needed). */
    public static void write(Path dir, SweepSummary s) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(SUMMARY_MD), SummaryMarkdown.of(s), StandardCharsets.UTF_8);
            SummaryJson.write(dir.resolve(SUMMARY_JSON), s);
            ReportCsv.points(dir.resolve(POINTS_CSV), s);
            ReportCsv.runs(dir.resolve(RUNS_CSV), s);
            ReportCsv.spacings(dir.resolve(SPACINGS_CSV), s);
            ReportCsv.spacingHistogram(dir.resolve(SPACING_HISTOGRAM_CSV), s);
            ReportCsv.densities(dir.resolve(DENSITY_CSV), s);
            ReportCsv.evolution(dir.resolve(EVOLUTION_CSV), s);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + dir + ": " + e.getMessage(), e);
        }
    }
}

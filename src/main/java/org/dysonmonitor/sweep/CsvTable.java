package org.dysonmonitor.sweep;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * A CSV file written row by row: a header of column names, then rows of exactly as many cells,
 * joined by commas, each line ending in '\n'. Cells are written as given (numbers, names without
 * commas).
 */
final class CsvTable implements Closeable {

    private final BufferedWriter out;
    private final int columns;

    private CsvTable(OutputStream stream, List<String> columns) throws IOException {
        this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
        this.columns = columns.size();
        row(columns);
    }

    static CsvTable create(Path file, String... columns) throws IOException {
        return new CsvTable(Files.newOutputStream(file), List.of(columns));
    }

    /** The same, gzipped (for tables of about a million rows). */
    static CsvTable gzipped(Path file, String... columns) throws IOException {
        return new CsvTable(new GZIPOutputStream(Files.newOutputStream(file), 1 << 16), List.of(columns));
    }

    void row(String... cells) throws IOException {
        row(List.of(cells));
    }

    void row(List<String> cells) throws IOException {
        if (cells.size() != columns) {
            throw new IllegalArgumentException("a row of " + cells.size() + " cells in a table of " + columns + " columns");
        }
        out.write(String.join(",", cells));
        out.write('\n');
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}

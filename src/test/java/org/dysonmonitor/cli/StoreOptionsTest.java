package org.dysonmonitor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store's options: a data directory that cannot hold the store, or a bad size, exits 2 with why. */
class StoreOptionsTest {

    @TempDir
    Path tmp;

    private static String[] run(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = DysonMonitor.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        assertEquals(expectedCode, cmd.execute(args), err::toString);
        return new String[] {out.toString(), err.toString()};
    }

    /** The suite runs with -Ddyson.no-store=true (see pom.xml); this test wants the store's default back. */
    @Test
    void aDataDirectoryThatIsAFileStopsServeWithExitCode2() throws Exception {
        Path file = Files.writeString(tmp.resolve("data"), "a file");
        String before = System.getProperty("dyson.no-store");
        System.setProperty("dyson.no-store", "false");
        try {
            String err = run(2, "serve", "--port", "0", "--data-dir", file.toString(), "--duration", "1s")[1];
            assertTrue(err.contains("--data-dir " + file) && err.contains("is not a directory"), err);
        } finally {
            if (before == null) {
                System.clearProperty("dyson.no-store");
            } else {
                System.setProperty("dyson.no-store", before);
            }
        }
    }

    @Test
    void aBadSizeOrRetentionIsAUsageError() {
        String err = run(2, "serve", "--port", "0", "--max-db-size", "lots")[1];
        assertTrue(err.contains("'lots' is not a size"), err);
        err = run(2, "serve", "--port", "0", "--max-db-size", "1000")[1];
        assertTrue(err.contains("--max-db-size must be at least 1MiB"), err);
        err = run(2, "serve", "--port", "0", "--history-retention", "0d")[1];
        assertTrue(err.contains("--history-retention must be positive"), err);
    }
}

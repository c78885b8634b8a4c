package org.dysonmonitor.cli;

import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.OverloadPolicy;
import org.dysonmonitor.monitor.TrainerActor;
import org.dysonmonitor.store.HistoryPoint;
import org.dysonmonitor.store.SqliteHistoryStore;
import org.dysonmonitor.store.StoreSettings;
import org.dysonmonitor.train.RbmConfig;
import org.dysonmonitor.train.RbmTrainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code report} on a store filled by a real monitor: the RBM through the built-in trainer for a few
 * seconds, then the monitor closed. The plots exist and decode at the report's size, and summary.md's
 * numbers are the stored reports' as the store reads them back; a missing store or an unknown run is a
 * usage error (exit 2) with its message.
 */
class ReportCommandTest {

    private static final String RUN = "rbm-report";

    @TempDir
    static Path work;
    private static Path data;

    @BeforeAll
    static void fillAStore() throws Exception {
        data = work.resolve("data");
        Monitor monitor = Monitor.start("report-test", ConfigFactory.parseMap(Map.of(
                "dyson.store.data-dir", data.toString(), "dyson.store.retention", "30d",
                "dyson.store.max-size", "1GiB", "dyson.store.checkpoint-interval", "5s"))
                .withFallback(ConfigFactory.load()));
        try {
            monitor.startTrainer(new TrainerActor.Plan(RUN, "W", new RbmTrainer(RbmConfig.defaults().withSeed(3)),
                    10, OverloadPolicy.LATEST, 0, 1000)).toCompletableFuture().join();
            Thread.sleep(6_000);
        } finally {
            monitor.close(); // the store commits what is queued as it closes
        }
    }

    @Test
    void writesThePlotsAndASummaryWithTheStoredNumbers() throws Exception {
        Path out = work.resolve("report");
        Run r = run("report", "--data-dir", data.toString(), "--run", RUN, "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        for (String name : List.of("W-eigenvalues.png", "W-spacings.png", "W-ratio.png", "W-pair-widths.png")) {
            BufferedImage png = ImageIO.read(out.resolve(name).toFile());
            assertNotNull(png, name + " decodes");
            assertEquals(1200, png.getWidth(), name);
            assertEquals(850, png.getHeight(), name);
        }
        String summary = Files.readString(out.resolve("summary.md"));

        List<HistoryPoint> stored;
        try (SqliteHistoryStore store = SqliteHistoryStore.open(StoreSettings.defaults(data))) {
            stored = store.history(RUN, "W", Long.MIN_VALUE, Long.MAX_VALUE, ReportCommand.MAX_POINTS)
                    .toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        assertTrue(stored.size() > 20, "the trainer reported for seconds: " + stored.size());
        HistoryPoint last = stored.get(stored.size() - 1);
        assertTrue(summary.contains("Stored reports: " + stored.size() + ", steps " + stored.get(0).step() + "–"
                + last.step()), summary);

        Map<String, String> table = new HashMap<>();
        for (String line : summary.split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length == 3) {
                table.put(cells[1].trim(), cells[2].trim());
            }
        }
        int compared = 0;
        for (Map.Entry<String, Object> e : last.statistics().entrySet()) {
            if (e.getKey().equals("pairs")) {
                continue;
            }
            assertTrue(table.containsKey(e.getKey()), e.getKey() + " in summary.md");
            if (e.getValue() instanceof Number n) {
                assertEquals(n.doubleValue(), Double.parseDouble(table.get(e.getKey())), e.getKey());
            } else {
                assertEquals(String.valueOf(e.getValue()), table.get(e.getKey()), e.getKey());
            }
            compared++;
        }
        assertTrue(compared >= 10, "statistics compared: " + compared);
        assertTrue(table.containsKey("spacing_ratio_mean"), summary);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> pairs = (List<Map<String, Object>>) last.statistics().get("pairs");
        assertEquals(4, pairs.size(), "the RBM target has four degenerate pairs");
        for (Map<String, Object> pair : pairs) {
            String row = "| " + String.join(" | ", pair.values().stream().map(String::valueOf).toList()) + " |";
            assertTrue(summary.contains(row), row + " in summary.md:\n" + summary);
        }
    }

    @Test
    void aMissingStoreOrAnUnknownRunExitsWith2() {
        Run missing = run("report", "--data-dir", work.resolve("nowhere").toString(), "--run", RUN,
                "--out", work.resolve("o1").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("no history store there"), missing.err());

        Run unknown = run("report", "--data-dir", data.toString(), "--run", "nope", "--out", work.resolve("o2").toString());
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("--run nope: no such run") && unknown.err().contains(RUN), unknown.err());
        assertFalse(Files.exists(work.resolve("o2")), "nothing written for an unknown run");
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = DysonMonitor.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}

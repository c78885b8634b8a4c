package org.dysonmonitor.bench;

import org.dysonmonitor.cli.DysonMonitor;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code bench} subcommand in a quick mode through the real command line: the table has its
 * rows and the numbers are positive and finite (no speed is asserted: benchmarks print ratios).
 */
class BenchCommandTest {

    /** Runs the command line with stdout captured; returns exit code and stdout. */
    private static Result bench(String... args) {
        PrintStream previous = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            CommandLine cmd = DysonMonitor.commandLine();
            cmd.setErr(new PrintWriter(err, true));
            StringWriter help = new StringWriter();
            cmd.setOut(new PrintWriter(help, true));
            exit = cmd.execute(args);
            System.out.print(help);
        } finally {
            System.setOut(previous);
        }
        return new Result(exit, captured.toString(StandardCharsets.UTF_8), err.toString());
    }

    private record Result(int exit, String out, String err) {
        List<String> rows(String start) {
            return Arrays.stream(out.split("\n")).filter(l -> l.startsWith(start)).toList();
        }

        String row(String start) {
            return Arrays.stream(out.split("\n")).filter(l -> l.startsWith(start)).findFirst()
                    .orElseThrow(() -> new AssertionError("no row " + start + " in\n" + out + "\n" + err));
        }
    }

    /** The numbers of a Markdown row's cells (cells that are not numbers are skipped). */
    private static List<Double> numbers(String row) {
        Matcher m = Pattern.compile("\\|\\s*(-?[0-9]+(?:\\.[0-9]+)?)\\s*(?=\\|)").matcher(row);
        List<Double> out = new java.util.ArrayList<>();
        int from = 0;
        while (m.find(from)) {
            out.add(Double.parseDouble(m.group(1)));
            from = m.end();
        }
        return out;
    }

    @Test
    void benchAloneIsAUsageError() {
        Result r = bench("bench");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("spectrum, pipeline, large-layer"), r.err());
    }

    @Test
    void everySubcommandHasItsHelp() {
        for (String sub : List.of("spectrum", "pipeline", "large-layer", "trainer", "end-to-end", "eta")) {
            Result r = bench("bench", sub, "--help");
            assertEquals(0, r.exit(), sub);
            assertTrue(r.out().contains("Usage: dyson-monitor bench " + sub), r.out());
        }
    }

    @Test
    void badOptionsExitWith2() {
        assertEquals(2, bench("bench", "pipeline", "--clients", "0").exit());
        assertEquals(2, bench("bench", "spectrum", "--clock", "sundial").exit());
        assertEquals(2, bench("bench", "spectrum", "--shapes", "round").exit());
        assertEquals(2, bench("bench", "large-layer", "--seconds", "0").exit());
        assertEquals(2, bench("bench", "large-layer", "--partial-above", "-1").exit());
        assertEquals(2, bench("bench", "end-to-end", "--repeats", "0").exit());
        assertEquals(2, bench("bench", "eta", "--seeds", "0").exit());
    }

    /**
     * Two seeds of each RBM demo run: every run converges within the steps trained, and the pooled coverage at
     * each lead is a fraction of the forecasts counted (the figures themselves are the README's, at 80 seeds).
     */
    @Test
    void etaPrintsTheCoverageOfEveryRunAndLead() {
        Result r = bench("bench", "eta", "--seeds", "2");
        assertEquals(0, r.exit(), r.err());
        for (String run : List.of("| 0.1, 4 |", "| 0.1, 16 |", "| 0.1, 64 |", "| 0.05, 16 |")) {
            assertTrue(r.row(run).contains("| 2/2 |"), r.out());
        }
        List<String> pooled = r.rows("| all |");
        assertEquals(4, pooled.size(), r.out());
        for (String row : pooled) {
            List<Double> n = numbers(row.replaceAll(" ± [0-9.]+", ""));
            assertEquals(3, n.size(), row);
            assertTrue(n.get(1) >= 1 && n.get(1) <= 8 && n.get(2) >= 0 && n.get(2) <= 1, row);
        }
    }

    @Test
    void pipelineQuickPrintsBothRowsWithRatios() {
        Result r = bench("bench", "pipeline", "--quick");
        assertEquals(0, r.exit(), r.err());
        // | single layer, .npy 10×10 | 400 | bare | http | ratio | 2000 | yes/no |
        List<Double> single = numbers(r.row("| single layer"));
        assertEquals(5, single.size(), r.out());
        assertEquals(400, single.get(0));
        assertTrue(single.get(1) > 0 && single.get(2) > 0, r.out());
        assertEquals(single.get(2) / single.get(1), single.get(3), 0.01 + 0.01 * single.get(3), r.out());
        assertEquals(PipelineBench.SINGLE_LAYER_TARGET, single.get(4));
        String whole = r.row("| whole model");
        assertTrue(whole.contains("unmeasured") || numbers(whole).get(0) == 2000, whole);
        assertTrue(numbers(whole).stream().allMatch(v -> v > 0), whole);
        // The cost table: | label | POSTs/s | layer-snapshots/s | CPU µs per POST | of which clients | µs per layer-snapshot |
        for (String label : List.of("| trivial route", "| single layer, .npy")) {
            List<Double> cost = numbers(r.out().lines().filter(l -> l.startsWith(label)).reduce((a, b) -> b).orElseThrow());
            assertEquals(5, cost.size(), r.out());
            assertTrue(cost.stream().allMatch(v -> v > 0), r.out());
            assertTrue(cost.get(3) < cost.get(2), "the clients' CPU is part of the process's: " + r.out());
            assertEquals(cost.get(2), cost.get(4), 0.6, r.out()); // one layer a POST, printed to 1 and to 0.1 µs
        }
    }

    @Test
    void endToEndPrintsTheMonitorAgainstNumpyWithRatios() {
        Result r = bench("bench", "end-to-end", "--sizes", "48", "--repeats", "2", "--warmup", "0");
        assertEquals(0, r.exit(), r.err());
        for (String body : List.of("float64", "float32")) {
            // | n | body | POST | available | fetched | numpy f64 | ratio | numpy same | ratio | CPU | numpy CPU | CPU ratio |
            List<String> rows = r.rows("| 48 | " + body + " |");
            assertEquals(2, rows.size(), r.out()); // the timings, then where the CPU time went
            List<Double> n = numbers(rows.get(0).replace(" ms", "").replace("**", ""));
            assertEquals(11, n.size(), r.out());
            assertEquals(48.0, n.get(0));
            assertTrue(n.stream().allMatch(v -> v > 0 && Double.isFinite(v)), r.out());
            assertTrue(n.get(1) <= n.get(2) && n.get(2) <= n.get(3), "POST ≤ available ≤ fetched: " + r.out());
            // Times are printed to 0.001 ms and ratios to 0.01: the ratio of the printed times agrees within that.
            assertEquals(n.get(3) / n.get(4), n.get(5), 0.005 + n.get(5) * (0.0005 / n.get(3) + 0.0005 / n.get(4)), r.out());
            assertEquals(n.get(3) / n.get(6), n.get(7), 0.005 + n.get(7) * (0.0005 / n.get(3) + 0.0005 / n.get(6)), r.out());
            assertEquals(n.get(8) / n.get(9), n.get(10), 0.005 + n.get(10) * (0.0005 / n.get(8) + 0.0005 / n.get(9)), r.out());
            // The CPU breakdown's row: seven groups and their total, which is at least the ratio's CPU (JIT apart).
            List<Double> groups = numbers(rows.get(1));
            assertEquals(9, groups.size(), r.out());
            assertTrue(groups.get(8) >= n.get(8) - 0.01, r.out());
        }
        assertEquals(2, bench("bench", "end-to-end", "--warmup", "-1").exit());
    }

    @Test
    void largeLayerWithPartialAboveCountsTheSpectrumKinds() {
        // 64 is below what the tracker needs to gain (2·5·80 = 800): every spectrum is full.
        Result r = bench("bench", "large-layer", "--size", "64", "--seconds", "2", "--partial-above", "32");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("spectra: 0 top, 2 full (of which 0 forced: not converged, 0: slow tracking)"),
                r.out());
    }

    @Test
    void largeLayerKeepsUpWithASmallLayer() {
        Result r = bench("bench", "large-layer", "--size", "64", "--seconds", "2");
        assertEquals(0, r.exit(), r.err());
        // | 64×64 float32 | solver | posted | processed | dropped | mean / max |
        String row = r.row("| 64×64 float32");
        List<Double> n = numbers(row);
        assertEquals(List.of(2.0, 2.0, 0.0), n.subList(0, 3), row);
    }

    @Test
    void trainerPrintsTheRatio() {
        Result r = bench("bench", "trainer", "--steps", "5000");
        assertEquals(0, r.exit(), r.err());
        double alone = numbers(r.row("| alone")).get(0);
        double attached = numbers(r.row("| monitor attached")).get(0);
        double ratio = numbers(r.row("| ratio")).get(0);
        assertTrue(alone > 0 && attached > 0, r.out());
        assertEquals(attached / alone, ratio, 0.002, r.out());
    }

    @Test
    void spectrumTableHasItsRows() {
        Result r = bench("bench", "spectrum", "--sizes", "16,32", "--budget", "0.05", "--no-numpy");
        assertEquals(0, r.exit(), r.err());
        for (String w : List.of("| 16×16 ", "| 16×4 ", "| 32×32 ", "| 32×8 ")) {
            String row = r.row(w);
            assertTrue(row.contains("(k="), row);
        }
    }
}

package org.dysonmonitor.bench;

import org.dysonmonitor.cli.DysonMonitor;
import org.dysonmonitor.linalg.NativeLapack;
import org.dysonmonitor.linalg.SolverSelection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code bench cluster}: bad options exit 2 with a message before anything runs, and the quick mode
 * with small layers runs every part (node work, serialization, two nodes over TCP and two over mutual
 * TLS, the store, the model) and prints its tables. The figures are not asserted: they are the machine's.
 */
class ClusterScaleBenchTest {

    static Stream<Arguments> badOptions() {
        return Stream.of(
                Arguments.of(List.of("--sizes", "8"), "--sizes: each n must be 16..8192"),
                Arguments.of(List.of("--sizes", "1024,100000"), "--sizes: each n must be 16..8192"),
                Arguments.of(List.of("--round-trips", "0"), "--spectrum-runs, --round-trips and --store-writes must be ≥ 1"),
                Arguments.of(List.of("--cores", "0"), "--cores must be ≥ 1"),
                Arguments.of(List.of("--store-password-file", "/tmp/x"), "--store-password-file needs --store"),
                Arguments.of(List.of("--no-such-option"), "Unknown option: '--no-such-option'"));
    }

    @ParameterizedTest
    @MethodSource("badOptions")
    void badOptionsExit2WithAMessage(List<String> options, String message) {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        CommandLine cmd = DysonMonitor.commandLine();
        cmd.setErr(new PrintWriter(err, true));
        cmd.setOut(new PrintWriter(out, true));
        String[] args = Stream.concat(Stream.of("bench", "cluster"), options.stream()).toArray(String[]::new);
        assertEquals(2, cmd.execute(args), err::toString);
        assertTrue(err.toString().startsWith(message), err::toString);
        assertEquals("", out.toString());
    }

    @Test
    void quickModeRunsEveryPartAndPrintsItsTables() throws Exception {
        assumeTrue(NativeLapack.status().loaded(), "the bench measures the native spectra");
        List<Integer> sizes = List.of(32, 48);
        ClusterScaleBenchOptions o = new ClusterScaleBenchOptions(sizes, 1, 5, 5, 0.1, 2, Optional.empty(),
                Optional.empty()).quick(true);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
             PrintStream progress = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
            code = ClusterScaleBench.run(out, progress, o);
        }
        String md = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, md);
        assertTrue(md.contains("load average (1, 5, 15 min) at the start: ") && md.contains("at the end: "), md);
        for (int n : sizes) {
            // One row per size in the work, store and model tables, one per eigenvalue count in the wire tables.
            assertEquals(3, count(md, "(?m)^\\| " + n + "² \\|"), md);
            // 2a (the wire), 2b (round trips over TCP) and 2c (the same over mutual TLS): one row each.
            assertEquals(3, count(md, "(?m)^\\| " + n + " \\|"), md);
            // The TLS row: the other node's round trip over both transports, wall and CPU, and positive ratios.
            String t = " -?[0-9.]+ m?s \\|";
            String ratio = " ([0-9.]+) \\|";
            Matcher tls = Pattern.compile("(?m)^\\| " + n + " \\|" + t + t + ratio + t + t + t + ratio + "$").matcher(md);
            assertTrue(tls.find(), md);
            assertTrue(Double.parseDouble(tls.group(1)) > 0 && Double.parseDouble(tls.group(2)) > 0, tls.group());
            // CBOR writes each double in 9 bytes: an observation of n eigenvalues cannot be shorter than 8n.
            Matcher wire = Pattern.compile("(?m)^\\| " + n + " \\| [^|]+ \\| ([0-9,]+) \\|").matcher(md);
            assertTrue(wire.find(), md);
            assertTrue(Integer.parseInt(wire.group(1).replace(",", "")) >= 8 * n, wire.group());
            // The model's row: a positive number of layers per minute for each of 1, 3, 10 and 30 nodes.
            Matcher model = Pattern.compile("(?m)^\\| " + n + "² \\| [0-9.]+ \\|(( [0-9,.]+( \\(store\\))? \\|){5})$")
                    .matcher(md);
            assertTrue(model.find(), md);
        }
        assertTrue(md.contains("Store writes per snapshot: SQLite"), md);
        assertTrue(md.contains("needs the 4096² figures"), md);
    }

    @Test
    void aPairWhoseSecondNodeHasAnotherCasCertificateFailsWithinItsBoundSayingWhatEachNodeSees() throws Exception {
        try (ClusterTlsFiles ours = ClusterTlsFiles.temporary(1); ClusterTlsFiles theirs = ClusterTlsFiles.temporary(1)) {
            ClusterScaleBenchCluster.Transport mixed = new ClusterScaleBenchCluster.Transport("tls-tcp",
                    List.of(ours.nodes().get(0), theirs.nodes().get(0)));
            SolverSelection solvers = SolverSelection.select(SolverSelection.Mode.AUTO, true);
            IllegalStateException e = assertTimeoutPreemptively(Duration.ofMinutes(1), () -> assertThrows(
                    IllegalStateException.class, () -> new ClusterScaleBenchCluster(solvers, mixed, Duration.ofSeconds(10))));
            assertTrue(e.getMessage().startsWith("the two nodes did not both see two members up within 10 s: tls-tcp pair; "
                    + "node 0 (dyson@127.0.0.1:"), e.getMessage());
            // The seed sees itself only (up, or still joining on a loaded machine); the node with the other
            // CA's certificate never joined it.
            assertTrue(e.getMessage().matches(".*node 0 \\(dyson@127\\.0\\.0\\.1:\\d+\\) sees members "
                    + "\\[dyson@127\\.0\\.0\\.1:\\d+ \\w+\\].*"), e.getMessage());
            assertTrue(e.getMessage().matches(".*node 1 \\(dyson@127\\.0\\.0\\.1:\\d+\\) sees members \\[\\].*"),
                    e.getMessage());
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int k = 0;
        while (m.find()) {
            k++;
        }
        return k;
    }
}

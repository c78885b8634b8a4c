package org.dysonmonitor.http;

import org.dysonmonitor.metrics.MetricNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code GET /metrics} as Prometheus scrapes it: the content type, every metric name of design.md
 * after a few snapshots of a layer with a target and α, |B|, values that match the spectrum, the cap
 * on per-mode series, and {@code promtool check metrics} on a real scrape.
 */
class MetricsEndpointTest {

    /** Every metric of design.md's table, as sample names (counters with _total, the histogram as _bucket). */
    private static final List<String> DESIGN_METRICS = MetricNames.DESIGN_SAMPLE_NAMES;

    private static final String RUN = "metered";
    private static LiveMonitor live;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        live = LiveMonitor.start("metrics-endpoint-test", Map.of("dyson.max-mode-series", 8));
        api = live.serve(1 << 20);
        ApiClient.Reply put = api.put("/api/v1/runs/" + RUN,
                "{\"learning_rate\": 0.1, \"batch_size\": 16, \"targets\": {\"W\": [1, 1, 4, 9]}}");
        assertEquals(200, put.status(), put::toString);
        for (int step = 1; step <= 3; step++) {
            // diag(1, 1, 2, 3): eigenvalues 1, 1, 4, 9, the target, with a degenerate pair 0-1.
            ApiClient.Reply reply = api.snapshot(RUN, "W", "step=" + step, NpyFiles.npy(NpyFiles.diagonal(1, 1, 2, 3)));
            assertEquals(202, reply.status(), reply::toString);
            RunApiTest.awaitSnapshots(api, RUN, "W", step);
        }
        assertEquals(400, api.snapshot(RUN, "W", "step=4", new byte[0]).status());
        double[] d = new double[16];
        for (int i = 0; i < 16; i++) {
            d[i] = i + 1;
        }
        ApiClient.Reply wide = api.snapshot(RUN, "tall", "step=1", NpyFiles.npy(NpyFiles.rectangularDiagonal(32, 16, d)));
        assertEquals(202, wide.status(), wide::toString);
        RunApiTest.awaitSnapshots(api, RUN, "tall", 1);
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    @Test
    void theContentTypeIsPrometheusText004() {
        ApiClient.Reply reply = api.get("/metrics");
        assertEquals(200, reply.status());
        // Parameter values such as the charset name are case-insensitive.
        String type = reply.headers().firstValue("Content-Type").orElse("");
        assertTrue("text/plain; version=0.0.4; charset=utf-8".equalsIgnoreCase(type), type);
    }

    @Test
    void everyDesignMetricIsScraped() {
        Map<String, String> layer = Map.of("run", RUN, "layer", "W");
        Scrape scrape = Eventually.until("the rejection counted", api::scrape,
                s -> s.value("dyson_snapshots_rejected_total", Map.of("run", RUN, "layer", "W", "reason", "empty_body")) == 1);
        Set<String> missing = new TreeSet<>();
        for (String name : DESIGN_METRICS) {
            if (MetricNames.AFTER_DYNAMICS_MEASUREMENT.contains(name)) {
                continue; // three snapshots here; MetricsContractTest and DysonDynamicsReportTest scrape them
            }
            Map<String, String> where = name.startsWith("dyson_training_step") || name.startsWith("dyson_learning_rate")
                    || name.startsWith("dyson_batch_size") ? Map.of("run", RUN) : layer;
            if (scrape.samples(name, where).isEmpty()) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), () -> "missing from /metrics: " + missing);
        assertAll(
                () -> assertEquals(Set.of("0", "1", "2", "3"), scrape.labelValues("dyson_eigenvalue", "mode", layer)),
                () -> assertEquals(Set.of("0-1"), scrape.labelValues("dyson_pair_sigma_squared", "pair", layer)),
                () -> assertEquals(Set.of("0", "0.25", "0.5", "0.75", "1"),
                        scrape.labelValues("dyson_eigenvalue_quantile", "q", layer)),
                () -> assertEquals(0.1, scrape.value("dyson_learning_rate", Map.of("run", RUN))),
                () -> assertEquals(16.0, scrape.value("dyson_batch_size", Map.of("run", RUN))),
                () -> assertEquals(3.0, scrape.value("dyson_training_step", Map.of("run", RUN))),
                () -> assertEquals(0.0, scrape.value("dyson_target_distance", layer)),
                () -> assertEquals(3.0, scrape.value("dyson_spectral_norm", layer)),
                () -> assertEquals(3.0, scrape.value("dyson_snapshots_processed_total", layer)),
                () -> assertEquals(4.0, scrape.value("dyson_snapshots_received_total", layer)),
                () -> assertEquals(0.0, scrape.value("dyson_snapshots_dropped_total", layer)),
                () -> assertEquals(3.0, scrape.value("dyson_spectrum_compute_seconds_count", layer)),
                () -> assertEquals("counter", scrape.types().get("dyson_snapshots_received_total")),
                () -> assertEquals("histogram", scrape.types().get("dyson_level_spacing")),
                () -> assertEquals("gauge", scrape.types().get("dyson_eigenvalue")));
    }

    @Test
    void eigenvalueModeZeroIsTheSmallestEigenvalue() {
        Scrape scrape = api.scrape();
        assertEquals(1.0, scrape.value("dyson_eigenvalue", Map.of("run", RUN, "layer", "W", "mode", "0")));
        assertEquals(9.0, scrape.value("dyson_eigenvalue", Map.of("run", RUN, "layer", "W", "mode", "3")));
        assertEquals(1.0, scrape.value("dyson_eigenvalue_quantile", Map.of("run", RUN, "layer", "W", "q", "0")));
        assertEquals(9.0, scrape.value("dyson_eigenvalue_quantile", Map.of("run", RUN, "layer", "W", "q", "1")));
    }

    @Test
    void maxModeSeriesKeepsOnlyTheLargestModes() {
        Scrape scrape = api.scrape();
        Map<String, String> tall = Map.of("run", RUN, "layer", "tall");
        Set<String> expected = new TreeSet<>();
        for (int mode = 8; mode < 16; mode++) {
            expected.add(Integer.toString(mode));
            assertEquals((mode + 1.0) * (mode + 1.0),
                    scrape.value("dyson_eigenvalue", Map.of("run", RUN, "layer", "tall", "mode", Integer.toString(mode))),
                    "mode " + mode);
        }
        for (String name : List.of("dyson_eigenvalue", "dyson_eigenvalue_mean", "dyson_eigenvalue_variance")) {
            assertEquals(expected, scrape.labelValues(name, "mode", tall), name);
        }
    }

    @Test
    void promtoolFindsNoProblemInARealScrape() throws Exception {
        Path promtool = onPath("promtool");
        if (promtool == null) {
            fail("promtool is not on PATH: install it (apt-get install prometheus; .ci/run does) to lint /metrics");
        }
        ApiClient.Reply reply = api.get("/metrics");
        assertEquals(200, reply.status());
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(reply.body().getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("promtool check metrics did not finish");
        }
        assertEquals("", output.strip(), "promtool check metrics found problems");
        assertEquals(0, p.exitValue(), output);
    }

    private static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}

package org.dysonmonitor.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.cli.DemoRuns;
import org.dysonmonitor.http.HttpServer;
import org.dysonmonitor.http.ServerOptions;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.OverloadPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo, scraped every second by a real Prometheus (Debian's package, installed by .ci/run):
 * the dyson metrics arrive, every dashboard query and variable evaluates and returns data, and
 * promtool accepts the configuration, the rules, the rule tests and a real scrape.
 */
class PrometheusIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Monitor monitor;
    private static HttpServer server;
    private static Process prometheus;
    private static Path work;
    private static String prometheusUrl;

    @BeforeAll
    static void start() throws Exception {
        requireOnPath("prometheus");
        requireOnPath("promtool");
        monitor = Monitor.start("prometheus-it", ConfigFactory.load());
        server = HttpServer.start(monitor, new ServerOptions("127.0.0.1", 0, Optional.empty(),
                ServerOptions.DEFAULT_MAX_BODY), akka.http.javadsl.server.Directives.reject());
        // Faster than the demo's default pace, so the RBM runs become stationary within seconds.
        DemoRuns.start(monitor, 20_000, 10, 1, OverloadPolicy.LATEST);

        work = Files.createTempDirectory("dyson-prometheus");
        Path config = work.resolve("prometheus");
        copyDirectory(Paths.get("prometheus"), config);
        Path local = config.resolve("prometheus-local.yml");
        String target = server.address().getHostString() + ":" + server.address().getPort();
        Files.writeString(local, Files.readString(local).replace("127.0.0.1:8080", target).replace("5s", "1s"));
        int port = freePort();
        prometheusUrl = "http://127.0.0.1:" + port;
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + local,
                "--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
        if (monitor != null) {
            monitor.close();
        }
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void prometheusScrapesTheDemoAndEveryDashboardQueryReturnsData() throws Exception {
        // Wait (bounded) until the RBM runs have pair statistics and a few windows of samples exist.
        eventually("Prometheus scraped the demo's pairs", () ->
                query("count(dyson_pair_sigma_squared{run=\"rbm-a0.1-b16\"})").path(0).path("value").path(1).asText().equals("4"));
        assertEquals("1", query("up").path(0).path("value").path(1).asText(), "the monitor target is up");
        for (String run : DemoRuns.names()) {
            int modes = run.equals(DemoRuns.TEACHER_STUDENT) ? 2 : 10;
            JsonNode series = query("dyson_eigenvalue{run=\"" + run + "\",layer=\"W\"}");
            assertEquals(modes, series.size(), "every mode of " + run + " was scraped");
            assertTrue(query("dyson_snapshots_processed_total{run=\"" + run + "\"}").path(0).path("value").path(1)
                    .asDouble() > 0, run + " processed snapshots");
        }
        // The RBM's learned spectrum is on its way to x = μ² − κ: the largest mode starts near 0.04
        // (W ~ N(0, 0.1²): x ≲ (0.1·(√10+√10))² = 0.4) and must have moved toward its target 5.
        double largest = query("dyson_eigenvalue{run=\"rbm-a0.1-b16\",mode=\"9\"}").path(0).path("value").path(1).asDouble();
        assertTrue(largest > 2, "mode 9 of rbm-a0.1-b16 moved toward 5, is " + largest);
        Thread.sleep(5_000); // a few more scrapes, so every rate() and increase() window has two samples

        Process check = new ProcessBuilder("bash", "scripts/check-observability.sh", "--live", prometheusUrl,
                "--run", "rbm-a0.1-b16", "--layer", "W", "--metrics", server.url() + "/metrics")
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(5, TimeUnit.MINUTES), "check-observability finished");
        assertEquals(0, check.exitValue(), "check-observability --live failed:\n" + output);
    }

    private static JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(prometheusUrl + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("success", body.path("status").asText(), promql + " → " + r.body());
        return body.path("data").path("result");
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void eventually(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (IOException notYetUp) {
                // Prometheus is still starting
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what + "; prometheus log:\n"
                        + Files.readString(work.resolve("prometheus.log")));
            }
            Thread.sleep(250);
        }
    }

    private static void requireOnPath(String tool) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
        if (p.waitFor() != 0) {
            throw new AssertionError(tool + " is not installed: apt-get install -y prometheus python3-yaml "
                    + "(.ci/run does this)");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path dest = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(f, dest);
                }
            }
        }
    }
}

package org.dysonmonitor.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.cli.DemoRuns;
import org.dysonmonitor.http.AccessTokens;
import org.dysonmonitor.http.HttpServer;
import org.dysonmonitor.http.ServerOptions;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.OverloadPolicy;
import org.dysonmonitor.tls.TestCa;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Prometheus (Debian's package) scrapes the monitor over HTTPS with the scrape configuration of
 * {@code prometheus/prometheus-https.yml}: the test CA as {@code ca_file}, the metrics token as
 * {@code authorization.credentials_file}. The target is up and a monitor metric comes back from a
 * query; a second job without the token is down with the monitor's 401.
 */
class PrometheusHttpsTest {

    private static final String METRICS_TOKEN = "prometheus-scrape-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path work;

    private static Monitor monitor;
    private static Process prometheus;
    private static String prometheusUrl;

    @BeforeAll
    static void start() throws Exception {
        TestCa ca = TestCa.create(work.resolve("ca"));
        monitor = Monitor.start("prometheus-https", ConfigFactory.load());
        HttpServer server = HttpServer.start(monitor, new ServerOptions("127.0.0.1", 0, Optional.empty(),
                        ServerOptions.DEFAULT_MAX_BODY).withTokens(AccessTokens.none(), AccessTokens.parse(METRICS_TOKEN))
                .withTls(ca.serverContext()), akka.http.javadsl.server.Directives.reject());
        DemoRuns.start(monitor, 20_000, 10, 1, OverloadPolicy.LATEST);

        Path token = work.resolve("metrics-token");
        Files.writeString(token, METRICS_TOKEN + "\n");
        String target = "127.0.0.1:" + server.address().getPort();
        String example = Files.readString(Path.of("prometheus", "prometheus-https.yml"));
        String config = example.replace("/etc/dyson-monitor/ca.crt", ca.caFile().toString())
                .replace("/etc/dyson-monitor/metrics-token", token.toString())
                .replace("node1.example.org:8443", target)
                .replace("5s", "1s")
                .replaceAll("(?m)^rule_files:\\n(  - .*\\n)+", "")
                // The same target without the token: Prometheus must see the monitor's 401.
                + "  - job_name: no-token\n    scheme: https\n    tls_config:\n      ca_file: " + ca.caFile()
                + "\n    static_configs:\n      - targets: [\"" + target + "\"]\n";
        assertTrue(config.contains("credentials_file: " + token), "the example was used:\n" + config);
        Path file = work.resolve("prometheus.yml");
        Files.writeString(file, config);
        int port = freePort();
        prometheusUrl = "http://127.0.0.1:" + port;
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + file, "--storage.tsdb.path=" + work.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
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
    }

    @Test
    void prometheusScrapesOverHttpsWithTheCaAndTheToken() throws Exception {
        JsonNode processed = eventually(() -> {
            JsonNode r = query("dyson_snapshots_processed_total{job=\"dyson-monitor\",run=\"rbm-a0.1-b16\"}");
            return r.size() > 0 && r.path(0).path("value").path(1).asDouble() > 0 ? r : null;
        });
        assertTrue(processed.path(0).path("value").path(1).asDouble() > 0, processed.toString());
        assertEquals("1", query("up{job=\"dyson-monitor\"}").path(0).path("value").path(1).asText());
        JsonNode targets = eventually(() -> {
            JsonNode active = get("/api/v1/targets?state=active").path("data").path("activeTargets");
            for (JsonNode t : active) {
                if (t.path("labels").path("job").asText().equals("no-token") && t.path("health").asText().equals("down")) {
                    return t;
                }
            }
            return null;
        });
        assertTrue(targets.path("lastError").asText().contains("401"), targets.toString());
    }

    private interface Probe {
        JsonNode value() throws Exception;
    }

    private static JsonNode eventually(Probe probe) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            try {
                JsonNode v = probe.value();
                if (v != null) {
                    return v;
                }
            } catch (IOException notYetUp) {
                // Prometheus is still starting
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Prometheus never scraped the monitor; its log:\n"
                        + Files.readString(work.resolve("prometheus.log")));
            }
            Thread.sleep(250);
        }
    }

    private static JsonNode query(String promql) throws IOException, InterruptedException {
        JsonNode body = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        assertEquals("success", body.path("status").asText(), promql + " → " + body);
        return body.path("data").path("result");
    }

    private static JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(prometheusUrl + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

package org.dysonmonitor.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.ingest.WeightMatrix;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Prometheus scrapes three cluster nodes with the cluster's scrape configuration and the
 * project's rules: the counters summed over the nodes count every post, a layer's gauges are one
 * series whichever node hosts them, every recording rule evaluates to one series per layer (never one
 * per node), and the cluster's own series report three members from each node.
 */
class ClusterPrometheusTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int LAYERS = 4;
    private static final int PER_LAYER = 30;
    private static final int N = 6;

    @TempDir
    Path work;

    @Test
    void rulesAndCountersSeeOneClusterNotThreeNodes() throws Exception {
        Assumptions.assumeTrue(onPath("prometheus"), "Debian's prometheus is not installed");
        try (ClusterNodes nodes = ClusterNodes.start(3)) {
            Path config = work.resolve("prometheus");
            Files.createDirectories(config);
            for (String f : List.of("rules.yml", "alerts.yml")) {
                Files.copy(Path.of("prometheus", f), config.resolve(f));
            }
            List<String> targets = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                targets.add("\"" + URI.create(nodes.url(i)).getAuthority() + "\"");
            }
            String scrape = Files.readString(Path.of("prometheus", "prometheus-cluster.yml"))
                    .replace("\"node1:8081\", \"node2:8082\", \"node3:8083\"", String.join(", ", targets))
                    .replace("5s", "1s");
            assertTrue(scrape.contains(targets.get(0)), "the cluster's scrape configuration names its three targets");
            Files.writeString(config.resolve("prometheus.yml"), scrape);
            int port = ClusterNodes.freePort();
            String prometheus = "http://127.0.0.1:" + port;
            Process p = new ProcessBuilder("prometheus", "--config.file=" + config.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
            try {
                // Policy all (a PUT reaches every node): every post is processed, none replaced by a newer one.
                HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(nodes.url(1) + "/api/v1/runs/c"))
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"policy\": \"all\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, put.statusCode(), put.body());
                // Every layer posted to every node in turn: each node receives a third of each layer.
                SplittableRandom random = new SplittableRandom(5);
                for (int step = 0; step < PER_LAYER; step++) {
                    for (int l = 0; l < LAYERS; l++) {
                        HttpResponse<String> r = post(nodes.url((step + l) % 3), "c", "L" + l, step, diagonal(random));
                        assertEquals(202, r.statusCode(), r.body());
                    }
                }
                eventually(prometheus, "sum(dyson_snapshots_processed_total{run=\"c\"})", LAYERS * PER_LAYER);
                assertEquals(3, query(prometheus, "up == 1").size(), "three nodes scraped");
                // Each node reports the three members.
                JsonNode members = query(prometheus, "dyson_cluster_members{status=\"up\"}");
                assertEquals(3, members.size());
                members.forEach(m -> assertEquals("3", m.path("value").path(1).asText()));
                // Counters: three series per layer (one per receiving node); summed, every post once.
                assertEquals(3 * LAYERS, query(prometheus, "dyson_snapshots_received_total{run=\"c\"}").size());
                assertEquals(LAYERS * PER_LAYER, value(prometheus,
                        "sum(sum without (instance) (dyson_snapshots_received_total{run=\"c\"}))"));
                // A layer's gauges are on one node: one series per mode whatever the aggregation.
                for (int l = 0; l < LAYERS; l++) {
                    assertEquals(N, query(prometheus, "dyson_eigenvalue_mean{run=\"c\",layer=\"L" + l + "\"}").size(),
                            "layer L" + l + "'s gauges on exactly one node");
                }
                Thread.sleep(5_000); // more scrapes and rule evaluations, for every rate() window
                // Every recording rule that has data has one series per layer of the run, never one per node.
                Matcher record = Pattern.compile("(?m)^\\s*- record: (\\S+)").matcher(
                        Files.readString(config.resolve("rules.yml")));
                int checked = 0;
                while (record.find()) {
                    String name = record.group(1);
                    JsonNode series = query(prometheus, name + "{run=\"c\"}");
                    for (JsonNode s : series) {
                        assertTrue(s.path("metric").path("instance").isMissingNode(),
                                name + " keeps the instance label: " + s);
                    }
                    if (name.startsWith("dyson:snapshots_") && name.endsWith(":rate1m")) {
                        assertEquals(LAYERS, series.size(), name + ": one series per layer, not per node");
                        checked++;
                    }
                }
                assertTrue(checked >= 4, "the snapshot-rate rules were evaluated");
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** W = diag(√x) with x around 1..N: the eigenvalues of WᵀW are x. */
    private static WeightMatrix diagonal(SplittableRandom random) {
        double[] w = new double[N * N];
        for (int i = 0; i < N; i++) {
            w[i * N + i] = Math.sqrt(1 + i + 0.05 * random.nextGaussian());
        }
        return WeightMatrix.of(N, N, w, false);
    }

    private static HttpResponse<String> post(String url, String run, String layer, long step, WeightMatrix w) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/runs/" + run + "/layers/" + layer
                        + "/snapshots?step=" + step)).header("Content-Type", "application/x-npy")
                .POST(HttpRequest.BodyPublishers.ofByteArray(NpyEncoder.encode(w))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode query(String prometheus, String promql) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(prometheus + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("success", body.path("status").asText(), promql + " → " + r.body());
        return body.path("data").path("result");
    }

    private static long value(String prometheus, String promql) throws Exception {
        JsonNode r = query(prometheus, promql);
        return r.isEmpty() ? -1 : Math.round(r.get(0).path("value").path(1).asDouble());
    }

    private static void eventually(String prometheus, String promql, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        long last;
        while ((last = value(prometheus, promql)) != expected) {
            assertTrue(System.nanoTime() < deadline, promql + " is " + last + ", expected " + expected);
            Thread.sleep(500);
        }
    }

    private static boolean onPath(String tool) throws Exception {
        return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
    }
}

package org.dysonmonitor.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.dysonmonitor.cluster.ClusterNodes.awaitReport;
import static org.dysonmonitor.cluster.ClusterNodes.gauge;
import static org.dysonmonitor.cluster.ClusterNodes.gaussian;
import static org.dysonmonitor.cluster.ClusterNodes.get;
import static org.dysonmonitor.cluster.ClusterNodes.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three monitor nodes (three actor systems on 127.0.0.1, Artery TCP on free ports) in one JVM form a
 * cluster and share the layers: snapshots of one layer posted to different nodes feed one set of
 * running statistics, whichever node holds it; every node answers for every layer; the layers'
 * gauges are on exactly one node; the listing sums what each node received.
 */
class ThreeNodeClusterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static ClusterNodes nodes;
    private static final List<String> URLS = new ArrayList<>();

    @BeforeAll
    static void formCluster() throws Exception {
        nodes = ClusterNodes.start(3);
        for (int i = 0; i < 3; i++) {
            URLS.add(nodes.url(i));
        }
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void oneLayerPostedToEveryNodeHasOneSetOfStatistics() throws Exception {
        int perNode = 6;
        Random random = new Random(7);
        for (int step = 0; step < 3 * perNode; step++) {
            // Round robin over the nodes: each receives a third of the layer's snapshots.
            HttpResponse<String> r = post(URLS.get(step % 3), "shared", "W", step, gaussian(random, 24, 16));
            assertEquals(202, r.statusCode(), r.body());
        }
        // Asked of any node, the report is the one entity's, which saw every snapshot.
        for (String url : URLS) {
            JsonNode report = awaitReport(url, "shared", "W", 3 * perNode);
            assertEquals(16, report.get("eigenvalues").size());
            // The latest step the entity saw: the three nodes compute their spectra independently, so the
            // last to arrive is one of the last few posted, not necessarily the last.
            assertTrue(report.get("step").asLong() <= 3 * perNode - 1 && report.get("step").asLong() >= 3 * perNode - 4,
                    "step " + report.get("step"));
        }
        // The listing sums what the nodes received: each node counted its own third.
        JsonNode runs = JSON.readTree(get(URLS.get(1) + "/api/v1/runs").body()).get("runs");
        JsonNode layer = find(runs, "shared").get("layers").get(0);
        assertEquals(3 * perNode, layer.get("received").asLong());
        assertEquals(3 * perNode, layer.get("processed").asLong());
        // The layer's gauges are on exactly one node: its entity's.
        int hosting = 0;
        for (String url : URLS) {
            if (get(url + "/metrics").body().contains("dyson_eigenvalue_mean{layer=\"W\",mode=\"0\",run=\"shared\"")) {
                hosting++;
            }
        }
        assertEquals(1, hosting, "the gauges of one layer must be on one node");
    }

    @Test
    void layersAreSpreadOverTheNodes() throws Exception {
        Random random = new Random(11);
        int layers = 12;
        for (int i = 0; i < layers; i++) {
            assertEquals(202, post(URLS.get(0), "spread", "L" + i, 1, gaussian(random, 12, 12)).statusCode());
        }
        for (int i = 0; i < layers; i++) {
            awaitReport(URLS.get(2), "spread", "L" + i, 1);
        }
        // Every node polls its shard region every 2 s; wait for the counts to settle.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int total;
        int nodesWithEntities;
        do {
            Thread.sleep(500);
            total = 0;
            nodesWithEntities = 0;
            for (String url : URLS) {
                int n = (int) gauge(get(url + "/metrics").body(), "dyson_cluster_entities");
                total += n;
                nodesWithEntities += n > 0 ? 1 : 0;
            }
        } while ((total < layers + 1 || nodesWithEntities < 2) && System.nanoTime() < deadline);
        // The other test's layer may be among them: at least these 12, on more than one node.
        assertTrue(total >= layers, "entities hosted over the nodes: " + total);
        assertTrue(nodesWithEntities >= 2, "12 layers in 100 shards all on one node: sharding did not spread them");
    }

    @Test
    void theLiveStreamOfAnyNodeCarriesEveryNodesReports() throws Exception {
        // Subscribed on node 3; the snapshots go to node 1; the layer's entity may be on any node.
        var events = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(URLS.get(2) + "/api/v1/stream?run=live")).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        HttpResponse<java.util.stream.Stream<String>> stream = events.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(200, stream.statusCode());
        Random random = new Random(3);
        Thread poster = new Thread(() -> {
            for (int step = 0; step < 40 && !Thread.currentThread().isInterrupted(); step++) {
                try {
                    post(URLS.get(0), "live", "W", step, gaussian(random, 8, 8));
                    Thread.sleep(100);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
        poster.start();
        try {
            String data = stream.body().filter(line -> line.startsWith("data:")).findFirst().orElseThrow();
            JsonNode report = JSON.readTree(data.substring(5));
            assertEquals("live", report.get("run").asText());
            assertEquals("W", report.get("layer").asText());
        } finally {
            poster.interrupt();
            stream.body().close();
        }
    }

    private static JsonNode find(JsonNode runs, String run) {
        for (JsonNode r : runs) {
            if (r.get("run").asText().equals(run)) {
                return r;
            }
        }
        throw new AssertionError("run " + run + " not listed: " + runs);
    }
}

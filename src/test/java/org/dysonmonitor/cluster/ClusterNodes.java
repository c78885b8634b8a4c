package org.dysonmonitor.cluster;

import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.ClusterShardingQuery;
import akka.cluster.sharding.typed.GetClusterShardingStats;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.http.javadsl.server.AllDirectives;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.http.HttpServer;
import org.dysonmonitor.http.ServerOptions;
import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.monitor.Monitor;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Monitor nodes of one cluster on 127.0.0.1 in this JVM (Artery on free ports, no store), each with
 * its HTTP server on a free port: the cluster tests' fixture.
 */
final class ClusterNodes implements AutoCloseable {

    private static final AllDirectives NONE = new AllDirectives() { };
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final List<Monitor> monitors = new ArrayList<>();
    final List<HttpServer> servers = new ArrayList<>();

    private final List<ClusterConfig.Seed> seeds;

    private ClusterNodes(int seedPort) {
        this.seeds = List.of(new ClusterConfig.Seed("127.0.0.1", seedPort));
    }

    /** Starts {@code count} nodes, the first the seed, and waits until all are up (at most a minute). */
    static ClusterNodes start(int count) throws Exception {
        ClusterNodes nodes = new ClusterNodes(freePort());
        try {
            for (int i = 0; i < count; i++) {
                nodes.startNode(i == 0 ? nodes.seeds.get(0).port() : freePort());
            }
            nodes.awaitUp(count);
            return nodes;
        } catch (Exception | AssertionError e) {
            nodes.close();
            throw e;
        }
    }

    /** Starts one more node, which joins the cluster, and waits until it is up and its region registered. */
    void join() throws Exception {
        startNode(freePort());
        awaitUp(monitors.size());
    }

    private void startNode(int port) {
        Config config = ClusterConfig.of(ConfigFactory.parseMap(Map.of("dyson.report-interval", "0ms",
                        "akka.cluster.jmx.multi-mbeans-in-same-jvm", "on",
                        // Akka's default is 10 s: a rebalance the tests must not see would come too late to see.
                        "akka.cluster.sharding.rebalance-interval", "1s"))
                .withFallback(ConfigFactory.load()), "127.0.0.1", port, seeds, -1);
        Monitor m = Monitor.start(ClusterConfig.SYSTEM_NAME, config,
                SolverSelection.select(SolverSelection.Mode.AUTO, true), new ClusterNode(null));
        monitors.add(m);
        servers.add(HttpServer.start(m, new ServerOptions("127.0.0.1", 0, Optional.empty(), 1 << 24), NONE.reject()));
    }

    private void awaitUp(int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (upMembers(count - 1) < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(count + " nodes did not form a cluster within 60 s");
            }
            Thread.sleep(200);
        }
        // Members up is not yet sharding ready: each node's shard region registers with the coordinator
        // after it is up, and a layer posted before the last one registered is placed on the others.
        while (regions() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the coordinator knew " + regions() + " of " + count
                        + " shard regions within 60 s");
            }
            Thread.sleep(200);
        }
    }

    String url(int i) {
        return servers.get(i).url();
    }

    /** Members up, as node {@code i} sees them. */
    int upMembers(int i) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url(i) + "/api/v1/cluster")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return 0;
        }
        int up = 0;
        for (JsonNode m : JSON.readTree(r.body()).get("members")) {
            up += m.get("status").asText().equals("up") ? 1 : 0;
        }
        return up;
    }

    /** The shard regions of the layers that the coordinator knows, as node 0 asks it. */
    int regions() throws Exception {
        var system = monitors.get(0).system();
        ShardRegion.ClusterShardingStats stats = AskPattern.<ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
                        ClusterSharding.get(system).shardState(),
                        replyTo -> new GetClusterShardingStats(LayerEntity.KEY, Duration.ofSeconds(3), replyTo),
                        Duration.ofSeconds(5), system.scheduler())
                .toCompletableFuture().get();
        return stats.getRegions().size();
    }

    @Override
    public void close() {
        monitors.forEach(Monitor::close);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The layer's report once it has seen {@code snapshots} (exactly: more fails), polled for 30 s. */
    static JsonNode awaitReport(String url, String run, String layer, long snapshots) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<String> r = get(url + "/api/v1/runs/" + run + "/layers/" + layer);
            if (r.statusCode() == 200) {
                JsonNode report = JSON.readTree(r.body());
                if (report.get("snapshots").asLong() >= snapshots) {
                    assertEquals(snapshots, report.get("snapshots").asLong(), "more snapshots than were posted");
                    return report;
                }
            }
            assertTrue(System.nanoTime() < deadline, "no report of " + snapshots + " snapshots of " + run + "/" + layer
                    + " from " + url + ": " + r.statusCode() + " " + r.body());
            Thread.sleep(100);
        }
    }

    static double gauge(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static WeightMatrix gaussian(Random random, int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian() / Math.sqrt(cols);
        }
        return WeightMatrix.of(rows, cols, v, false);
    }

    static HttpResponse<String> post(String url, String run, String layer, long step, WeightMatrix w)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/runs/" + run + "/layers/" + layer
                        + "/snapshots?step=" + step))
                .header("Content-Type", "application/x-npy")
                .POST(HttpRequest.BodyPublishers.ofByteArray(NpyEncoder.encode(w))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}

package org.dysonmonitor.cluster;

import akka.http.javadsl.server.AllDirectives;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.http.HttpServer;
import org.dysonmonitor.http.ServerOptions;
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

    /** Starts {@code count} nodes, the first the seed, and waits until all are up (at most a minute). */
    static ClusterNodes start(int count) throws Exception {
        ClusterNodes nodes = new ClusterNodes();
        try {
            int seed = freePort();
            List<ClusterConfig.Seed> seeds = List.of(new ClusterConfig.Seed("127.0.0.1", seed));
            for (int i = 0; i < count; i++) {
                Config config = ClusterConfig.of(ConfigFactory.parseMap(Map.of("dyson.report-interval", "0ms",
                                "akka.cluster.jmx.multi-mbeans-in-same-jvm", "on"))
                        .withFallback(ConfigFactory.load()), "127.0.0.1", i == 0 ? seed : freePort(), seeds, -1);
                Monitor m = Monitor.start(ClusterConfig.SYSTEM_NAME, config,
                        SolverSelection.select(SolverSelection.Mode.AUTO, true), new ClusterNode(null));
                nodes.monitors.add(m);
                nodes.servers.add(HttpServer.start(m, new ServerOptions("127.0.0.1", 0, Optional.empty(), 1 << 24),
                        NONE.reject()));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (nodes.upMembers(count - 1) < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(count + " nodes did not form a cluster within 60 s");
                }
                Thread.sleep(200);
            }
            return nodes;
        } catch (Exception | AssertionError e) {
            nodes.close();
            throw e;
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

    @Override
    public void close() {
        monitors.forEach(Monitor::close);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

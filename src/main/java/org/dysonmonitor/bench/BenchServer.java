package org.dysonmonitor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.monitor.SchedulerTick;
import org.dysonmonitor.http.HttpServer;
import org.dysonmonitor.http.ServerOptions;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.monitor.Monitor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

/**
 * A monitor with its HTTP server on a free local port, and a client that talks to it as a training
 * job would: only through the documented API.
 */
final class BenchServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Monitor monitor;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private BenchServer(Monitor monitor, HttpServer server) {
        this.monitor = monitor;
        this.server = server;
    }

    /** Starts a monitor named {@code name} with this spectrum solver selection and the default caps. */
    static BenchServer start(String name, SolverSelection solvers) {
        return start(name, solvers, ConfigFactory.load().getInt("dyson.max-layers-per-run"));
    }

    /** The same, allowing {@code maxLayers} layers per run (a whole model may have more than the default cap). */
    static BenchServer start(String name, SolverSelection solvers, int maxLayers) {
        return start(name, solvers, maxLayers, java.util.Optional.empty());
    }

    /** With a history store in {@code dataDir} when given (as {@code serve --data-dir} opens it). */
    static BenchServer start(String name, SolverSelection solvers, int maxLayers, java.util.Optional<java.nio.file.Path> dataDir) {
        return start(name, solvers, maxLayers, dataDir, akka.http.javadsl.server.Directives.reject());
    }

    /** The same, serving {@code extra} beside the API (where {@code serve} has the live page). */
    static BenchServer start(String name, SolverSelection solvers, int maxLayers, java.util.Optional<java.nio.file.Path> dataDir,
                             akka.http.javadsl.server.Route extra) {
        Map<String, Object> settings = new java.util.HashMap<>(Map.of("dyson.max-layers-per-run", maxLayers));
        dataDir.ifPresent(d -> settings.putAll(Map.of("dyson.store.data-dir", d.toString(),
                "dyson.store.retention", "30d", "dyson.store.max-size", "2GiB", "dyson.store.checkpoint-interval", "5s")));
        // The server the benchmarks measure is serve's: no built-in trainer, Akka's 10 ms tick.
        Config config = SchedulerTick.serving(ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load()));
        Monitor monitor = Monitor.start(name, config, solvers);
        HttpServer server = HttpServer.start(monitor, new ServerOptions("127.0.0.1", 0, Optional.empty(),
                ServerOptions.DEFAULT_MAX_BODY), extra);
        return new BenchServer(monitor, server);
    }

    /** The server's socket address, for clients of its own. */
    java.net.InetSocketAddress address() {
        return server.address();
    }

    Monitor monitor() {
        return monitor;
    }

    /** {@code PUT /api/v1/runs/{run}} with this JSON body. */
    void putRun(String run, String json) {
        send(HttpRequest.newBuilder(uri("/api/v1/runs/" + run)).PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /**
     * POSTs a body to {@code path} and returns the response's status; a 503 (policy all, a queue full)
     * is retried after 100 ms, as a client should.
     */
    int post(String path, byte[] body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** Every report of {@code run} from its first snapshot on, to wait on without polling (see {@link ReportWatch}). */
    ReportWatch watch(String run) {
        return ReportWatch.of(monitor, run);
    }

    /** The step of the layer's report, {@code GET /api/v1/runs/{run}/layers/{layer}} (-1 while it has none). */
    long reportStep(String run, String layer) {
        HttpRequest get = HttpRequest.newBuilder(uri("/api/v1/runs/" + run + "/layers/" + layer)).GET().build();
        try {
            HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()).get("step").asLong() : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** received − processed − dropped − rejected over the run's layers: snapshots still on their way. */
    long inFlight(String run) {
        return layerCounts(run, "received") - layerCounts(run, "processed") - layerCounts(run, "dropped")
                - layerCounts(run, "rejected");
    }

    private long layerCounts(String run, String field) {
        long sum = 0;
        for (JsonNode r : runs().get("runs")) {
            if (r.get("run").asText().equals(run)) {
                for (JsonNode l : r.get("layers")) {
                    sum += l.get(field).asLong();
                }
            }
        }
        return sum;
    }

    /** The layer rows of {@code GET /api/v1/runs} for this run. */
    JsonNode layers(String run) {
        for (JsonNode r : runs().get("runs")) {
            if (r.get("run").asText().equals(run)) {
                return r.get("layers");
            }
        }
        throw new IllegalStateException("run " + run + " is not listed");
    }

    private JsonNode runs() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/v1/runs")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create(server.url() + path);
    }

    /** Sends, retrying 503; a status of 300 or more other than 404 fails the benchmark. */
    private int send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            while (r.statusCode() == 503) {
                Thread.sleep(100);
                r = http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            if (r.statusCode() >= 300 && r.statusCode() != 404) {
                throw new IllegalStateException("benchmark request " + request.uri().getPath() + " failed: "
                        + r.statusCode() + " " + r.body());
            }
            return r.statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        monitor.close();
    }
}

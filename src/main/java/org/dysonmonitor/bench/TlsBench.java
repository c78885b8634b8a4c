package org.dysonmonitor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.http.HttpServer;
import org.dysonmonitor.http.ServerOptions;
import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.tls.CertificateAuthority;
import org.dysonmonitor.tls.ServerCredentials;
import org.dysonmonitor.tls.SubjectAltNames;
import org.dysonmonitor.tls.TlsContexts;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The cost of HTTPS: single-layer {@code .npy} snapshots per second through the whole monitor (POST →
 * spectrum → statistics → metrics, policy {@code all}) over HTTPS against plain HTTP, the same layer
 * sizes, clients and solver, in the same run. HTTP and HTTPS alternate, twice each, so that a change
 * of the shared machine's load hits both; the ratio is of the best of each. Clients keep their
 * connections (one TLS handshake per client), as the JDK's HttpClient does.
 */
public final class TlsBench {

    /**
     * @param clients concurrent HTTP clients
     * @param sizes   layer sizes n (n×n float32), one pair of rows each
     * @param posts   POSTs timed per measurement
     * @param solvers the monitor's spectrum solver
     */
    public record Options(int clients, List<Integer> sizes, int posts, SolverSelection solvers) {
        public Options {
            sizes = List.copyOf(sizes);
            if (clients < 1 || posts < 1 || sizes.isEmpty() || sizes.stream().anyMatch(s -> s < 1)) {
                throw new IllegalArgumentException("clients, posts and sizes must be ≥ 1");
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private TlsBench() {
    }

    public static void run(PrintStream out, Options o) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("bench CA", Duration.ofDays(1), 2048, Instant.now(), new SecureRandom());
        CertificateAuthority.Issued server = ca.issue("dyson-monitor", "bench", SubjectAltNames.parse(List.of("127.0.0.1")),
                Duration.ofDays(1), 2048, Instant.now(), new SecureRandom());
        SSLContext serverContext = TlsContexts.server(new ServerCredentials(server.keys().getPrivate(), List.of(server.certificate())));
        SSLContext clientContext = TlsContexts.trusting(List.of(ca.certificate()));
        out.printf(Locale.ROOT, "Solver: %s; %d clients, policy all, connections kept; load average %s%n%n",
                o.solvers().reason(), o.clients(), Machine.loadAverages());
        out.println("| layer | round | HTTP (layer-snapshots/s) | HTTPS (layer-snapshots/s) | HTTPS / HTTP |");
        out.println("|---|---:|---:|---:|---:|");
        out.flush();
        List<String> summary = new ArrayList<>();
        for (int size : o.sizes()) {
            byte[][] bodies = {NpyEncoder.encode(PipelineBench.matrix(size, 1)), NpyEncoder.encode(PipelineBench.matrix(size, 2))};
            double bestHttp = 0;
            double bestHttps = 0;
            for (int round = 1; round <= 2; round++) {
                double http = rate(o, bodies, Optional.empty(), null);
                double https = rate(o, bodies, Optional.of(serverContext), clientContext);
                bestHttp = Math.max(bestHttp, http);
                bestHttps = Math.max(bestHttps, https);
                out.printf(Locale.ROOT, "| %d×%d float32 (%d bytes) | %d | %.0f | %.0f | %.2f |%n", size, size,
                        bodies[0].length, round, http, https, https / http);
                out.flush();
            }
            summary.add(String.format(Locale.ROOT, "| %d×%d float32, best of 2 | | %.0f | %.0f | %.2f |",
                    size, size, bestHttp, bestHttps, bestHttps / bestHttp));
        }
        summary.forEach(out::println);
        out.println();
        handshakes(out, o, serverContext, clientContext);
        out.println();
        out.println("TLS 1.3 with the JDK's provider (AES-GCM, RSA 2048 certificate). A client that opens a new "
                + "connection per request (Python's urllib) pays one handshake per snapshot: the second table.");
        out.flush();
    }

    /**
     * A new connection per request, as Python's urllib makes: {@code GET /healthz} with
     * {@code Connection: close} over a fresh socket, one client thread, plain against TLS (a full
     * handshake each: the client keeps no session).
     */
    private static void handshakes(PrintStream out, Options o, SSLContext serverContext, SSLContext clientContext)
            throws Exception {
        int requests = Math.max(50, o.posts() / 10);
        Monitor monitor = Monitor.start("bench-tls-handshake", ConfigFactory.load(), o.solvers());
        try {
            ServerOptions plain = new ServerOptions("127.0.0.1", 0, Optional.empty(), ServerOptions.DEFAULT_MAX_BODY);
            HttpServer http = HttpServer.start(monitor, plain, akka.http.javadsl.server.Directives.reject());
            HttpServer https = HttpServer.start(monitor, plain.withTls(serverContext), akka.http.javadsl.server.Directives.reject());
            out.println("| fresh connection per request | requests | HTTP (/s) | HTTPS (/s) | HTTPS / HTTP |");
            out.println("|---|---:|---:|---:|---:|");
            for (int round = 1; round <= 2; round++) {
                double plainRate = freshConnections(http.address().getPort(), null, requests);
                double tlsRate = freshConnections(https.address().getPort(), clientContext, requests);
                out.printf(Locale.ROOT, "| GET /healthz, round %d | %d | %.0f | %.0f | %.2f |%n", round, requests,
                        plainRate, tlsRate, tlsRate / plainRate);
                out.flush();
            }
        } finally {
            monitor.close();
        }
    }

    private static double freshConnections(int port, SSLContext tls, int requests) throws IOException {
        byte[] request = ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            java.net.Socket socket = tls == null ? new java.net.Socket("127.0.0.1", port)
                    : tls.getSocketFactory().createSocket("127.0.0.1", port);
            try (socket) {
                socket.getOutputStream().write(request);
                byte[] answer = socket.getInputStream().readAllBytes();
                if (!new String(answer, 0, Math.min(12, answer.length), java.nio.charset.StandardCharsets.US_ASCII)
                        .equals("HTTP/1.1 200")) {
                    throw new IllegalStateException("GET /healthz did not answer 200");
                }
            }
        }
        return requests / ((System.nanoTime() - start) * 1e-9);
    }

    /** Layer-snapshots per second: a warm-up of a fifth, then {@code posts} POSTs timed until all are processed. */
    private static double rate(Options o, byte[][] bodies, Optional<SSLContext> tls, SSLContext client) throws Exception {
        Monitor monitor = Monitor.start("bench-tls", ConfigFactory.load(), o.solvers());
        try {
            ServerOptions options = new ServerOptions("127.0.0.1", 0, Optional.empty(), ServerOptions.DEFAULT_MAX_BODY);
            HttpServer server = HttpServer.start(monitor, tls.map(options::withTls).orElse(options),
                    akka.http.javadsl.server.Directives.reject());
            HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
            HttpClient http = (client == null ? builder : builder.sslContext(client)).build();
            String base = server.url();
            send(http, HttpRequest.newBuilder(URI.create(base + "/api/v1/runs/bench-tls"))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"policy\":\"all\"}")).build());
            int warm = Math.max(1, o.posts() / 5);
            post(o, http, base, bodies, 0, warm);
            awaitProcessed(http, base, warm);
            long start = System.nanoTime();
            post(o, http, base, bodies, warm, warm + o.posts());
            awaitProcessed(http, base, warm + o.posts());
            return o.posts() / ((System.nanoTime() - start) * 1e-9);
        } finally {
            monitor.close();
        }
    }

    /** POSTs steps [from, to) from the clients, each taking every clients-th step. */
    private static void post(Options o, HttpClient http, String base, byte[][] bodies, int from, int to) {
        ExecutorService pool = Executors.newFixedThreadPool(o.clients());
        try {
            List<CompletableFuture<Void>> posting = new ArrayList<>();
            for (int c = 0; c < o.clients(); c++) {
                int first = from + c;
                posting.add(CompletableFuture.runAsync(() -> {
                    for (int step = first; step < to; step += o.clients()) {
                        send(http, HttpRequest.newBuilder(URI.create(base + "/api/v1/runs/bench-tls/layers/W/snapshots?step=" + step))
                                .header("Content-Type", "application/octet-stream")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(bodies[step % 2])).build());
                    }
                }, pool));
            }
            CompletableFuture.allOf(posting.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdown();
        }
    }

    private static void awaitProcessed(HttpClient http, String base, long processed) throws Exception {
        while (true) {
            JsonNode runs = JSON.readTree(send(http, HttpRequest.newBuilder(URI.create(base + "/api/v1/runs")).GET().build()));
            long done = 0;
            for (JsonNode r : runs.get("runs")) {
                for (JsonNode l : r.get("layers")) {
                    done += l.get("processed").asLong();
                }
            }
            if (done >= processed) {
                return;
            }
            Thread.sleep(1);
        }
    }

    /** Sends; a 503 (policy all, the queue full) is retried after 100 ms; any other failure ends the benchmark. */
    private static String send(HttpClient http, HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            while (r.statusCode() == 503) {
                Thread.sleep(100);
                r = http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(request.uri().getPath() + ": " + r.statusCode() + " " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package org.dysonmonitor.bench;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.StatusCodes;
import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.linalg.SolverSelection;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.extractMaterializer;
import static akka.http.javadsl.server.Directives.extractRequestEntity;
import static akka.http.javadsl.server.Directives.onSuccess;
import static akka.http.javadsl.server.Directives.path;

/**
 * Layer-snapshots per second through the whole monitor (HTTP ingest → spectrum → statistics →
 * metrics, policy {@code all}, {@code clients} concurrent clients), for single-layer {@code .npy}
 * POSTs and for whole-model {@code .npz} POSTs of {@code layers} layers, each against the bare loop
 * of the same solver selection ({@link BareLoop}) measured in the same run. The ratios, not the
 * absolute numbers, are the result: the machines are shared and noisy.
 */
public final class PipelineBench {

    /** Whole-model layer-snapshots per second the monitor must sustain (10×10 layers, 8 clients, 2 cores). */
    public static final double WHOLE_MODEL_TARGET = 10_000;
    /** Single-layer layer-snapshots per second the monitor must sustain. */
    public static final double SINGLE_LAYER_TARGET = 2_000;

    /**
     * @param clients   concurrent HTTP clients
     * @param size      layers are size×size float32
     * @param layers    layers in one whole-model POST
     * @param singles   single-layer POSTs timed
     * @param models    whole-model POSTs timed
     * @param solvers   the spectrum solver of both the monitor and the bare loop
     * @param store     also the single-layer rows with the history store off and on
     * @param jdkClients the clients use {@code java.net.http.HttpClient} (as before) instead of {@link PipelineClient}
     */
    public record Options(int clients, int size, int layers, int singles, int models, SolverSelection solvers,
                          boolean store, boolean jdkClients) {
        /** Without the store comparison, with socket clients. */
        public Options(int clients, int size, int layers, int singles, int models, SolverSelection solvers) {
            this(clients, size, layers, singles, models, solvers, false, false);
        }

        public Options {
            if (clients < 1 || size < 1 || layers < 1 || singles < 1 || models < 1) {
                throw new IllegalArgumentException("clients, size, layers and counts must be ≥ 1");
            }
        }
    }

    /** The client threads' name prefix (their CPU is counted apart from the server's). */
    private static final String CLIENT_THREAD = "bench-client-";

    private PipelineBench() {
    }

    /**
     * Runs both measurements and prints one Markdown table, then a second one of what each POST
     * cost in CPU, beside the floor: a trivial route on the same server and the same clients.
     */
    public static void run(PrintStream out, Options o) throws InterruptedException {
        WeightMatrix[] matrices = {matrix(o.size(), 1), matrix(o.size(), 2), matrix(o.size(), 3)};
        out.printf(Locale.ROOT, "Solver: %s; %d clients (%s), policy all; load average %s%n%n", o.solvers().reason(),
                o.clients(), o.jdkClients() ? "java.net.http.HttpClient" : "keep-alive sockets", Machine.loadAverages());
        out.println("| POST | layer-snapshots | bare spectrum + statistics (/s) | HTTP → report → metrics (/s) "
                + "| ratio | target (/s) | meets target |");
        out.println("|---|---:|---:|---:|---:|---:|---|");
        out.flush();
        List<String> costs = new ArrayList<>();

        double bare = BareLoop.rate(o.solvers(), matrices, 1, o.singles());
        byte[][] npy = {NpyEncoder.encode(matrices[0]), NpyEncoder.encode(matrices[1])};
        Measured floor = floor(o, npy);
        costs.add(costRow("trivial route: POST, body read, 202 (the floor)", floor));
        Measured single = pipeline(o, "bench-single", o.singles(), 1,
                step -> "/api/v1/runs/bench-single/layers/W/snapshots?step=" + step, step -> npy[step % 2]);
        String singleLabel = String.format(Locale.ROOT, "single layer, .npy %d×%d", o.size(), o.size());
        row(out, singleLabel, o.singles(), bare, single.rate(), SINGLE_LAYER_TARGET);
        costs.add(costRow(singleLabel, single));

        if (o.store()) {
            storeRows(out, o, bare, npy);
        }

        double bareModel = BareLoop.rate(o.solvers(), matrices, o.layers(), o.models() * o.layers());
        byte[][] npz = {model(o, matrices[0], matrices[1]), model(o, matrices[1], matrices[2])};
        Measured whole = pipeline(o, "bench-model", o.models(), o.layers(),
                step -> "/api/v1/runs/bench-model/snapshots?step=" + step, step -> npz[step % 2]);
        String label = String.format(Locale.ROOT, "whole model, .npz of %d layers %d×%d", o.layers(), o.size(), o.size());
        if (whole == null) {
            out.printf(Locale.ROOT, "| %s | — | %.0f | unmeasured: this build has no whole-model route (404) | — | %.0f | — |%n",
                    label, bareModel, WHOLE_MODEL_TARGET);
        } else {
            row(out, label, (long) o.models() * o.layers(), bareModel, whole.rate(), WHOLE_MODEL_TARGET);
            costs.add(costRow(label, whole));
        }
        out.println();
        out.println("Bare loop: one thread, the same solver and statistics configuration as the monitor's actors. "
                + "ratio = HTTP / bare; the monitor may exceed 1 with several cores.");
        out.println();
        out.println("| CPU per POST, same run | POSTs/s | layer-snapshots/s | CPU µs per POST (this JVM) "
                + "| of which the clients | CPU µs per layer-snapshot |");
        // Rows: label | POSTs/s | layer-snapshots/s | µs per POST | µs of it in the clients | µs per layer-snapshot
        out.println("|---|---:|---:|---:|---:|---:|");
        costs.forEach(out::println);
        out.println();
        out.println("CPU: this JVM's threads' CPU time over the timed POSTs (clients, server, actors, collector; not the JIT "
                + "compiler) per POST; "
                + "the clients' part is their threads' own CPU time. On a shared machine the CPU per POST is steadier "
                + "than the rates.");
        out.flush();
    }

    /**
     * The single-layer pipeline with the history store off and on (a temporary data directory),
     * alternating, twice each, so that a change of the shared machine's load hits both; the ratio
     * on/off of the best of each.
     */
    private static void storeRows(PrintStream out, Options o, double bare, byte[][] npy) throws InterruptedException {
        double bestOff = 0;
        double bestOn = 0;
        for (int round = 0; round < 2; round++) {
            for (boolean on : new boolean[] {false, true}) {
                java.nio.file.Path dir = null;
                try {
                    dir = on ? java.nio.file.Files.createTempDirectory("dyson-bench-store") : null;
                    String run = "bench-store-" + (on ? "on" : "off") + round;
                    double rate = pipeline(o, run, o.singles(), 1, java.util.Optional.ofNullable(dir),
                            step -> "/api/v1/runs/" + run + "/layers/W/snapshots?step=" + step, step -> npy[step % 2])
                            .rate();
                    row(out, String.format(Locale.ROOT, "single layer, history store %s (round %d)", on ? "on" : "off",
                            round + 1), o.singles(), bare, rate, SINGLE_LAYER_TARGET);
                    if (on) {
                        bestOn = Math.max(bestOn, rate);
                    } else {
                        bestOff = Math.max(bestOff, rate);
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    deleteQuietly(dir);
                }
            }
        }
        out.printf(Locale.ROOT, "| history store on / off (best of 2 each) | | | | %.2f | 0.90 | %s |%n",
                bestOn / bestOff, bestOn >= 0.9 * bestOff ? "yes" : "no");
        out.flush();
    }

    private static void deleteQuietly(java.nio.file.Path dir) {
        if (dir == null) {
            return;
        }
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a temporary directory: left for the system to clean
        }
    }

    private static void row(PrintStream out, String label, long count, double bare, double pipeline, double target) {
        out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2f | %.0f | %s |%n", label, count, bare, pipeline,
                pipeline / bare, target, pipeline >= target ? "yes" : "no");
        out.flush();
    }

    /** Alternating layers a and b, so that consecutive snapshots of a layer differ. */
    private static byte[] model(Options o, WeightMatrix a, WeightMatrix b) {
        Map<String, WeightMatrix> layers = new LinkedHashMap<>();
        for (int l = 0; l < o.layers(); l++) {
            layers.put(String.format(Locale.ROOT, "layer_%03d", l), l % 2 == 0 ? a : b);
        }
        return NpzBody.encode(layers);
    }

    /** What a timed series of POSTs achieved, and what it cost in CPU per POST (the process's, and the clients' part). */
    private record Measured(int layersPerPost, double posts, double seconds, double cpuNanos, double clientCpuNanos) {
        double rate() {
            return posts * layersPerPost / seconds;
        }
    }

    private static String costRow(String label, Measured m) {
        return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %.1f |", label, m.posts() / m.seconds(),
                m.rate(), m.cpuNanos() / m.posts() * 1e-3, m.clientCpuNanos() / m.posts() * 1e-3,
                m.cpuNanos() / (m.posts() * m.layersPerPost()) * 1e-3);
    }

    /**
     * The floor: a route on the same server that reads the body and answers 202 with a small JSON
     * body, and nothing else (no monitor), POSTed by the same clients the same single-layer bodies.
     */
    private static Measured floor(Options o, byte[][] npy) {
        // A body that arrives with its request head is a Strict entity: taken as it is, as the snapshot
        // routes take it; one that does not is read whole first (a stream), as the routes read it.
        akka.http.javadsl.server.Route trivial = path("bench-floor", () -> akka.http.javadsl.server.Directives.post(() ->
                extractRequestEntity(entity ->
                        entity instanceof HttpEntity.Strict strict ? accepted(strict)
                                : extractMaterializer(m -> onSuccess(entity.toStrict(10_000, m), PipelineBench::accepted)))));
        try (BenchServer server = BenchServer.start("bench", o.solvers(), 64, java.util.Optional.empty(), trivial)) {
            int warm = o.singles(); // cheap, and the first measurement: Akka HTTP's code is compiled here
            postAll(o, server, 0, warm, step -> "/bench-floor", step -> npy[step % 2]);
            ThreadCpu cpu = serverCpu();
            ThreadCpu jdk = jdkClientCpu();
            long start = System.nanoTime();
            long clients = postAll(o, server, warm, warm + o.singles(), step -> "/bench-floor", step -> npy[step % 2]);
            double seconds = (System.nanoTime() - start) * 1e-9;
            clients += jdkClientCpu().since(jdk);
            return new Measured(1, o.singles(), seconds, serverCpu().since(cpu) + clients, clients);
        }
    }

    private static akka.http.javadsl.server.Route accepted(HttpEntity.Strict body) {
        return complete(StatusCodes.ACCEPTED, HttpEntities.create(ContentTypes.APPLICATION_JSON,
                "{\"bytes\":" + body.getData().size() + "}"));
    }

    /**
     * Layer-snapshots per second: after a warm-up (one POST in five, at least one, until processed),
     * {@code posts} POSTs from the clients, timed until the monitor has processed every layer of
     * them; null where the route answers 404.
     */
    private static Measured pipeline(Options o, String run, int posts, int layersPerPost, IntFunction<String> path,
                                     IntFunction<byte[]> body) throws InterruptedException {
        return pipeline(o, run, posts, layersPerPost, java.util.Optional.empty(), path, body);
    }

    private static Measured pipeline(Options o, String run, int posts, int layersPerPost,
                                     java.util.Optional<java.nio.file.Path> store, IntFunction<String> path,
                                     IntFunction<byte[]> body) throws InterruptedException {
        try (BenchServer server = BenchServer.start("bench", o.solvers(), Math.max(64, layersPerPost), store)) {
            server.putRun(run, "{\"policy\":\"all\",\"learning_rate\":0.1,\"batch_size\":16}");
            int warm = Math.max(1, posts / 5);
            if (server.post(path.apply(0), body.apply(0)) == 404) {
                return null;
            }
            postAll(o, server, 1, warm, path, body);
            awaitProcessed(server, run, (long) warm * layersPerPost);
            ThreadCpu cpu = serverCpu();
            ThreadCpu jdk = jdkClientCpu();
            long start = System.nanoTime();
            long clients = postAll(o, server, warm, warm + posts, path, body);
            awaitProcessed(server, run, (long) (warm + posts) * layersPerPost);
            double seconds = (System.nanoTime() - start) * 1e-9;
            clients += jdkClientCpu().since(jdk);
            return new Measured(layersPerPost, posts, seconds, serverCpu().since(cpu) + clients, clients);
        }
    }

    /**
     * POSTs steps [from, to) from {@code clients} threads, each taking every clients-th step on its
     * own connection; returns the CPU time the client threads spent (nanoseconds).
     */
    private static long postAll(Options o, BenchServer server, int from, int to, IntFunction<String> path,
                             IntFunction<byte[]> body) {
        int clients = o.clients();
        java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients,
                r -> new Thread(r, CLIENT_THREAD + threads.incrementAndGet())); // Linux keeps 15 characters
        try {
            List<CompletableFuture<Long>> posting = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int first = from + c;
                posting.add(CompletableFuture.supplyAsync(() -> {
                    long cpu = PipelineClient.cpuNanos();
                    if (o.jdkClients()) {
                        for (int step = first; step < to; step += clients) {
                            server.post(path.apply(step), body.apply(step));
                        }
                    } else {
                        try (PipelineClient client = new PipelineClient(server.address())) {
                            for (int step = first; step < to; step += clients) {
                                client.post(path.apply(step), body.apply(step));
                            }
                        }
                    }
                    return PipelineClient.cpuNanos() - cpu;
                }, pool));
            }
            long cpu = 0;
            for (CompletableFuture<Long> p : posting) {
                cpu += p.join();
            }
            return cpu; // the JDK client's own threads are counted apart (jdkClientCpu)
        } finally {
            pool.shutdown();
        }
    }

    /**
     * CPU time of this JVM's threads except the JIT compiler's and the clients' (they count their
     * own, {@link #postAll}), by thread: from Linux's per-thread {@code schedstat} (nanoseconds on
     * the CPU) and {@code comm}. A run of a few seconds still compiles, and the compiler took as
     * much CPU as the trivial route itself: warm-up, not a cost per POST. The collector's threads
     * count: garbage is a cost of the POSTs. Without /proc, the process's CPU time, compiler included.
     */
    private static ThreadCpu serverCpu() {
        return ThreadCpu.now(name -> !name.startsWith("HttpClient-") && !name.startsWith("C1 Compiler")
                && !name.startsWith("C2 Compiler") && !name.startsWith(CLIENT_THREAD), true);
    }

    /** The CPU time of the JDK HttpClient's own threads (selector, executor), which {@link #postAll} cannot see. */
    private static ThreadCpu jdkClientCpu() {
        return ThreadCpu.now(name -> name.startsWith("HttpClient-"), false);
    }

    /**
     * Waits until {@code count} snapshots of the run are processed (every POST has been answered),
     * reading the run's layer rows of {@code GET /api/v1/runs} once every 10 ms: the listing of
     * 100 layers costs the server real work, and polling it every 2 ms (several GETs each time)
     * took a visible share of the CPU the benchmark measures.
     */
    private static void awaitProcessed(BenchServer server, String run, long count) throws InterruptedException {
        while (true) {
            long received = 0;
            long processed = 0;
            long ended = 0;
            for (com.fasterxml.jackson.databind.JsonNode l : server.layers(run)) {
                received += l.get("received").asLong();
                processed += l.get("processed").asLong();
                ended += l.get("processed").asLong() + l.get("dropped").asLong() + l.get("rejected").asLong();
            }
            if (processed >= count) {
                return;
            }
            if (received == ended) {
                throw new IllegalStateException(run + ": " + (count - processed)
                        + " snapshots were dropped or rejected under policy all");
            }
            Thread.sleep(10);
        }
    }

    /** An n×n float32 matrix of N(0, 1/n) entries, as a PyTorch job sends. */
    static WeightMatrix matrix(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[n * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() / Math.sqrt(n));
        }
        return WeightMatrix.of(n, n, v, true);
    }
}

package org.dysonmonitor.bench;

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
     */
    public record Options(int clients, int size, int layers, int singles, int models, SolverSelection solvers,
                          boolean store) {
        /** Without the store comparison. */
        public Options(int clients, int size, int layers, int singles, int models, SolverSelection solvers) {
            this(clients, size, layers, singles, models, solvers, false);
        }

        public Options {
            if (clients < 1 || size < 1 || layers < 1 || singles < 1 || models < 1) {
                throw new IllegalArgumentException("clients, size, layers and counts must be ≥ 1");
            }
        }
    }

    private PipelineBench() {
    }

    /** Runs both measurements and prints one Markdown table. */
    public static void run(PrintStream out, Options o) throws InterruptedException {
        WeightMatrix[] matrices = {matrix(o.size(), 1), matrix(o.size(), 2), matrix(o.size(), 3)};
        out.printf(Locale.ROOT, "Solver: %s; %d clients, policy all; load average %s%n%n", o.solvers().reason(),
                o.clients(), Machine.loadAverages());
        out.println("| POST | layer-snapshots | bare spectrum + statistics (/s) | HTTP → report → metrics (/s) "
                + "| ratio | target (/s) | meets target |");
        out.println("|---|---:|---:|---:|---:|---:|---|");
        out.flush();

        double bare = BareLoop.rate(o.solvers(), matrices, 1, o.singles());
        byte[][] npy = {NpyEncoder.encode(matrices[0]), NpyEncoder.encode(matrices[1])};
        double single = pipeline(o, "bench-single", o.singles(), 1,
                step -> "/api/v1/runs/bench-single/layers/W/snapshots?step=" + step, step -> npy[step % 2]);
        row(out, String.format(Locale.ROOT, "single layer, .npy %d×%d", o.size(), o.size()), o.singles(), bare,
                single, SINGLE_LAYER_TARGET);

        if (o.store()) {
            storeRows(out, o, bare, npy);
        }

        double bareModel = BareLoop.rate(o.solvers(), matrices, o.layers(), o.models() * o.layers());
        byte[][] npz = {model(o, matrices[0], matrices[1]), model(o, matrices[1], matrices[2])};
        double whole = pipeline(o, "bench-model", o.models(), o.layers(),
                step -> "/api/v1/runs/bench-model/snapshots?step=" + step, step -> npz[step % 2]);
        String label = String.format(Locale.ROOT, "whole model, .npz of %d layers %d×%d", o.layers(), o.size(), o.size());
        if (Double.isNaN(whole)) {
            out.printf(Locale.ROOT, "| %s | — | %.0f | unmeasured: this build has no whole-model route (404) | — | %.0f | — |%n",
                    label, bareModel, WHOLE_MODEL_TARGET);
        } else {
            row(out, label, (long) o.models() * o.layers(), bareModel, whole, WHOLE_MODEL_TARGET);
        }
        out.println();
        out.println("Bare loop: one thread, the same solver and statistics configuration as the monitor's actors. "
                + "ratio = HTTP / bare; the monitor may exceed 1 with several cores.");
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
                            step -> "/api/v1/runs/" + run + "/layers/W/snapshots?step=" + step, step -> npy[step % 2]);
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

    /**
     * Layer-snapshots per second: after a warm-up (one POST in five, at least one, until processed),
     * {@code posts} POSTs from the clients, timed until the monitor has processed every layer of
     * them; NaN where the route answers 404.
     */
    private static double pipeline(Options o, String run, int posts, int layersPerPost, IntFunction<String> path,
                                   IntFunction<byte[]> body) throws InterruptedException {
        return pipeline(o, run, posts, layersPerPost, java.util.Optional.empty(), path, body);
    }

    private static double pipeline(Options o, String run, int posts, int layersPerPost,
                                   java.util.Optional<java.nio.file.Path> store, IntFunction<String> path,
                                   IntFunction<byte[]> body) throws InterruptedException {
        try (BenchServer server = BenchServer.start("bench", o.solvers(), Math.max(64, layersPerPost), store)) {
            server.putRun(run, "{\"policy\":\"all\",\"learning_rate\":0.1,\"batch_size\":16}");
            int warm = Math.max(1, posts / 5);
            if (server.post(path.apply(0), body.apply(0)) == 404) {
                return Double.NaN;
            }
            post(o.clients(), 1, warm, path, body, server);
            awaitProcessed(server, run, (long) warm * layersPerPost);
            long start = System.nanoTime();
            post(o.clients(), warm, warm + posts, path, body, server);
            awaitProcessed(server, run, (long) (warm + posts) * layersPerPost);
            return (double) posts * layersPerPost / ((System.nanoTime() - start) * 1e-9);
        }
    }

    /** POSTs steps [from, to) from {@code clients} threads, each taking every clients-th step. */
    private static void post(int clients, int from, int to, IntFunction<String> path, IntFunction<byte[]> body,
                             BenchServer server) {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<CompletableFuture<Void>> posting = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int first = from + c;
                posting.add(CompletableFuture.runAsync(() -> {
                    for (int step = first; step < to; step += clients) {
                        server.post(path.apply(step), body.apply(step));
                    }
                }, pool));
            }
            CompletableFuture.allOf(posting.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdown();
        }
    }

    /** Waits until {@code count} snapshots of the run are processed (every POST has been answered). */
    private static void awaitProcessed(BenchServer server, String run, long count) throws InterruptedException {
        long processed;
        while ((processed = server.processed(run)) < count) {
            if (server.inFlight(run) == 0 && server.processed(run) < count) {
                throw new IllegalStateException(run + ": " + (count - processed)
                        + " snapshots were dropped or rejected under policy all");
            }
            Thread.sleep(2);
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

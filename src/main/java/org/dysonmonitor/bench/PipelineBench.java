package org.dysonmonitor.bench;

import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.http.HttpServer;
import org.dysonmonitor.http.ServerOptions;
import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.linalg.EjmlSpectrumSolver;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.OverloadPolicy;
import org.dysonmonitor.monitor.RunRegistry;
import org.dysonmonitor.monitor.TrainerActor;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.Spectrum;
import org.dysonmonitor.train.RbmConfig;
import org.dysonmonitor.train.RbmTrainer;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Throughput of the whole monitor, each figure next to a reference measured in the same run:
 * <ul>
 *   <li>snapshots per second through HTTP ingest → spectrum → statistics → metrics, against the
 *       same spectrum and statistics computed in a bare loop (no actors, no HTTP);</li>
 *   <li>the built-in RBM trainer's updates per second with the monitor attached (a snapshot every
 *       10 updates, policy latest), against the same trainer alone.</li>
 * </ul>
 * The ratios, not the absolute numbers, are the result: the machines are shared and noisy.
 */
public final class PipelineBench {

    private final PrintWriter out;
    private final boolean quick;

    public PipelineBench(PrintWriter out, boolean quick) {
        this.out = out;
        this.quick = quick;
    }

    public void run() throws Exception {
        out.println("| layer | bare spectrum + statistics (/s) | HTTP → report → metrics (/s) | ratio |");
        out.println("|---|---:|---:|---:|");
        for (int n : new int[] {10, 256}) {
            int count = n == 10 ? (quick ? 2_000 : 10_000) : (quick ? 200 : 1_000);
            double bare = bare(n, count);
            double pipeline = pipeline(n, count);
            out.printf(Locale.ROOT, "| %d×%d | %.0f | %.0f | %.2f |%n", n, n, bare, pipeline, pipeline / bare);
            out.flush();
        }
        out.println();
        long steps = quick ? 100_000 : 400_000;
        double alone = trainerAlone(steps);
        double attached = trainerAttached(steps);
        out.println("| RBM trainer (defaults, 10×10) | updates/s |");
        out.println("|---|---:|");
        out.printf(Locale.ROOT, "| alone | %.0f |%n", alone);
        out.printf(Locale.ROOT, "| monitor attached (snapshot every 10, policy latest) | %.0f |%n", attached);
        out.printf(Locale.ROOT, "| ratio attached / alone | %.3f |%n", attached / alone);
        out.flush();
    }

    /**
     * design/issue 6: a 2048×2048 float32 layer posted every second (policy latest) must be processed
     * without falling behind: none dropped. Prints the accounting and the compute time per spectrum.
     */
    public void largeLayer(int n, int seconds) throws Exception {
        try (Monitor monitor = Monitor.start("bench-large", ConfigFactory.load())) {
            HttpServer server = HttpServer.start(monitor, new ServerOptions("127.0.0.1", 0, Optional.empty(),
                    ServerOptions.DEFAULT_MAX_BODY), akka.http.javadsl.server.Directives.reject());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            byte[][] bodies = {NpyEncoder.encode(matrix(n, 1)), NpyEncoder.encode(matrix(n, 2))};
            String run = "large-" + n;
            long start = System.nanoTime();
            for (int i = 0; i < seconds; i++) {
                long due = start + i * 1_000_000_000L;
                long sleep = due - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
                send(http, HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/runs/" + run
                                + "/layers/W/snapshots?step=" + i))
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bodies[i % 2])).build());
            }
            RunRegistry.LayerView view;
            do {
                Thread.sleep(50);
                view = layer(monitor, run);
            } while (view.processed() + view.dropped() + view.rejected() < view.received());
            var timer = monitor.meters().find("dyson.spectrum.compute").tag("run", run).timer();
            out.printf(Locale.ROOT, "| layer | solver | posted (1/s) | processed | dropped | compute per spectrum, mean / max |%n");
            out.printf(Locale.ROOT, "|---|---|---:|---:|---:|---:|%n");
            out.printf(Locale.ROOT, "| %d×%d float32 | %s | %d | %d | %d | %.0f ms / %.0f ms |%n", n, n,
                    monitor.solver().split(" \\(")[0], view.received(), view.processed(), view.dropped(),
                    timer.mean(java.util.concurrent.TimeUnit.MILLISECONDS), timer.max(java.util.concurrent.TimeUnit.MILLISECONDS));
            out.flush();
        }
    }

    private static RunRegistry.LayerView layer(Monitor monitor, String run) {
        return runs(monitor).stream().filter(r -> r.run().equals(run)).findFirst().orElseThrow().layers().get(0);
    }

    private static WeightMatrix matrix(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[n * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() / Math.sqrt(n)); // float32, as a PyTorch job sends
        }
        return WeightMatrix.of(n, n, v, true);
    }

    /** The reference: what a spectrum actor computes, in a plain loop on this thread. */
    private double bare(int n, int count) {
        EjmlSpectrumSolver solver = new EjmlSpectrumSolver();
        LayerStatistics stats = new LayerStatistics("bench", "W", n, n, null, LayerStatistics.Config.defaults());
        WeightMatrix[] ms = {matrix(n, 1), matrix(n, 2), matrix(n, 3)};
        double[] values = new double[n * n];
        double[] x = new double[n];
        for (int warm = 0; warm < Math.min(count, 200); warm++) {
            ms[warm % 3].copyRowMajor(values);
            solver.eigenvalues(values, n, n, MatrixLayout.ROW_MAJOR, x);
            stats.update(warm, new Spectrum(n, n, x), 0.1, 16);
        }
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            ms[i % 3].copyRowMajor(values);
            solver.eigenvalues(values, n, n, MatrixLayout.ROW_MAJOR, x);
            stats.update(i, new Spectrum(n, n, x), 0.1, 16);
        }
        return count / ((System.nanoTime() - start) * 1e-9);
    }

    /** Eight clients post float32 .npy snapshots to a real server under policy all; time until all are processed. */
    private double pipeline(int n, int count) throws Exception {
        try (Monitor monitor = Monitor.start("bench", ConfigFactory.load())) {
            HttpServer server = HttpServer.start(monitor, new ServerOptions("127.0.0.1", 0, Optional.empty(),
                    ServerOptions.DEFAULT_MAX_BODY), akka.http.javadsl.server.Directives.reject());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String run = "bench-" + n;
            send(http, HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/runs/" + run))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"policy\":\"all\",\"learning_rate\":0.1,\"batch_size\":16}"))
                    .build());
            byte[][] bodies = {NpyEncoder.encode(matrix(n, 1)), NpyEncoder.encode(matrix(n, 2))};
            // Concurrent connections, so the figure is capacity rather than one client's latency; few
            // for a slow layer, where more would only wait (and time out) under policy all.
            int clients = n <= 64 ? 8 : 2;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long start = System.nanoTime();
            List<CompletableFuture<Void>> posting = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                posting.add(CompletableFuture.runAsync(() -> {
                    for (int i = client; i < count; i += clients) {
                        send(http, HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/runs/" + run
                                        + "/layers/W/snapshots?step=" + i))
                                .header("Content-Type", "application/octet-stream")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(bodies[i % 2])).build());
                    }
                }, pool));
            }
            CompletableFuture.allOf(posting.toArray(CompletableFuture[]::new)).join();
            pool.shutdown();
            while (processed(monitor, run) < count) {
                Thread.sleep(1);
            }
            return count / ((System.nanoTime() - start) * 1e-9);
        }
    }

    private static void send(HttpClient http, HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            while (r.statusCode() == 503) { // policy all, layer busy: retry as a client should
                Thread.sleep(100);
                r = http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            if (r.statusCode() >= 300) {
                throw new IllegalStateException("benchmark request failed: " + r.statusCode() + " " + r.body());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long processed(Monitor monitor, String run) {
        return runs(monitor).stream().filter(r -> r.run().equals(run))
                .mapToLong(r -> r.layers().isEmpty() ? 0 : r.layers().get(0).processed()).sum();
    }

    private static java.util.List<RunRegistry.RunView> runs(Monitor monitor) {
        return ((RunRegistry.Runs) akka.actor.typed.javadsl.AskPattern.<RunRegistry.Command, RunRegistry.Reply>ask(
                monitor.registry(), RunRegistry.ListRuns::new, Duration.ofSeconds(5), monitor.system().scheduler())
                .toCompletableFuture().join()).runs();
    }

    private double trainerAlone(long steps) {
        RbmTrainer warm = new RbmTrainer(RbmConfig.defaults().withSeed(99));
        for (int i = 0; i < 20_000; i++) {
            warm.step();
        }
        RbmTrainer trainer = new RbmTrainer(RbmConfig.defaults().withSeed(7));
        long start = System.nanoTime();
        for (long i = 0; i < steps; i++) {
            trainer.step();
        }
        return steps / ((System.nanoTime() - start) * 1e-9);
    }

    private double trainerAttached(long steps) throws InterruptedException {
        try (Monitor monitor = Monitor.start("bench-trainer", ConfigFactory.load())) {
            RbmTrainer trainer = new RbmTrainer(RbmConfig.defaults().withSeed(7));
            long start = System.nanoTime();
            monitor.startTrainer(new TrainerActor.Plan("bench-rbm", "W", trainer, 10, OverloadPolicy.LATEST, steps, 0))
                    .toCompletableFuture().join();
            while (!finished(monitor, "bench-rbm")) {
                Thread.sleep(1);
            }
            return steps / ((System.nanoTime() - start) * 1e-9);
        }
    }

    private static boolean finished(Monitor monitor, String run) {
        return runs(monitor).stream().anyMatch(r -> r.run().equals(run) && r.status().equals("finished"));
    }
}

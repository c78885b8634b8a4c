package org.dysonmonitor.bench;

import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.server.AllDirectives;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.http.HttpServer;
import org.dysonmonitor.http.ServerOptions;
import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.RunRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench soak}: a monitor in this JVM under many concurrent runs of mixed shapes (both
 * policies) and misbehaving clients (junk bodies, oversize bodies, stalled uploads, abandoned runs,
 * floods), sampling heap and series count each second. Passes (exit 0) when no answer was a 5xx other
 * than 503 (the in-flight budget, or a full queue under {@code all}), the process did not run out of
 * memory, and at the end received = processed + dropped + rejected for every layer of every run.
 */
public final class SoakBench {

    /** Shapes of the well-behaved runs, in turn. */
    private static final int[][] SHAPES = {{10, 10}, {64, 32}, {100, 50}, {128, 128}, {256, 128}, {512, 256}, {1024, 1024}};
    private static final long MAX_BODY = 8L << 20;

    private final PrintStream out;
    private final SoakOptions options;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> connectionErrors = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private String url;
    private int port;

    private SoakBench(PrintStream out, SoakOptions options) {
        this.out = out;
        this.options = options;
    }

    /** Runs the soak and prints its samples and summary; 0 if it passed, 1 otherwise. */
    public static int run(PrintStream out, SoakOptions options) throws InterruptedException {
        return new SoakBench(out, options).soak();
    }

    private int soak() throws InterruptedException {
        Map<String, Object> conf = Map.of("dyson.max-inflight-bytes", options.maxInflightBytes(),
                "dyson.idle-timeout", options.idleTimeout().toMillis() + "ms",
                "dyson.max-runs", options.runs() + options.misbehaving() + 10);
        try (Monitor monitor = Monitor.start("soak", ConfigFactory.parseMap(conf).withFallback(ConfigFactory.load()))) {
            HttpServer server = HttpServer.start(monitor, new ServerOptions("127.0.0.1", 0, Optional.empty(), MAX_BODY),
                    new AllDirectives() { }.reject());
            url = server.url();
            port = server.address().getPort();
            SoakSampler sampler = new SoakSampler(http, url);
            System.gc(); // the baseline: the monitor started, no run yet
            long baseline = SoakSampler.heapUsed();
            int perRunBound = options.seriesPerRunBound(monitor.settings().maxModeSeries());
            int startSeries = sampler.series().total();
            out.printf("soak: %d runs, %d misbehaving clients, %d s, budget %d MiB, max heap %d MiB, idle timeout %d s, "
                            + "heap at start %d MiB, series at start %d, load average %.1f, series bound per run %d%n",
                    options.runs(), options.misbehaving(), options.duration().toSeconds(), options.maxInflightBytes() >> 20,
                    Runtime.getRuntime().maxMemory() >> 20, options.idleTimeout().toSeconds(), baseline >> 20,
                    startSeries, SoakSampler.loadAverage(), perRunBound);
            ExecutorService clients = Executors.newFixedThreadPool(options.runs() + options.misbehaving());
            for (int i = 0; i < options.runs(); i++) {
                int run = i;
                clients.submit(() -> goodRun(run));
            }
            for (int i = 0; i < options.misbehaving(); i++) {
                int client = i;
                clients.submit(() -> misbehave(client));
            }
            long maxHeap = 0;
            long maxLive = 0;
            int maxSeries = 0;
            SoakSampler.Series maxOfOneRun = new SoakSampler.Series(0, 0, "");
            double maxLoad = 0;
            long start = System.nanoTime();
            long end = start + options.duration().toNanos();
            long nextPrint = 5;
            while (System.nanoTime() < end) {
                Thread.sleep(1000);
                long heap = SoakSampler.heapUsed();
                long live = SoakSampler.heapAfterLastCollection();
                SoakSampler.Series series = sampler.series();
                double load = SoakSampler.loadAverage();
                maxHeap = Math.max(maxHeap, heap);
                maxLive = Math.max(maxLive, live);
                maxSeries = Math.max(maxSeries, series.total());
                maxOfOneRun = series.maxOfOneRun() > maxOfOneRun.maxOfOneRun() ? series : maxOfOneRun;
                maxLoad = Math.max(maxLoad, load);
                long t = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                if (t >= nextPrint) {
                    nextPrint = t + 5;
                    out.printf("t=%4d s  heap %5d MiB (after last GC %5d)  series %6d  in flight %4d MiB  load %5.1f  "
                            + "answers %s%n", t, heap >> 20, live >> 20, series.total(), monitor.budget().used() >> 20,
                            load, new TreeMap<>(statuses));
                }
            }
            running.set(false);
            clients.shutdown();
            // Checked at once, before the runs that no longer post go idle and take their accounting
            // with them (a check after that would pass with no layer left); then again once the last
            // requests have ended, on the layers still there.
            Settled settled = settle(monitor);
            clients.awaitTermination(90, TimeUnit.SECONDS);
            Settled last = settle(monitor);
            // The clients' threads have ended, not necessarily the server's side of their last requests (a
            // body the server still reads after its client gave up): what is in flight must drain, and a
            // reservation that never comes back (a leak) is still there after the wait.
            long drainStart = System.nanoTime();
            while (monitor.budget().used() > 0 && System.nanoTime() - drainStart < TimeUnit.SECONDS.toNanos(10)) {
                Thread.sleep(50);
            }
            double drained = (System.nanoTime() - drainStart) * 1e-9;
            List<String> unsettled = new ArrayList<>(settled.unsettled());
            unsettled.addAll(last.unsettled());
            long bad5xx = statuses.entrySet().stream().filter(e -> e.getKey() >= 500 && e.getKey() != 503)
                    .mapToLong(e -> e.getValue().get()).sum();
            out.printf("soak done: answers %s; connection errors %s%n", new TreeMap<>(statuses),
                    new TreeMap<>(connectionErrors));
            out.printf("peak heap %d MiB in use, %d MiB after a collection, of %d MiB max (budget %d MiB); "
                            + "peak series %d, at most %d of one run (%s; bound %d); peak load average %.1f; "
                            + "in flight at the end %d bytes (%.1f s after the clients ended)%n", maxHeap >> 20, maxLive >> 20,
                    Runtime.getRuntime().maxMemory() >> 20, options.maxInflightBytes() >> 20, maxSeries,
                    maxOfOneRun.maxOfOneRun(), maxOfOneRun.runWithMost(), perRunBound, maxLoad, monitor.budget().used(),
                    drained);
            out.printf("layers checked at the end %d: received %d = processed %d + dropped %d + rejected %d; "
                            + "checked again after the last requests %d%n", settled.layers(), settled.received(),
                    settled.processed(), settled.dropped(), settled.rejected(), last.layers());
            // The abandoned runs and, now that nobody posts, every run go idle and free their memory and series.
            Thread.sleep(options.idleTimeout().toMillis() * 3 / 2 + 2000);
            System.gc();
            long after = SoakSampler.heapUsed();
            SoakSampler.Series left = sampler.series();
            out.printf("after the idle timeout: heap %d MiB (%+d MiB against the start), series %d, at most %d of one run%n",
                    after >> 20, (after - baseline) >> 20, left.total(), left.maxOfOneRun());
            out.printf("5xx other than 503: %d; layers with received ≠ processed + dropped + rejected: %s%n", bad5xx,
                    unsettled.isEmpty() ? "none" : unsettled);
            // Once idle, the runs' series are gone; what stays is the unattributed rejection counters
            // (run or layer _invalid, one per reason), fewer than one run's bound.
            boolean seriesBounded = maxOfOneRun.maxOfOneRun() <= perRunBound && left.total() <= startSeries + perRunBound;
            out.printf("series bounded: %s%n", seriesBounded ? "yes" : "no");
            boolean checked = settled.layers() >= options.runs(); // every good run's layer was still there
            return bad5xx == 0 && checked && unsettled.isEmpty() && monitor.budget().used() == 0 && seriesBounded ? 0 : 1;
        }
    }

    private void goodRun(int i) {
        int[] shape = SHAPES[i % SHAPES.length];
        String run = "soak-" + i;
        String policy = i % 2 == 0 ? "latest" : "all";
        send("good", put("/api/v1/runs/" + run, "{\"policy\": \"" + policy + "\"}"));
        byte[] body = npy(shape[0], shape[1], i);
        long pause = Math.max(100, (long) shape[0] * shape[1] / 1000); // ~1 s for 1024×1024
        for (long step = 1; running.get(); step++) {
            int status = send("good", post(snapshotPath(run, "W", step), body));
            sleep(status == 503 ? 1000 : pause);
        }
    }

    private void misbehave(int client) {
        SplittableRandom rng = new SplittableRandom(client);
        String run = "bad-" + client;
        switch (client % 5) {
            case 0 -> { // junk bodies to ever new layer names
                for (long n = 0; running.get(); n++) {
                    byte[] junk = new byte[1 + rng.nextInt(4096)];
                    rng.nextBytes(junk);
                    send("junk", post(snapshotPath(run, "junk." + n, 1), junk));
                    sleep(5);
                }
            }
            case 1 -> { // bodies over --max-body
                byte[] huge = new byte[(int) MAX_BODY + 1];
                while (running.get()) {
                    send("oversize", post(snapshotPath(run, "W", 1), huge));
                    sleep(200);
                }
            }
            case 2 -> { // uploads that announce 4 MiB, send 1 KiB and stall
                while (running.get()) {
                    stall(run);
                }
            }
            case 3 -> { // a run that posts a few snapshots and is never heard of again
                byte[] body = npy(64, 64, client);
                for (int step = 1; step <= 3; step++) {
                    send("abandoned", post(snapshotPath(run, "W", step), body));
                }
            }
            default -> { // a flood of small snapshots, no pause
                byte[] body = npy(32, 32, client);
                for (long step = 1; running.get(); step++) {
                    send("flood", post(snapshotPath(run, "W", step), body));
                }
            }
        }
    }

    private void stall(String run) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream o = socket.getOutputStream();
            o.write(("POST " + snapshotPath(run, "W", 1) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + (4 << 20) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            o.write(new byte[1024]);
            o.flush();
            sleep(5000);
        } catch (IOException e) {
            connectionError("stalled", e);
        }
    }

    /**
     * The accounting of the layers listed at the end: how many were seen, their sums once settled,
     * and the layers whose identity did not close, including those that went idle (and took their
     * accounting with them) before it did, so that no check passes on layers no longer there.
     */
    private record Settled(int layers, long received, long processed, long dropped, long rejected,
                           List<String> unsettled) {
    }

    /** Waits until every layer's accounting closes (the queues drain), for at most a minute. */
    private static Settled settle(Monitor monitor) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        Map<String, String> open = new TreeMap<>(); // layers seen unsettled, with their last figures
        Map<String, long[]> seen = new TreeMap<>();
        while (true) {
            RunRegistry.Runs runs = (RunRegistry.Runs) AskPattern.<RunRegistry.Command, RunRegistry.Reply>ask(
                    monitor.registry(), RunRegistry.ListRuns::new, Duration.ofSeconds(10),
                    monitor.system().scheduler()).toCompletableFuture().join();
            Map<String, long[]> now = new TreeMap<>();
            for (RunRegistry.RunView run : runs.runs()) {
                for (RunRegistry.LayerView l : run.layers()) {
                    String key = run.run() + "/" + l.layer();
                    now.put(key, new long[] {l.received(), l.processed(), l.dropped(), l.rejected()});
                    if (l.received() != l.processed() + l.dropped() + l.rejected()) {
                        open.put(key, l.received() + " ≠ " + l.processed() + " + " + l.dropped() + " + " + l.rejected());
                    } else {
                        open.remove(key);
                    }
                }
            }
            seen.putAll(now);
            boolean vanished = open.keySet().stream().anyMatch(k -> !now.containsKey(k));
            if (open.isEmpty() || vanished || System.nanoTime() > deadline) {
                List<String> unsettled = new ArrayList<>();
                open.forEach((k, v) -> unsettled.add(k + " " + v + (now.containsKey(k) ? "" : " (went idle unsettled)")));
                long[] sums = new long[4];
                seen.values().forEach(c -> {
                    for (int i = 0; i < 4; i++) {
                        sums[i] += c[i];
                    }
                });
                return new Settled(seen.size(), sums[0], sums[1], sums[2], sums[3], unsettled);
            }
            Thread.sleep(200);
        }
    }

    private HttpRequest.Builder post(String path, byte[] body) {
        return HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private HttpRequest.Builder put(String path, String json) {
        return HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json));
    }

    /** Counts a request that got no answer, by client and exception (a timeout is one, under load). */
    private void connectionError(String client, IOException e) {
        connectionErrors.computeIfAbsent(client + ": " + e.getClass().getSimpleName(), k -> new AtomicLong())
                .incrementAndGet();
    }

    /** Sends and counts the answer's status; a request without an answer counts apart (the status is then 0). */
    private int send(String client, HttpRequest.Builder request) {
        try {
            int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
            return status;
        } catch (IOException e) {
            connectionError(client, e);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static String snapshotPath(String run, String layer, long step) {
        return "/api/v1/runs/" + run + "/layers/" + layer + "/snapshots?step=" + step;
    }

    private static byte[] npy(int rows, int cols, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() / Math.sqrt(rows));
        }
        return NpyEncoder.encode(WeightMatrix.of(rows, cols, v), true, false, ByteOrder.LITTLE_ENDIAN);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.dysonmonitor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Timer;
import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.linalg.SolverSelection;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A large float32 layer posted once a second (policy latest, the default) for a while: the monitor
 * keeps up when none is dropped. Prints the accounting and the compute time per spectrum.
 */
public final class LargeLayerBench {

    private LargeLayerBench() {
    }

    /** Posts an n×n layer every second for {@code seconds} and prints one Markdown row. */
    public static void run(PrintStream out, int n, int seconds, SolverSelection solvers) throws InterruptedException {
        run(out, n, seconds, solvers, 0);
    }

    /**
     * The same; with {@code partialAbove} &gt; 0 the run tracks top spectra of layers from that size
     * ({@code "partial_above"} in its PUT) and the layer is a random walk of a trained-like W (column j
     * scaled by √(n/(1+j)), 1 % of each entry per snapshot), which is what tracking is for; otherwise
     * two Gaussian matrices alternate.
     */
    public static void run(PrintStream out, int n, int seconds, SolverSelection solvers, int partialAbove)
            throws InterruptedException {
        String run = "large-" + n;
        try (BenchServer server = BenchServer.start("bench-large", solvers)) {
            java.util.function.IntFunction<byte[]> body;
            if (partialAbove > 0) {
                server.putRun(run, "{\"partial_above\": " + partialAbove + "}");
                body = randomWalk(n);
            } else {
                byte[][] bodies = {NpyEncoder.encode(PipelineBench.matrix(n, 1)),
                        NpyEncoder.encode(PipelineBench.matrix(n, 2))};
                body = i -> bodies[i % 2];
            }
            double loadBefore = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            long cpuBefore = processCpuNanos();
            long start = System.nanoTime();
            for (int i = 0; i < seconds; i++) {
                byte[] next = body.apply(i);
                long sleep = start + i * 1_000_000_000L - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
                server.post("/api/v1/runs/" + run + "/layers/W/snapshots?step=" + i, next);
            }
            while (server.inFlight(run) > 0) {
                Thread.sleep(50);
            }
            double wall = (System.nanoTime() - start) * 1e-9;
            double cpu = (processCpuNanos() - cpuBefore) * 1e-9;
            double loadAfter = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            JsonNode layer = server.layers(run).get(0);
            Timer timer = server.monitor().meters().find("dyson.spectrum.compute").tag("run", run).timer();
            out.printf(Locale.ROOT, "| layer | solver | posted (1/s) | processed | dropped | compute per spectrum, mean / max |%n");
            out.printf(Locale.ROOT, "|---|---|---:|---:|---:|---:|%n");
            out.printf(Locale.ROOT, "| %d×%d float32 | %s | %d | %d | %d | %.0f ms / %.0f ms |%n", n, n,
                    server.monitor().solver().split(" \\(")[0], layer.get("received").asLong(),
                    layer.get("processed").asLong(), layer.get("dropped").asLong(),
                    timer == null ? Double.NaN : timer.mean(TimeUnit.MILLISECONDS),
                    timer == null ? Double.NaN : timer.max(TimeUnit.MILLISECONDS));
            out.printf(Locale.ROOT, "%nJVM CPU (server and this client, which makes and encodes each snapshot): %.1f s in"
                    + " %.1f s, %.2f s per posted snapshot; load average %.2f before, %.2f after%n", cpu, wall,
                    cpu / seconds, loadBefore, loadAfter);
            if (partialAbove > 0) {
                var meters = server.monitor().meters();
                out.printf(Locale.ROOT, "%nspectra: %.0f top, %.0f full (of which %.0f forced: not converged, %.0f: slow "
                                + "tracking)%n", count(meters, run, "dyson.spectrum.snapshots", "kind", "top"),
                        count(meters, run, "dyson.spectrum.snapshots", "kind", "full"),
                        count(meters, run, "dyson.spectrum.forced.full", "reason", "not_converged"),
                        count(meters, run, "dyson.spectrum.forced.full", "reason", "slow_tracking"));
            }
            out.flush();
        }
    }

    /** CPU time of the whole JVM (all threads, the JIT included), or 0 where the platform does not say. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    private static double count(io.micrometer.core.instrument.MeterRegistry meters, String run, String name,
                                String key, String value) {
        io.micrometer.core.instrument.Counter c = meters.find(name).tag("run", run).tag(key, value).counter();
        return c == null ? Double.NaN : c.count();
    }

    /** Snapshot i of a random walk of a trained-like float32 W: two fixed noise fields, alternately. */
    private static java.util.function.IntFunction<byte[]> randomWalk(int n) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(n);
        float[] w = new float[n * n];
        float[][] noise = {new float[n * n], new float[n * n]};
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                w[i * n + j] = (float) (rng.nextGaussian() * Math.sqrt(1.0 / (1 + j)));
                noise[0][i * n + j] = (float) (0.01 * rng.nextGaussian());
                noise[1][i * n + j] = (float) (0.01 * rng.nextGaussian());
            }
        }
        return i -> {
            if (i > 0) {
                float[] e = noise[i % 2];
                for (int k = 0; k < w.length; k++) {
                    w[k] += Math.abs(w[k]) * e[k];
                }
            }
            return NpyEncoder.encode(org.dysonmonitor.ingest.WeightMatrix.of(n, n, w.clone()));
        };
    }
}

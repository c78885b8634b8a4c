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
        byte[][] bodies = {NpyEncoder.encode(PipelineBench.matrix(n, 1)), NpyEncoder.encode(PipelineBench.matrix(n, 2))};
        String run = "large-" + n;
        try (BenchServer server = BenchServer.start("bench-large", solvers)) {
            long start = System.nanoTime();
            for (int i = 0; i < seconds; i++) {
                long sleep = start + i * 1_000_000_000L - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
                server.post("/api/v1/runs/" + run + "/layers/W/snapshots?step=" + i, bodies[i % 2]);
            }
            while (server.inFlight(run) > 0) {
                Thread.sleep(50);
            }
            JsonNode layer = server.layers(run).get(0);
            Timer timer = server.monitor().meters().find("dyson.spectrum.compute").tag("run", run).timer();
            out.printf(Locale.ROOT, "| layer | solver | posted (1/s) | processed | dropped | compute per spectrum, mean / max |%n");
            out.printf(Locale.ROOT, "|---|---|---:|---:|---:|---:|%n");
            out.printf(Locale.ROOT, "| %d×%d float32 | %s | %d | %d | %d | %.0f ms / %.0f ms |%n", n, n,
                    server.monitor().solver().split(" \\(")[0], layer.get("received").asLong(),
                    layer.get("processed").asLong(), layer.get("dropped").asLong(),
                    timer == null ? Double.NaN : timer.mean(TimeUnit.MILLISECONDS),
                    timer == null ? Double.NaN : timer.max(TimeUnit.MILLISECONDS));
            out.flush();
        }
    }
}

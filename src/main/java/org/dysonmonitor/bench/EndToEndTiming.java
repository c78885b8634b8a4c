package org.dysonmonitor.bench;

import io.micrometer.core.instrument.Counter;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The timed POSTs of one run of {@link EndToEndBench}: each from its start to the 202, to its report
 * being available (the layer's processed counter in the monitor's own registry, checked every 20 µs by
 * the posting thread) and to its report fetched over HTTP (checked to be that step's), with the
 * monitor's CPU time between the start and the fetch (the JIT compilers' threads apart).
 */
final class EndToEndTiming {

    /** The name {@code dyson_snapshots_processed_total} has in the registry (RunMetrics). */
    private static final String PROCESSED = "dyson.snapshots.processed";

    /** How long the waiting thread parks between two reads of the counter. */
    private static final long POLL_NANOS = 20_000;

    /**
     * Medians over the timed POSTs, in seconds ({@code cpu}: the JIT's threads excluded), and the mean CPU
     * seconds per POST of each of
     * {@link EndToEndCpu#GROUPS} (means, so that they add up to the mean total).
     */
    record Medians(double posted, double available, double fetched, double cpu, Map<String, Double> cpuByGroup) {
    }

    private EndToEndTiming() {
    }

    /**
     * Starts the run (policy all, never tracked) with one untimed POST, then {@code repeats} POSTs of
     * {@code body}; their medians.
     */
    static Medians run(BenchServer server, EndToEndCpu cpu, String run, byte[] body, int n, int repeats)
            throws InterruptedException {
        server.putRun(run, "{\"policy\": \"all\", \"partial_above\": " + (n + 1) + "}");
        String path = "/api/v1/runs/" + run + "/layers/W/snapshots?step=";
        server.post(path + 0, body);
        server.awaitReport(run, "W", 1, 0);
        Counter processed = server.monitor().meters().find(PROCESSED).tags("run", run, "layer", "W").counter();
        if (processed == null) {
            throw new IllegalStateException(run + ": no " + PROCESSED + " counter for layer W");
        }
        double[] posted = new double[repeats];
        double[] available = new double[repeats];
        double[] fetched = new double[repeats];
        double[] spent = new double[repeats];
        Map<String, Double> byGroup = new LinkedHashMap<>();
        for (int i = 0; i < repeats; i++) {
            long step = i + 1;
            Map<String, Double> cpu0 = cpu.reading();
            long start = System.nanoTime();
            server.post(path + step, body);
            long t1 = System.nanoTime();
            while (processed.count() < step + 1) {
                LockSupport.parkNanos(POLL_NANOS);
            }
            long t2 = System.nanoTime();
            long got = server.reportStep(run, "W");
            long t3 = System.nanoTime();
            Map<String, Double> cpu1 = cpu.reading();
            // The JIT compiles in the background at its own pace, whatever this snapshot is (EndToEndBench)
            spent[i] = cpu1.isEmpty() ? Double.NaN : (cpu1.get("total") - cpu0.get("total")
                    - cpu1.get("jit") + cpu0.get("jit")) * 1e-9;
            for (Map.Entry<String, Double> e : cpu1.entrySet()) {
                byGroup.merge(e.getKey(), (e.getValue() - cpu0.get(e.getKey())) * 1e-9 / repeats, Double::sum);
            }
            if (got != step) {
                throw new IllegalStateException(run + "/W: report of step " + got + ", expected " + step);
            }
            posted[i] = (t1 - start) * 1e-9;
            available[i] = (t2 - start) * 1e-9;
            fetched[i] = (t3 - start) * 1e-9;
            StringBuilder groups = new StringBuilder();
            for (String g : EndToEndCpu.GROUPS) {
                groups.append(String.format(Locale.ROOT, " %s %.1f", g,
                        (cpu1.getOrDefault(g, Double.NaN) - cpu0.getOrDefault(g, Double.NaN)) * 1e-6));
            }
            System.err.printf(Locale.ROOT, "%s: POST %.1f ms, report available %.1f ms, fetched %.1f ms; "
                    + "monitor CPU without the JIT %.1f ms:%s%n", run, posted[i] * 1e3, available[i] * 1e3, fetched[i] * 1e3,
                    spent[i] * 1e3, groups);
        }
        return new Medians(Stopwatch.median(posted), Stopwatch.median(available), Stopwatch.median(fetched),
                Stopwatch.median(spent), byGroup);
    }
}

package org.dysonmonitor.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The timed POSTs of one run of {@link EndToEndBench}: each from its start to the 202, to its report
 * being available (published by its spectrum actor: the posting thread sleeps on a {@link ReportWatch}
 * until then) and to its report fetched over HTTP (checked to be that step's), with the monitor's CPU time
 * between the start and the fetch (the JIT compilers' threads apart).
 */
final class EndToEndTiming {

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
     * {@code repeats} POSTs of {@code body} to {@code layer} of {@code run} (whose reports {@code reports}
     * watches), at steps {@code firstStep} on; their medians.
     */
    static Medians run(BenchServer server, EndToEndCpu cpu, ReportWatch reports, String run, String layer, byte[] body,
                       long firstStep, int repeats) throws InterruptedException {
        String path = "/api/v1/runs/" + run + "/layers/" + layer + "/snapshots?step=";
        double[] posted = new double[repeats];
        double[] available = new double[repeats];
        double[] fetched = new double[repeats];
        double[] spent = new double[repeats];
        Map<String, Double> byGroup = new LinkedHashMap<>();
        for (int i = 0; i < repeats; i++) {
            long step = firstStep + i;
            Map<String, Double> cpu0 = cpu.reading();
            long start = System.nanoTime();
            server.post(path + step, body);
            long t1 = System.nanoTime();
            reports.await(layer, step);
            long t2 = System.nanoTime();
            long got = server.reportStep(run, layer);
            long t3 = System.nanoTime();
            Map<String, Double> cpu1 = cpu.reading();
            // The JIT compiles in the background at its own pace, whatever this snapshot is (EndToEndBench)
            spent[i] = cpu1.isEmpty() ? Double.NaN : (cpu1.get("total") - cpu0.get("total")
                    - cpu1.get("jit") + cpu0.get("jit")) * 1e-9;
            for (Map.Entry<String, Double> e : cpu1.entrySet()) {
                byGroup.merge(e.getKey(), (e.getValue() - cpu0.get(e.getKey())) * 1e-9 / repeats, Double::sum);
            }
            if (got != step) {
                throw new IllegalStateException(run + "/" + layer + ": report of step " + got + ", expected " + step);
            }
            posted[i] = (t1 - start) * 1e-9;
            available[i] = (t2 - start) * 1e-9;
            fetched[i] = (t3 - start) * 1e-9;
            StringBuilder groups = new StringBuilder();
            for (String g : EndToEndCpu.GROUPS) {
                groups.append(String.format(Locale.ROOT, " %s %.1f", g,
                        (cpu1.getOrDefault(g, Double.NaN) - cpu0.getOrDefault(g, Double.NaN)) * 1e-6));
            }
            System.err.printf(Locale.ROOT, "%s/%s: POST %.1f ms, report available %.1f ms, fetched %.1f ms; "
                    + "monitor CPU without the JIT %.1f ms:%s; the benchmark's client %.1f ms%n", run, layer, posted[i] * 1e3,
                    available[i] * 1e3, fetched[i] * 1e3, spent[i] * 1e3, groups,
                    (cpu1.getOrDefault("client", Double.NaN) - cpu0.getOrDefault("client", Double.NaN)) * 1e-6);
        }
        return new Medians(Stopwatch.median(posted), Stopwatch.median(available), Stopwatch.median(fetched),
                Stopwatch.median(spent), byGroup);
    }
}

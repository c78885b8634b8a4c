package org.dysonmonitor.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time the monitor spends in this process, by where it goes: the run time Linux keeps per thread
 * ({@code /proc/self/task/<tid>/schedstat}, nanoseconds) summed over every thread, Java and native, minus
 * that of the benchmark's own client threads (the thread that posts and waits, and the JDK HTTP client's
 * threads, read by {@code ThreadMXBean}'s thread CPU time, the same kernel clock). What remains is what a
 * separate monitor process would spend: HTTP, decoding, spectrum, statistics, metrics, garbage collection
 * and compilation. Java threads are grouped by their dispatcher's name, native threads by their kernel
 * name (the JIT compilers, the collector, the rest of the VM). NaN where {@code /proc} or thread CPU time
 * is not available.
 */
final class EndToEndCpu {

    /** The groups of {@link #reading()}, in the order they are printed. */
    static final String[] GROUPS = {"http", "decode", "spectrum", "other java", "jit", "gc", "vm other"};

    /** Thread names of the JDK HTTP client's executor and selector. */
    private static final String CLIENT_PREFIX = "HttpClient-";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final boolean available;

    EndToEndCpu() {
        boolean ok = threads.isThreadCpuTimeSupported() && Files.isDirectory(Path.of("/proc/self/task"));
        if (ok && !threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
        this.available = ok;
    }

    /**
     * The monitor's CPU nanoseconds so far by group (a difference of two readings is what it spent between
     * them), and their sum under {@code "total"}; the benchmark's client threads apart, under {@code "client"};
     * empty when not available.
     */
    Map<String, Double> reading() {
        Map<String, Double> groups = new LinkedHashMap<>();
        if (!available) {
            return groups;
        }
        for (String g : GROUPS) {
            groups.put(g, 0.0);
        }
        double all = 0;
        double jit = 0;
        double gc = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String s = Files.readString(task.resolve("schedstat"));
                    double t = Long.parseLong(s.substring(0, s.indexOf(' ')));
                    String name = Files.readString(task.resolve("comm")).trim();
                    all += t;
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        jit += t;
                    } else if (name.startsWith("Shenandoah") || name.startsWith("GC ") || name.startsWith("G1 ")
                            || name.startsWith("ZWorker") || name.startsWith("ZDriver")) {
                        gc += t;
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read: its time is lost to both readings
                }
            }
        } catch (IOException | RuntimeException e) {
            return new LinkedHashMap<>();
        }
        double java = 0;
        double client = 0;
        long self = Thread.currentThread().getId();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long t = threads.getThreadCpuTime(info.getThreadId());
            if (t <= 0) {
                continue;
            }
            java += t;
            String name = info.getThreadName();
            if (info.getThreadId() == self || name.startsWith(CLIENT_PREFIX)) {
                client += t;
            } else {
                groups.merge(group(name), (double) t, Double::sum);
            }
        }
        groups.put("jit", jit);
        groups.put("gc", gc);
        groups.put("vm other", Math.max(0, all - java - jit - gc));
        groups.put("total", all - client);
        groups.put("client", client);
        return groups;
    }

    private static String group(String javaThread) {
        if (javaThread.contains("default-dispatcher")) {
            return "http"; // Akka HTTP's connections and routes, Akka's own actors, and ours without a dispatcher of their own
        }
        if (javaThread.contains("decode-dispatcher")) {
            return "decode";
        }
        if (javaThread.contains("spectrum-dispatcher")) {
            return "spectrum"; // spectrum, statistics, metrics and history of each snapshot
        }
        return "other java"; // Akka's scheduler, the store's and the scrape's threads, the JDK's own
    }
}

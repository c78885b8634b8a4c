package org.dysonmonitor.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * CPU nanoseconds of some of this JVM's threads at one moment, by Linux thread id, from each thread's
 * {@code /proc/self/task/TID/schedstat} (nanoseconds on the CPU) and {@code comm} (its name, 15
 * characters). Without /proc ({@code byThread} null), the whole process's CPU time or nothing.
 */
record ThreadCpu(Map<String, Long> byThread, long process) {

    /**
     * Now, for the threads whose name {@code counts}; without /proc the process's CPU time when
     * {@code processWithoutProc}, else 0.
     */
    static ThreadCpu now(Predicate<String> counts, boolean processWithoutProc) {
        Map<String, Long> byThread = new HashMap<>();
        try (Stream<Path> threads = Files.list(Path.of("/proc/self/task"))) {
            threads.forEach(t -> {
                try {
                    if (counts.test(Files.readString(t.resolve("comm")).trim())) {
                        String stat = Files.readString(t.resolve("schedstat")).trim();
                        byThread.put(t.getFileName().toString(), Long.parseLong(stat.substring(0, stat.indexOf(' '))));
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            });
            return new ThreadCpu(byThread, 0);
        } catch (IOException e) {
            return new ThreadCpu(null, processWithoutProc ? ((com.sun.management.OperatingSystemMXBean)
                    ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() : 0);
        }
    }

    /**
     * What the threads spent since {@code earlier}: each thread's own difference, so a thread that ended
     * meanwhile loses its part instead of taking it off the others' (the threads of an earlier
     * benchmark's HTTP client that ended within the window once made a sum negative).
     */
    long since(ThreadCpu earlier) {
        if (byThread == null || earlier.byThread == null) {
            return process - earlier.process;
        }
        long sum = 0;
        for (Map.Entry<String, Long> t : byThread.entrySet()) {
            sum += Math.max(0, t.getValue() - earlier.byThread.getOrDefault(t.getKey(), 0L));
        }
        return sum;
    }
}

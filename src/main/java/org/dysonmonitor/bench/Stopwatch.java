package org.dysonmonitor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The timing rule shared by every measurement of the benchmark (and by bench/numpy_spectrum.py):
 * one untimed warm-up call unless that call took longer than {@code warmupBelowSeconds} (then it
 * is already a fair sample, and a second long call would only cost time); if it took longer than
 * {@code singleAboveSeconds} it is the only sample (k = 1); otherwise calls follow until at least
 * {@code minRepeats} samples exist and {@code budgetSeconds} have passed, at most
 * {@code maxRepeats}. The result is the median.
 *
 * <p>The clock is wall time, or the calling thread's CPU time: with one BLAS thread all the work of
 * a call runs on the calling thread, so its CPU time is the work itself, insensitive to other
 * processes that share the cores (a shared machine's load average can exceed its core count).
 */
final class Stopwatch {

    /** What is measured. */
    enum Clock {
        WALL, CPU;

        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        long nanos() {
            return this == WALL ? System.nanoTime() : THREADS.getCurrentThreadCpuTime();
        }
    }

    /** The rule's parameters. */
    record Rule(int minRepeats, int maxRepeats, double budgetSeconds, double warmupBelowSeconds,
                double singleAboveSeconds, Clock clock) {
        Rule(int minRepeats, int maxRepeats, double budgetSeconds, double warmupBelowSeconds) {
            this(minRepeats, maxRepeats, budgetSeconds, warmupBelowSeconds, Double.POSITIVE_INFINITY, Clock.WALL);
        }
    }

    /** Median wall-clock seconds of one call, and the number of samples behind it. */
    record Timing(double medianSeconds, int repeats) {
        double millis() {
            return medianSeconds * 1e3;
        }
    }

    private Stopwatch() {
    }

    static Timing measure(Runnable call, Rule rule) {
        double[] samples = new double[Math.max(1, rule.maxRepeats())];
        int count = 0;
        Clock clock = rule.clock();
        long t = clock.nanos();
        call.run();
        double first = (clock.nanos() - t) * 1e-9;
        if (first > rule.warmupBelowSeconds()) {
            samples[count++] = first;
        }
        if (first > rule.singleAboveSeconds()) {
            return new Timing(first, 1);
        }
        long start = System.nanoTime();
        while (count < rule.maxRepeats()
                && (count < rule.minRepeats() || (System.nanoTime() - start) * 1e-9 < rule.budgetSeconds())) {
            t = clock.nanos();
            call.run();
            samples[count++] = (clock.nanos() - t) * 1e-9;
        }
        return new Timing(median(Arrays.copyOf(samples, count)), count);
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
    }
}

package org.dysonmonitor.rmt;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How often the layers of one monitor may measure their Dyson Brownian motion ({@link LayerDynamics}), so that
 * all their measurements together take at most a given share of one core, however many layers there are.
 *
 * <p>A measurement of 64 tracked modes costs up to 110–125 ms of a core (a full window of 4 096 snapshots), most
 * of it the ETA's simulated futures; a whole model pays it once per layer. Each layer therefore waits, after a measurement that took c seconds of
 * CPU, at least c·N/share seconds before the next, N the layers that measured lately: N layers measuring
 * that often take N·c/(c·N/share) = share of a core in all, and each gets the same share whatever its size
 * (a larger layer measures less often). A layer counts in N from its measurement until twice its wait (or
 * its own cadence, if longer) has passed, so a layer that stopped receiving snapshots leaves the count and an
 * idle run costs the others nothing.
 *
 * <p>Times are the callers' common monotonic clock in seconds (the spectrum actors' {@code System.nanoTime()}).
 * Thread-safe: shared by the actors of one monitor.
 */
public final class DynamicsPace {

    /** No wait: every due measurement runs (offline analysis, tests of the measurement itself). */
    public static final DynamicsPace UNLIMITED = new DynamicsPace(Double.POSITIVE_INFINITY);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final double share;
    /** The layers that measured lately, with the time until which they count. */
    private final Map<Object, Double> counted = new ConcurrentHashMap<>();

    /**
     * @param share the share of one core all layers' measurements take at most (0.02: 2 %); infinite for no wait
     */
    public DynamicsPace(double share) {
        if (!(share > 0)) {
            throw new IllegalArgumentException("the measurements' share of a core must be positive, got " + share);
        }
        this.share = share;
    }

    /** The share of one core all layers' measurements take at most. */
    public double share() {
        return share;
    }

    /** Whether measurements wait at all. */
    boolean limited() {
        return share < Double.POSITIVE_INFINITY;
    }

    /** The current thread's CPU time in nanoseconds (what a measurement is charged), 0 when unlimited. */
    long cpuNanos() {
        return limited() ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    /**
     * Records that {@code layer} measured at {@code now}, taking {@code cpuSeconds}, and says how long it waits
     * before its next measurement.
     *
     * @param layer      the measuring layer (its identity is its key)
     * @param cpuSeconds CPU seconds the measurement took
     * @param now        the callers' clock in seconds; NaN: no wait
     * @param cadence    the layer's own longest time between measurements: it counts at least twice that long
     * @return seconds to wait, 0 when unlimited
     */
    double measured(Object layer, double cpuSeconds, double now, double cadence) {
        if (!limited() || !Double.isFinite(now)) {
            return 0;
        }
        counted.values().removeIf(until -> until < now);
        int layers = counted.size() + (counted.containsKey(layer) ? 0 : 1);
        double wait = cpuSeconds * layers / share;
        counted.put(layer, now + 2 * Math.max(wait, cadence));
        return wait;
    }

    /** The layers counted at {@code now}: those that measured within twice their wait. */
    int layers(double now) {
        counted.values().removeIf(until -> until < now);
        return counted.size();
    }
}

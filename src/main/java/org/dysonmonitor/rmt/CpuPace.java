package org.dysonmonitor.rmt;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How often each layer of a monitor may do a costly piece of periodic work, so that all layers' work of that
 * kind takes at most a given share of one core, however many layers there are. Two kinds use it: the Dyson
 * Brownian motion measurement ({@link LayerDynamics}: up to 110–125 ms of a core for 64 tracked modes with a
 * full window of 4 096 snapshots, most of it the ETA's relaxation fits and simulated futures) and the history store's checkpoints
 * of a layer's statistics (their dynamics windows included: 2.4 MB for a 128-wide layer with a full window,
 * charged as its CPU or as its bytes at the store's write rate, whichever is more). A whole model pays either
 * once per layer.
 *
 * <p>After work that took c seconds of CPU, a layer waits at least c·N/share seconds, N the layers that did
 * such work lately: N layers working that often take N·c/(c·N/share) = share of a core in all, and each gets
 * the same share whatever its size (a larger layer works less often). A layer counts in N until twice the
 * longer of its wait and its last interval has passed (a layer that works every 10 s for its own reasons
 * counts for 20 s), so a layer that stopped receiving snapshots leaves the count and an idle run costs the
 * others nothing.
 *
 * <p>Times are the callers' common monotonic clock in seconds ({@code System.nanoTime()·1e-9}).
 * Thread-safe: shared by the actors (and the store's writer) of one monitor.
 */
public final class CpuPace {

    /** No wait: work runs whenever due (offline analysis, tests of the work itself). */
    public static final CpuPace UNLIMITED = new CpuPace(Double.POSITIVE_INFINITY);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** A layer's last work is remembered this long at least (to see its interval), then forgotten. */
    private static final double RETAIN_SECONDS = 60;

    /** A layer's last work: when, the wait it was given, and until when it counts in N. */
    private record Entry(double time, double waitSeconds, double until) {
    }

    private final double share;
    private final Map<Object, Entry> recent = new ConcurrentHashMap<>();

    /**
     * @param share the share of one core all layers' work takes at most (0.02: 2 %); infinite for no wait
     */
    public CpuPace(double share) {
        if (!(share > 0)) {
            throw new IllegalArgumentException("the work's share of a core must be positive, got " + share);
        }
        this.share = share;
    }

    /** The share of one core all layers' work takes at most. */
    public double share() {
        return share;
    }

    /** Whether work waits at all. */
    public boolean limited() {
        return share < Double.POSITIVE_INFINITY;
    }

    /** The current thread's CPU time in nanoseconds (what work is charged), 0 when unlimited. */
    public long cpuNanos() {
        return limited() ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    /**
     * Records that {@code layer} worked at {@code now}, taking {@code cpuSeconds}, and says how long it waits
     * before its next work.
     *
     * @param layer      the working layer (its key: equal keys are one layer)
     * @param cpuSeconds CPU seconds the work took
     * @param now        the callers' clock in seconds; NaN: no wait
     * @return seconds to wait, 0 when unlimited
     */
    public double worked(Object layer, double cpuSeconds, double now) {
        if (!limited() || !Double.isFinite(now)) {
            return 0;
        }
        recent.values().removeIf(e -> now - e.time() > 2 * Math.max(e.waitSeconds(), RETAIN_SECONDS));
        Entry last = recent.get(layer);
        int counted = 1;
        for (Map.Entry<Object, Entry> e : recent.entrySet()) {
            if (e.getValue().until() >= now && !e.getKey().equals(layer)) {
                counted++;
            }
        }
        double wait = cpuSeconds * counted / share;
        // Its first interval is not known yet: until its second work it counts for twice its wait only.
        double interval = last == null ? 0 : now - last.time();
        recent.put(layer, new Entry(now, wait, now + 2 * Math.max(wait, interval)));
        return wait;
    }

    /** The wait {@code layer} was last given, 0 if none is remembered. */
    public double waitOf(Object layer) {
        Entry e = recent.get(layer);
        return e == null ? 0 : e.waitSeconds();
    }

    /** The layers counted at {@code now}. */
    int layers(double now) {
        return (int) recent.values().stream().filter(e -> e.until() >= now).count();
    }
}

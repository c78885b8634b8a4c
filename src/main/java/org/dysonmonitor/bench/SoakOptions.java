package org.dysonmonitor.bench;

import java.time.Duration;

/**
 * What {@link SoakBench} runs.
 *
 * @param runs             well-behaved runs posting at once, of mixed shapes (10×10 to 1024×1024), half under
 *                         each policy
 * @param duration         how long the clients post
 * @param misbehaving      misbehaving clients: junk bodies, oversize bodies, stalled uploads, abandoned
 *                         runs and floods, in turn
 * @param maxInflightBytes the monitor's in-flight budget (--max-inflight-bytes)
 * @param idleTimeout      the monitor's idle timeout: abandoned runs go idle within the soak when it is shorter
 */
public record SoakOptions(int runs, Duration duration, int misbehaving, long maxInflightBytes, Duration idleTimeout) {

    public SoakOptions {
        if (runs < 1 || misbehaving < 0 || duration.isNegative() || duration.isZero() || maxInflightBytes < 1) {
            throw new IllegalArgumentException("runs ≥ 1, misbehaving ≥ 0, a positive duration and budget");
        }
    }

    /** 100 runs for 10 minutes, 20 misbehaving clients, a 256 MiB budget, 20 s idle timeout. */
    public static SoakOptions defaults() {
        return new SoakOptions(100, Duration.ofMinutes(10), 20, 256L << 20, Duration.ofSeconds(20));
    }

    /**
     * The most series one soak run may hold (each posts one layer, and its refusals may add the
     * layer label {@code _invalid}): per layer, 3 per-mode gauges for at most {@code maxModeSeries}
     * modes and 4 per-pair gauges for at most as many pairs, plus fewer than {@value #FIXED_PER_LAYER}
     * for the rest (about 35 scalar gauges, some by L or q, 5 quantiles, the level-spacing histogram's
     * 41 buckets with count and sum, the compute timer's 3, the outcome counters and a few reasons).
     * A per-layer series that were not capped (pairs: n/2 of them) overruns it at once.
     */
    public int seriesPerRunBound(int maxModeSeries) {
        return 2 * (7 * maxModeSeries + FIXED_PER_LAYER);
    }

    /** Series of one layer that do not grow with its modes or pairs: see {@link #seriesPerRunBound}. */
    static final int FIXED_PER_LAYER = 150;

    public SoakOptions withRuns(int r) {
        return new SoakOptions(r, duration, misbehaving, maxInflightBytes, idleTimeout);
    }

    public SoakOptions withDuration(Duration d) {
        return new SoakOptions(runs, d, misbehaving, maxInflightBytes, idleTimeout);
    }

    /**
     * An idle timeout longer than the soak keeps every run listed until the end, so that the final
     * accounting check sees every layer (the abandoned runs then go idle only after the soak).
     */
    public SoakOptions withIdleTimeout(Duration t) {
        return new SoakOptions(runs, duration, misbehaving, maxInflightBytes, t);
    }
}

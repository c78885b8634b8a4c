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
 * @param idleTimeout      the monitor's idle timeout: abandoned runs must go idle within the soak
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

    public SoakOptions withRuns(int r) {
        return new SoakOptions(r, duration, misbehaving, maxInflightBytes, idleTimeout);
    }

    public SoakOptions withDuration(Duration d) {
        return new SoakOptions(runs, d, misbehaving, maxInflightBytes, idleTimeout);
    }
}

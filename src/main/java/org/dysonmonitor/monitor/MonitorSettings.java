package org.dysonmonitor.monitor;

import com.typesafe.config.Config;
import org.dysonmonitor.rmt.LayerStatistics;

import java.time.Duration;

/**
 * The monitor's settings, read once from the {@code dyson} section of the configuration
 * (application.conf, overridden by command-line options).
 *
 * @param maxRuns          runs the monitor keeps at once; more get a 4xx, nothing else is disturbed
 * @param maxLayersPerRun  layers per run, likewise capped
 * @param maxModeSeries    per-mode metric series per layer (the largest modes when there are more)
 * @param retention        how long a finished run's series stay before they are removed
 * @param queueCapacity    snapshots queued per layer before the overload policy acts
 * @param allPolicyTimeout how long an HTTP client waits for room under the {@code all} policy
 * @param askTimeout       how long the HTTP layer waits for an actor's answer
 * @param reportInterval   the least time between two reports of one layer on the live stream
 * @param statistics       the per-layer statistics settings
 * @param limits           the hardening limits: bytes in flight, idle timeout, total series
 */
public record MonitorSettings(int maxRuns, int maxLayersPerRun, int maxModeSeries, Duration retention,
                              int queueCapacity, Duration allPolicyTimeout, Duration askTimeout,
                              Duration reportInterval, LayerStatistics.Config statistics, Limits limits) {

    /**
     * @param maxInflightBytes snapshot bytes in flight at most ({@link InflightBudget}); 0: a quarter of the max heap
     * @param idleTimeout      a run silent this long goes idle (slot, actors, series freed); 0: never
     * @param maxSeries        meters the registry holds at most; new ones beyond are refused and counted
     * @param dynamicsCpuShare share of one core all layers' Dyson-dynamics measurements take at most
     *                         ({@link org.dysonmonitor.rmt.CpuPace})
     */
    public record Limits(long maxInflightBytes, Duration idleTimeout, int maxSeries, double dynamicsCpuShare) {

        public static final Limits DEFAULT = new Limits(0, Duration.ofHours(1), 100_000, 0.02);

        public Limits {
            if (maxInflightBytes < 0 || idleTimeout.isNegative() || maxSeries < 1 || !(dynamicsCpuShare > 0)) {
                throw new IllegalArgumentException("in-flight bytes and idle timeout must be ≥ 0, max series ≥ 1, "
                        + "the dynamics' CPU share > 0");
            }
        }
    }

    public MonitorSettings {
        if (maxRuns < 1 || maxLayersPerRun < 1 || maxModeSeries < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("caps and queue capacity must be at least 1");
        }
    }

    /** Without hardening limits given: {@link Limits#DEFAULT}. */
    public MonitorSettings(int maxRuns, int maxLayersPerRun, int maxModeSeries, Duration retention,
                           int queueCapacity, Duration allPolicyTimeout, Duration askTimeout,
                           Duration reportInterval, LayerStatistics.Config statistics) {
        this(maxRuns, maxLayersPerRun, maxModeSeries, retention, queueCapacity, allPolicyTimeout, askTimeout,
                reportInterval, statistics, Limits.DEFAULT);
    }

    public long maxInflightBytes() {
        return limits.maxInflightBytes();
    }

    public Duration idleTimeout() {
        return limits.idleTimeout();
    }

    public int maxSeries() {
        return limits.maxSeries();
    }

    public double dynamicsCpuShare() {
        return limits.dynamicsCpuShare();
    }

    public static MonitorSettings create(Config root) {
        Config c = root.getConfig("dyson");
        Config s = c.getConfig("statistics");
        LayerStatistics.Config defaults = LayerStatistics.Config.defaults();
        return new MonitorSettings(
                c.getInt("max-runs"),
                c.getInt("max-layers-per-run"),
                c.getInt("max-mode-series"),
                c.getDuration("retention"),
                c.getInt("queue-capacity"),
                c.getDuration("all-policy-timeout"),
                c.getDuration("ask-timeout"),
                c.getDuration("report-interval"),
                new LayerStatistics.Config(
                        s.getInt("window"),
                        s.getInt("stationarity-block"),
                        s.getInt("stationarity-blocks"),
                        s.getDouble("stationarity-z"),
                        s.getDouble("target-tolerance"),
                        defaults.pairTolerance(),
                        defaults.pairReservoir(),
                        s.getInt("baseline-every")),
                new Limits(c.getBytes("max-inflight-bytes"), c.getDuration("idle-timeout"), c.getInt("max-series"),
                        c.getDouble("dynamics-cpu-share")));
    }
}

package org.dysonmonitor.sweep;

import org.dysonmonitor.rmt.PairReport;

import java.util.List;

/**
 * What one finished run of a sweep leaves: the monitor's final pair statistics (each PairReport is
 * cumulative over all the stationary snapshots of the run) and the pair eigenvalues of those same
 * snapshots.
 *
 * @param plan      the run
 * @param pairs     the pairs() of the run's last LayerReport that had pooled samples; empty if the
 *                  monitor never found the run stationary
 * @param series    per pair, in the order of {@code pairs}, the eigenvalues of the pooled snapshots
 * @param snapshots LayerReports received
 */
public record RunResult(RunPlan plan, List<PairReport> pairs, List<PairSeries> series, long snapshots) {

    public RunResult {
        pairs = List.copyOf(pairs);
        series = List.copyOf(series);
        if (!pairs.isEmpty() && pairs.size() != series.size()) {
            throw new IllegalArgumentException(pairs.size() + " pairs but " + series.size() + " series");
        }
    }

    public Setting setting() {
        return plan.setting();
    }

    /** Snapshots pooled by the monitor (0 if it never found the run stationary). */
    public long pooledSnapshots() {
        return pairs.isEmpty() ? 0 : pairs.get(0).samples();
    }
}

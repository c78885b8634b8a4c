package org.dysonmonitor.sweep;

import java.time.Duration;
import java.util.List;

/**
 * Everything a sweep produced: the plan, the finished runs, the evolution run, and the conditions it
 * ran under. Immutable; the input of {@link SweepAnalysis}.
 *
 * @param plan        what was planned
 * @param runs        the pooled runs that finished, in the order they finished
 * @param evolution   the evolution run, or null if it did not finish
 * @param failures    runs that did not finish, with the reason
 * @param interrupted true if the sweep was stopped before every run finished (Ctrl-C)
 * @param conditions  wall time, threads and machine load
 */
public record SweepData(SweepPlan plan, List<RunResult> runs, Evolution evolution, List<String> failures,
                        boolean interrupted, Conditions conditions) {

    public SweepData {
        runs = List.copyOf(runs);
        failures = List.copyOf(failures);
    }

    /**
     * @param wall        wall time of the runs
     * @param threads     trainer threads
     * @param parallel    runs in flight at once
     * @param cores       available processors
     * @param loadBefore  1-minute load average when the sweep started (NaN if unknown)
     * @param loadAfter   1-minute load average when it ended
     */
    public record Conditions(Duration wall, int threads, int parallel, int cores, double loadBefore, double loadAfter) {
    }
}

package org.dysonmonitor.monitor;

import org.dysonmonitor.monitor.RunRegistry.Refused;

/**
 * Whether {@link RunRegistry} may add a run, and the refusals when it may not: a run finished (in
 * this process or, by the history store, an earlier one) stays finished, and at most --max-runs
 * runs are held. Owned by the registry actor, which alone calls it.
 */
final class RunAdmission {

    private final RunHistory history;
    private final int maxRuns;

    RunAdmission(RunHistory history, int maxRuns) {
        this.history = history;
        this.maxRuns = maxRuns;
    }

    /** Why a new run named {@code run} may not be added while {@code held} runs are; null if it may. */
    Refused refuseNewRun(String run, int held) {
        if (history.finishedBefore(run)) {
            return finishedRefusal(run); // finished in an earlier process: it stays finished
        }
        if (held >= maxRuns) {
            return new Refused(409, "run_cap", "the monitor already holds " + held
                    + " runs, the cap (--max-runs); finish a run or raise the cap. Run " + run + " was not added");
        }
        return null;
    }

    /** The refusal of a snapshot or update for a finished run. */
    static Refused finishedRefusal(String run) {
        return new Refused(409, "run_finished", "run " + run + " is finished and accepts no more snapshots; use a new run name");
    }
}

package org.dysonmonitor.monitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The idle expiry of {@link RunRegistry}: which runs fell silent for --idle-timeout, and the runs
 * expired so, each kept as what a new snapshot revives it with (a name and a spec, no series): at
 * most {@link #IDLE_PER_RUN} × --max-runs, the oldest forgotten. Owned by the registry actor, which
 * alone calls it.
 */
final class IdleRuns {

    static final int IDLE_PER_RUN = 10;

    private final Map<String, RunSpec> idle;

    IdleRuns(int maxRuns) {
        this.idle = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RunSpec> eldest) {
                return size() > IDLE_PER_RUN * maxRuns;
            }
        };
    }

    /** How often to look for silent runs: a quarter of the timeout, within 10 ms … 60 s. */
    static Duration checkPeriod(Duration idleTimeout) {
        return Duration.ofMillis(Math.max(10, Math.min(idleTimeout.toMillis() / 4, 60_000)));
    }

    /** The runs of {@code runs} not finished, unwatched and silent for longer than {@code timeout}. */
    static List<RunEntry> silent(Collection<RunEntry> runs, Duration timeout) {
        long now = System.nanoTime();
        long timeoutNanos = timeout.toNanos();
        List<RunEntry> silent = new ArrayList<>();
        for (RunEntry entry : runs) {
            if (!entry.finished && entry.watchers.isEmpty() && now - entry.lastActivityNanos() > timeoutNanos) {
                silent.add(entry);
            }
        }
        return silent;
    }

    /** Keeps what a new snapshot revives {@code entry} with: policy, targets, α, |B|. */
    void keep(RunEntry entry) {
        idle.put(entry.run, new RunSpec(entry.metrics.learningRate().orElse(Double.NaN),
                entry.metrics.batchSize().orElse(0), entry.spec.policy(), entry.spec.targets()));
    }

    /** What {@code run} revives with: its kept spec if it is idle, else an unknown one. */
    RunSpec revival(String run) {
        return idle.getOrDefault(run, RunSpec.unknown());
    }

    /** {@code run} is active again (or was never idle). */
    void forget(String run) {
        idle.remove(run);
    }

    /** The idle runs as {@code GET /api/v1/runs} lists them, oldest first. */
    List<RunRegistry.RunView> views() {
        List<RunRegistry.RunView> views = new ArrayList<>(idle.size());
        idle.forEach((run, spec) -> views.add(new RunRegistry.RunView(run, "idle", spec.learningRate(),
                spec.batchSize(), spec.policy().label(), 0, List.of(), 0)));
        return views;
    }
}

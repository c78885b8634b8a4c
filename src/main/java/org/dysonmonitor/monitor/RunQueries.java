package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The read side of {@link RunRegistry}: the views {@code GET /api/v1/runs} lists (live runs, then
 * idle ones) and the look-up of a layer's report, on this node or, in a cluster, at the layer's
 * entity. It reads the registry's state and changes none of it. Owned by the registry actor, which
 * alone calls it.
 */
final class RunQueries {

    private final Map<String, RunEntry> runs;
    private final IdleRuns idle;
    /** Null on one node. */
    private final ClusterMode.Wiring cluster;

    RunQueries(Map<String, RunEntry> runs, IdleRuns idle, ClusterMode.Wiring cluster) {
        this.runs = runs;
        this.idle = idle;
        this.cluster = cluster;
    }

    /** Every run: the live ones in the order they were added, then the idle ones, oldest first. */
    RunRegistry.Runs list() {
        List<RunRegistry.RunView> views = new ArrayList<>(runs.size());
        runs.values().forEach(entry -> views.add(entry.view()));
        views.addAll(idle.views());
        return new RunRegistry.Runs(List.copyOf(views));
    }

    /** Answers {@code replyTo} with the layer's report, or why there is none. */
    void report(String run, String layer, ActorRef<SpectrumActor.LayerLookup> replyTo) {
        RunEntry entry = runs.get(run);
        RunEntry.Layer found = entry == null ? null : entry.layers.get(layer);
        if (found == null && cluster != null) {
            // Another node may have received this layer: its entity knows.
            cluster.statistics().report(run, layer).whenComplete((report, failure) ->
                    replyTo.tell(failure == null ? report : new SpectrumActor.NotFound(failure.getMessage())));
            return;
        }
        if (entry == null) {
            replyTo.tell(new SpectrumActor.NotFound("no run named " + run));
            return;
        }
        if (found == null) {
            replyTo.tell(new SpectrumActor.NotFound("run " + run + " has no layer named " + layer));
            return;
        }
        found.actor().tell(new SpectrumActor.GetReport(replyTo));
    }
}

package org.dysonmonitor.cluster;

import org.dysonmonitor.monitor.RunRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's listing of runs from every node's: a run's layers are the union of the nodes'
 * (each node counts what it received), their counts summed; the run is finished when any node has
 * it finished (a finish reaches every node), its step the largest seen.
 */
final class RunViews {

    private RunViews() {
    }

    static List<RunRegistry.RunView> merge(List<List<RunRegistry.RunView>> perNode) {
        Map<String, RunRegistry.RunView> runs = new LinkedHashMap<>();
        for (List<RunRegistry.RunView> views : perNode) {
            for (RunRegistry.RunView v : views) {
                runs.merge(v.run(), v, RunViews::merge);
            }
        }
        return List.copyOf(runs.values());
    }

    private static RunRegistry.RunView merge(RunRegistry.RunView a, RunRegistry.RunView b) {
        Map<String, RunRegistry.LayerView> layers = new LinkedHashMap<>();
        for (RunRegistry.LayerView l : a.layers()) {
            layers.put(l.layer(), l);
        }
        for (RunRegistry.LayerView l : b.layers()) {
            layers.merge(l.layer(), l, (x, y) -> new RunRegistry.LayerView(x.layer(), x.rows(), x.cols(),
                    x.hasTarget() || y.hasTarget(), x.received() + y.received(), x.processed() + y.processed(),
                    x.dropped() + y.dropped(), x.rejected() + y.rejected()));
        }
        String status = "finished".equals(a.status()) || "finished".equals(b.status()) ? "finished"
                : "active".equals(a.status()) ? a.status() : b.status();
        return new RunRegistry.RunView(a.run(), status,
                Double.isNaN(a.learningRate()) ? b.learningRate() : a.learningRate(),
                a.batchSize() != 0 ? a.batchSize() : b.batchSize(), a.policy(), Math.max(a.step(), b.step()),
                new ArrayList<>(layers.values()), a.rejectedModels() + b.rejectedModels());
    }
}

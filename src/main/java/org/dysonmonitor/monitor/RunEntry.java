package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import org.dysonmonitor.metrics.LabelValues;
import org.dysonmonitor.metrics.LayerMetrics;
import org.dysonmonitor.metrics.RunMetrics;
import org.dysonmonitor.rmt.LayerReport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run as the {@link RunRegistry} holds it: its configuration (policy, target spectra), its layers,
 * and the views and accounting {@code GET /api/v1/runs} shows. Mutable, owned by the registry actor.
 * The run's step, α and |B| are not here: {@link RunMetrics} owns them, and the view reads them there.
 */
final class RunEntry {

    /**
     * One layer's pipeline: the channel into it, its spectrum actor and its gauges (null in a
     * cluster, where the layer's entity has them).
     */
    record Layer(LayerChannel channel, ActorRef<SpectrumActor.Command> actor, LayerMetrics metrics) {

        void closeMetrics() {
            if (metrics != null) {
                metrics.close();
            }
        }
    }

    final String run;
    /** Policy and targets; α and |B| of a PUT go to {@link #metrics}. */
    RunSpec spec;
    final RunMetrics metrics;
    final Map<String, Layer> layers = new LinkedHashMap<>();
    final List<ActorRef<LayerReport>> watchers = new ArrayList<>();
    boolean finished;
    /**
     * When the registry last saw the run (created, updated, a layer opened, a snapshot refused before
     * its channel); snapshots that reach a channel are seen by the channels.
     */
    private long touchedNanos = System.nanoTime();

    RunEntry(String run, RunSpec spec, RunMetrics metrics) {
        this.run = run;
        this.metrics = metrics;
        apply(spec);
    }

    void touch() {
        touchedNanos = System.nanoTime();
    }

    /** The last sign of life: the registry's last sight of the run or any layer's last snapshot (nanoTime). */
    long lastActivityNanos() {
        long last = touchedNanos;
        for (Layer layer : layers.values()) {
            long t = layer.channel().lastOfferNanos();
            if (t - last > 0) {
                last = t;
            }
        }
        return last;
    }

    /** Takes {@code next} as the run's configuration and its α and |B| as the run's current ones. */
    void apply(RunSpec next) {
        this.spec = new RunSpec(Double.NaN, 0, next.policy(), next.targets(), next.partialAbove());
        metrics.setLearningRate(next.learningRate());
        metrics.setBatchSize(next.batchSize());
    }

    /** Why the new metadata cannot apply to the layers already running, or null if it can. */
    String conflictWith(RunSpec next) {
        if (!layers.isEmpty() && next.policy() != spec.policy()) {
            return "the policy of a run cannot change once its layers stream (is "
                    + spec.policy().label() + ", asked " + next.policy().label() + ")";
        }
        for (String layer : layers.keySet()) {
            double[] before = spec.target(layer);
            double[] after = next.target(layer);
            if (after != null && !Arrays.equals(before, after)) {
                return "layer " + layer + " already streams; its target spectrum cannot change";
            }
        }
        return null;
    }

    /**
     * Why these layers cannot all be opened, or null if they can: each new one within the layer cap
     * (counting the others of the same request), with a target (if any) of min(rows, cols) values, and
     * each existing one with its shape. All or nothing: nothing is created when one is refused.
     */
    RunRegistry.Refused refusal(List<ChannelDirectory.LayerShape> shapes, int maxLayers) {
        int added = 0;
        for (ChannelDirectory.LayerShape s : shapes) {
            Layer existing = layers.get(s.layer());
            if (existing == null) {
                added++;
                if (layers.size() + added > maxLayers) {
                    String has = layers.size() >= maxLayers
                            ? "already has " + layers.size() + " layers, the cap"
                            : "has " + layers.size() + " layers and this snapshot adds " + added
                              + ", over the cap of " + maxLayers;
                    return new RunRegistry.Refused(409, "layer_cap", "run " + run + " " + has
                            + " (--max-layers); layer " + s.layer() + " was not added");
                }
                double[] target = spec.target(s.layer());
                int modes = Math.min(s.rows(), s.cols());
                if (target != null && target.length != modes) {
                    return new RunRegistry.Refused(422, "target_mismatch", "the target of layer " + s.layer()
                            + " has " + target.length + " eigenvalues, but a " + s.rows() + "×" + s.cols()
                            + " matrix has " + modes);
                }
            } else if (existing.channel().rows() != s.rows() || existing.channel().cols() != s.cols()) {
                return new RunRegistry.Refused(422, "shape_mismatch", "layer " + s.layer() + " of run " + run
                        + " is " + existing.channel().rows() + "×" + existing.channel().cols()
                        + ", this snapshot is " + s.rows() + "×" + s.cols());
            }
        }
        return null;
    }

    RunRegistry.RunView view() {
        List<RunRegistry.LayerView> layerViews = new ArrayList<>(layers.size());
        layers.forEach((layer, e) -> layerViews.add(new RunRegistry.LayerView(layer, e.channel().rows(),
                e.channel().cols(), spec.targets().containsKey(layer), metrics.receivedCount(layer),
                metrics.processedCount(layer), metrics.droppedCount(layer), metrics.rejectedCount(layer))));
        return new RunRegistry.RunView(run, finished ? "finished" : "active",
                metrics.learningRate().orElse(Double.NaN), metrics.batchSize().orElse(0),
                spec.policy().label(), metrics.step().orElse(0), List.copyOf(layerViews),
                metrics.rejectedCount(LabelValues.WHOLE_MODEL));
    }
}

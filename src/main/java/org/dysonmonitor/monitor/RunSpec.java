package org.dysonmonitor.monitor;

import java.util.Map;
import java.util.TreeMap;

/**
 * A run's metadata, as given by {@code PUT /api/v1/runs/{run}} or by a built-in trainer.
 *
 * @param learningRate α, NaN when unknown (a snapshot may still name its own)
 * @param batchSize    |B|, 0 when unknown
 * @param policy       the overload policy of the run's layers, or null in an update that leaves it
 * @param targets      per layer, the target spectrum of WᵀW (ascending), where one is known
 * @param partialAbove layers whose smaller side is at least this many get tracked top spectra
 *                     ({@code "partial_above"}); 0 for the monitor's {@code --partial-above}. It applies
 *                     to the layers that start after it is set.
 */
public record RunSpec(double learningRate, int batchSize, OverloadPolicy policy, Map<String, double[]> targets,
                      int partialAbove) {

    public RunSpec {
        TreeMap<String, double[]> copy = new TreeMap<>();
        targets.forEach((layer, t) -> copy.put(layer, t.clone()));
        targets = java.util.Collections.unmodifiableMap(copy);
        if (partialAbove < 0) {
            throw new IllegalArgumentException("partialAbove must be ≥ 0 (0: the monitor's), got " + partialAbove);
        }
    }

    /** A spec with the monitor's tracking threshold. */
    public RunSpec(double learningRate, int batchSize, OverloadPolicy policy, Map<String, double[]> targets) {
        this(learningRate, batchSize, policy, targets, 0);
    }

    /** No metadata: what a run gets when its first snapshot arrives before any PUT. */
    public static RunSpec unknown() {
        return new RunSpec(Double.NaN, 0, OverloadPolicy.LATEST, Map.of());
    }

    /**
     * This spec as an update of {@code previous}: fields this one leaves unknown (NaN α, |B| = 0,
     * null policy, partialAbove 0) keep their previous values, and targets are added to the previous ones.
     */
    public RunSpec over(RunSpec previous) {
        Map<String, double[]> merged = new TreeMap<>(previous.targets());
        merged.putAll(targets);
        return new RunSpec(Double.isNaN(learningRate) ? previous.learningRate : learningRate,
                batchSize == 0 ? previous.batchSize : batchSize, policy == null ? previous.policy : policy, merged,
                partialAbove == 0 ? previous.partialAbove : partialAbove);
    }

    /** The target of a layer (a copy), or null. */
    public double[] target(String layer) {
        double[] t = targets.get(layer);
        return t == null ? null : t.clone();
    }
}

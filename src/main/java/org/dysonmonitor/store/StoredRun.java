package org.dysonmonitor.store;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run as stored: its metadata, status and layers.
 *
 * @param status         {@code active}, {@code finished} or {@code idle} (a run of an earlier
 *                       process of the monitor that has received nothing since)
 * @param learningRate   α, NaN when unknown
 * @param batchSize      |B|, 0 when unknown
 * @param policy         the overload policy's name ({@code latest} or {@code all})
 * @param targets        per layer, the target spectrum (ascending), where one is known
 * @param createdMillis  when the run was first stored, ms since the epoch
 * @param updatedMillis  when it was last written (metadata, status or a history point)
 * @param layers         its layers, by name (empty in a write: layers are written on their own)
 */
public record StoredRun(String run, String status, double learningRate, int batchSize, String policy,
                        Map<String, double[]> targets, long createdMillis, long updatedMillis,
                        List<StoredLayer> layers) {

    public static final String ACTIVE = "active";
    public static final String FINISHED = "finished";
    public static final String IDLE = "idle";

    public StoredRun {
        if (!List.of(ACTIVE, FINISHED, IDLE).contains(status)) {
            throw new IllegalArgumentException("run status must be active, finished or idle, got " + status);
        }
        TreeMap<String, double[]> copy = new TreeMap<>();
        targets.forEach((layer, t) -> copy.put(layer, t.clone()));
        targets = java.util.Collections.unmodifiableMap(copy);
        layers = List.copyOf(layers);
    }

    /** The target of a layer (a copy), or null. */
    public double[] target(String layer) {
        double[] t = targets.get(layer);
        return t == null ? null : t.clone();
    }
}

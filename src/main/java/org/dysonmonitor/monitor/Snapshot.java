package org.dysonmonitor.monitor;

import org.dysonmonitor.ingest.WeightMatrix;

/**
 * One weight matrix of one layer at one training step, on its way to the layer's spectrum actor.
 * Immutable ({@link WeightMatrix} is).
 *
 * @param learningRate α of the update, NaN when unknown
 * @param batchSize    |B|, 0 when unknown
 */
public record Snapshot(String run, String layer, long step, WeightMatrix weights, double learningRate,
                       int batchSize) {
}

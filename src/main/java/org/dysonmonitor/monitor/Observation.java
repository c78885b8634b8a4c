package org.dysonmonitor.monitor;

import org.dysonmonitor.rmt.RandomizedBaseline;

/**
 * One snapshot's eigenvalues on their way to the layer's statistics in the cluster: all the
 * statistics need, and no matrix. Immutable (the arrays are the sender's copies, never reused).
 *
 * @param values       ascending eigenvalues of WᵀW: all min(rows, cols), or the top k when {@code top}
 * @param baseline     the randomized baseline the receiving node computed from W, or null when none was due
 * @param target       the run's target spectrum of the layer, empty when it has none
 * @param computeNanos time the receiving node spent on the spectrum
 * @param forced       why a tracked layer needed a full spectrum ({@code not_converged}, {@code slow_tracking}), or null
 */
public record Observation(String run, String layer, int rows, int cols, long step, double[] values, boolean top,
                          double learningRate, int batchSize, RandomizedBaseline.Result baseline, double[] target,
                          long computeNanos, String forced) {
}

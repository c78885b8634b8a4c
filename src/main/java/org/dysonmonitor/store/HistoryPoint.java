package org.dysonmonitor.store;

import java.util.Map;

/**
 * One stored report of a layer.
 *
 * @param step            training step
 * @param timestampMillis when the monitor produced it, ms since the epoch
 * @param eigenvalues     the kept eigenvalues, ascending (all of them up to the store's limit)
 * @param modes           their mode indices (0..n−1 when all are kept)
 * @param statistics      the scalar statistics by their report name, the pair statistics under
 *                        {@code "pairs"} as {@code {pair: {name: value}}} (see {@link ReportEncoding})
 */
public record HistoryPoint(long step, long timestampMillis, double[] eigenvalues, int[] modes,
                           Map<String, Object> statistics) {

    public HistoryPoint {
        eigenvalues = eigenvalues.clone();
        modes = modes.clone();
        statistics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(statistics));
    }

    @Override
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    @Override
    public int[] modes() {
        return modes.clone();
    }
}

package org.dysonmonitor.store;

/** One (run, layer) of the {@link SnapshotLedger}: for one node, or summed over the cluster. */
public record LedgerRow(String run, String layer, long received, long processed, long dropped, long rejected,
                        long lost) {
}

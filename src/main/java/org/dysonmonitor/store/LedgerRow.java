package org.dysonmonitor.store;

/**
 * Snapshot counts of one (run, layer) in the {@link SnapshotLedger}: one node's row, or the sum
 * over the nodes.
 *
 * @param lost snapshots held in flight by a node that died (0 while the node is alive)
 */
public record LedgerRow(String run, String layer, long received, long processed, long dropped, long rejected,
                        long lost) {
}

package org.dysonmonitor.store;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The cluster's exact accounting of snapshots, per node, in the shared store: what each node
 * received, processed, dropped and rejected, and — after a node died — what it held in flight,
 * counted as lost, so that received = processed + dropped + rejected + lost over the cluster.
 */
public interface SnapshotLedger extends AutoCloseable {

    /** Adds this node's counts for (run, layer); batched and committed by the ledger's writer (group commit). */
    void add(String run, String layer, long received, long processed, long dropped, long rejected);

    /** Completes once every add() made before this call is committed; fails when the database is unreachable. */
    CompletionStage<Void> committed();

    /**
     * After node {@code deadNode} left the cluster: for each of its rows not yet reconciled sets
     * lost = received − processed − dropped − rejected and reconciled_by = byNode, and returns those
     * rows (empty when another node did it first: exactly one caller wins).
     */
    CompletionStage<List<LedgerRow>> reconcile(String deadNode, String byNode);

    /** Per (run, layer), sums over every node; run null = all runs. */
    CompletionStage<List<LedgerRow>> totals(String run);

    @Override
    void close();
}

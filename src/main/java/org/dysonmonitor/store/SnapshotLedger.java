package org.dysonmonitor.store;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A cluster's exact accounting of snapshots, kept in the shared database: per (node, run, layer),
 * what that node received, processed, dropped and rejected, and, once the node has left the
 * cluster, what it lost (received − processed − dropped − rejected: the snapshots it held in
 * flight when it died). Summed over the nodes, received = processed + dropped + rejected + lost
 * holds exactly whenever no live node holds a snapshot in flight.
 *
 * <p>The identity holds per node row only if a node counts each snapshot's outcome in the same row
 * it counted its receipt (the node that received the snapshot over HTTP), so that a dead node's
 * difference is exactly what it held. A node that counts after its row was reconciled (a late
 * commit of a node that was declared dead) keeps its row's identity: its lost is recomputed.
 *
 * <p>Calls never block: {@link #add} merges into a map of pending deltas keyed by (run, layer), so
 * memory stays bounded by the layers whatever the rate; the ledger's own threads do the I/O.
 * Implementation: {@link PostgresSnapshotLedger}.
 */
public interface SnapshotLedger extends AutoCloseable {

    /**
     * Adds this node's counts for (run, layer); batched and committed by the ledger's writer (group
     * commit, no fixed delay: commit as soon as the previous transaction ends).
     */
    void add(String run, String layer, long received, long processed, long dropped, long rejected);

    /**
     * Completes once every add() made before this call is committed (the HTTP 202 waits on it in
     * cluster mode). Fails the stage if the database is unreachable.
     */
    CompletionStage<Void> committed();

    /**
     * After node {@code deadNode} left the cluster: for each of its rows not yet reconciled sets
     * lost = received − processed − dropped − rejected and reconciled_by = byNode, and returns those
     * rows (empty when another node did it first: exactly one caller wins, by a conditional
     * UPDATE ... RETURNING).
     */
    CompletionStage<List<LedgerRow>> reconcile(String deadNode, String byNode);

    /** Per (run, layer), sums over every node: received, processed, dropped, rejected, lost; run null = all runs. */
    CompletionStage<List<LedgerRow>> totals(String run);

    /** Commits what is pending (up to a few seconds), then closes; stages not yet complete fail. */
    @Override
    void close();
}

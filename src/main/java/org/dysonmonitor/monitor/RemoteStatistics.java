package org.dysonmonitor.monitor;

import java.util.concurrent.CompletionStage;

/**
 * Where a layer's eigenvalues go when its statistics live elsewhere: in a cluster, the layer's
 * sharded entity, on whichever node Cluster Sharding placed it. The node that received the
 * snapshot computes the eigenvalues (a matrix never crosses the network, n values do); the entity
 * owns the running statistics, the gauges and the history.
 */
public interface RemoteStatistics {

    /** Hands one snapshot's eigenvalues to the layer's statistics; answers processed or failed with a reason. */
    CompletionStage<SpectrumActor.ProcessReply> observe(Observation observation);

    /** The layer's latest report, wherever its statistics are. */
    CompletionStage<SpectrumActor.LayerLookup> report(String run, String layer);

    /** The layer's run expired: its statistics stop (with a last checkpoint) and its series go. */
    void release(String run, String layer);
}

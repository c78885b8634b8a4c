package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import io.micrometer.core.instrument.MeterRegistry;
import org.dysonmonitor.store.LedgerRow;
import org.dysonmonitor.store.SnapshotLedger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Cluster mode, which the shell (the {@code cluster} package) plugs into the monitor: without it
 * the monitor is one node, as always. The guardian calls {@link #start} once, before the run
 * registry exists.
 */
public interface ClusterMode {

    /** Joins the cluster and starts the layers' sharded statistics on this node. */
    Wiring start(ActorContext<?> guardian, MeterRegistry meters, MonitorSettings settings, ReportBus bus);

    /** What the monitor's parts use of the cluster. */
    interface Wiring {

        /** Where each layer's eigenvalues go: the layer's entity. */
        RemoteStatistics statistics();

        /** The cluster's accounting, which every run's counts are added to; null without a shared store. */
        SnapshotLedger ledger();

        /**
         * The registry the API talks to, given this node's: listings, PUT and finish reach every
         * node's registry; the rest stays on this node.
         */
        ActorRef<RunRegistry.Command> publicRegistry(ActorContext<?> guardian, ActorRef<RunRegistry.Command> local);

        /** The members and this node, for {@code GET /api/v1/cluster}. */
        Map<String, Object> state();

        /** The ledger summed over the cluster, for {@code GET /api/v1/cluster/accounting}. */
        CompletionStage<List<LedgerRow>> accounting(String run);
    }
}

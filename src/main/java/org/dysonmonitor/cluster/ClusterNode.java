package org.dysonmonitor.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import akka.cluster.sharding.ShardCoordinator;
import akka.cluster.sharding.typed.ShardingEnvelope;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.typed.Cluster;
import akka.management.javadsl.AkkaManagement;
import io.micrometer.core.instrument.MeterRegistry;
import org.dysonmonitor.monitor.ClusterMessage;
import org.dysonmonitor.monitor.ClusterMode;
import org.dysonmonitor.monitor.HistoryExtension;
import org.dysonmonitor.monitor.MonitorSettings;
import org.dysonmonitor.monitor.Observation;
import org.dysonmonitor.monitor.RemoteStatistics;
import org.dysonmonitor.monitor.ReportBus;
import org.dysonmonitor.monitor.RunRegistry;
import org.dysonmonitor.monitor.SpectrumActor;
import org.dysonmonitor.rmt.CpuPace;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.store.HistoryStore;
import org.dysonmonitor.store.LedgerRow;
import org.dysonmonitor.store.SnapshotLedger;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Cluster mode on one node: joins the cluster (the seed nodes and Artery settings are in the
 * configuration, see {@link ClusterConfig}), starts Cluster Sharding of the layers' statistics
 * ({@link LayerEntity}), bridges the cluster's live reports (a pub-sub topic) into this node's
 * report bus, publishes this node's run registry, watches the membership for the node metrics and
 * for dead nodes whose in-flight snapshots it reconciles in the ledger, and starts Akka
 * Management's members/health endpoint when a port is configured.
 *
 * <p><b>Where the work runs.</b> The node that receives a snapshot decodes it and computes its
 * eigenvalues (and, when due, the randomized baseline) on its own spectrum dispatcher: a 2048×2048
 * float32 matrix is 16 MiB, its eigenvalues 16 KiB. Only the eigenvalues cross to the layer's
 * entity, which owns the running statistics: one owner per layer, so the moments, stationarity and
 * pair statistics see every snapshot of the layer whichever node received it.
 */
public final class ClusterNode implements ClusterMode {

    /** What every layer entity on this node shares. */
    record EntityDependencies(MeterRegistry meters, LayerStatistics.Config statistics, int maxModeSeries,
                              Duration reportInterval, Consumer<LayerReport> live, Optional<HistoryStore> store,
                              Duration checkpointInterval, NodeMetrics metrics, CpuPace pace) {
    }

    /** A report on the cluster's live topic. */
    public record ClusterReport(LayerReport report) implements ClusterMessage {
    }

    private final Function<String, SnapshotLedger> ledgers;

    /**
     * @param ledgers opens the ledger for this node's unique address; null without a shared store
     *                (then nothing outlives a node: a test or a cluster without a database)
     */
    public ClusterNode(Function<String, SnapshotLedger> ledgers) {
        this.ledgers = ledgers;
    }

    @Override
    public Wiring start(ActorContext<?> guardian, MeterRegistry meters, MonitorSettings settings, ReportBus bus) {
        ActorSystem<?> system = guardian.getSystem();
        Cluster cluster = Cluster.get(system);
        String self = cluster.selfMember().uniqueAddress().toString();
        // Opening connects to the database: once, while the guardian starts and before any message.
        SnapshotLedger ledger = ledgers == null ? null : ledgers.apply(self);
        NodeMetrics nodeMetrics = new NodeMetrics(meters);

        ActorRef<Topic.Command<ClusterReport>> topic = guardian.spawn(
                Topic.create(ClusterReport.class, "dyson-reports"), "reports-topic");
        ActorRef<ClusterReport> toBus = guardian.spawn(Behaviors.receive(ClusterReport.class)
                .onMessage(ClusterReport.class, r -> {
                    bus.publish(r.report());
                    return Behaviors.same();
                }).build(), "reports-to-bus");
        topic.tell(Topic.subscribe(toBus));

        HistoryExtension history = HistoryExtension.get(system);
        EntityDependencies deps = new EntityDependencies(meters, settings.statistics(), settings.maxModeSeries(),
                settings.reportInterval(), report -> topic.tell(Topic.publish(new ClusterReport(report))),
                history.store(), history.checkpointInterval(), nodeMetrics,
                new CpuPace(settings.dynamicsCpuShare())); // the entities on this node share its cores
        ClusterSharding sharding = ClusterSharding.get(system);
        Entity<LayerEntity.Command, ShardingEnvelope<LayerEntity.Command>> layers =
                Entity.of(LayerEntity.KEY, context -> LayerEntity.create(context, deps))
                        .withStopMessage(LayerEntity.Stop.INSTANCE);
        if (history.store().isEmpty()) {
            // Without a store a layer's statistics live only in its entity, and a rebalance would start it
            // afresh on another node: shards stay on the node first given them (the one with the fewest
            // shards then). A node that joins later takes new layers; a node's departure still loses its own.
            layers = layers.withAllocationStrategy(new ShardCoordinator.LeastShardAllocationStrategy(1, 0));
        }
        sharding.init(layers);

        ClusterConfig.Settings clusterSettings = ClusterConfig.Settings.of(system.settings().config());
        guardian.spawn(MembershipWatch.create(nodeMetrics, ledger, self), "membership");
        if (clusterSettings.managementPort() >= 0) {
            AkkaManagement.get(system).start();
        }
        RemoteStatistics statistics = new ShardedStatistics(sharding, system, clusterSettings.observeTimeout(),
                settings.askTimeout());
        return new Wiring() {
            @Override
            public RemoteStatistics statistics() {
                return statistics;
            }

            @Override
            public SnapshotLedger ledger() {
                return ledger;
            }

            @Override
            public ActorRef<RunRegistry.Command> publicRegistry(ActorContext<?> ctx, ActorRef<RunRegistry.Command> local) {
                return ctx.spawn(ClusterRunRegistry.create(local), "cluster-runs");
            }

            @Override
            public Map<String, Object> state() {
                Map<String, Object> state = new LinkedHashMap<>();
                state.put("self", cluster.selfMember().address().toString());
                state.put("members", MembershipWatch.members(cluster));
                state.put("ledger", ledger != null);
                return state;
            }

            @Override
            public CompletionStage<List<LedgerRow>> accounting(String run) {
                return ledger == null ? CompletableFuture.completedFuture(List.of()) : ledger.totals(run);
            }
        };
    }

    /** The layers' statistics as entities of Cluster Sharding. */
    private record ShardedStatistics(ClusterSharding sharding, ActorSystem<?> system, Duration observeTimeout,
                                     Duration askTimeout) implements RemoteStatistics {

        @Override
        public CompletionStage<SpectrumActor.ProcessReply> observe(Observation o) {
            return sharding.entityRefFor(LayerEntity.KEY, LayerEntity.entityId(o.run(), o.layer()))
                    .ask(replyTo -> new LayerEntity.Observe(o, replyTo), observeTimeout);
        }

        @Override
        public CompletionStage<SpectrumActor.LayerLookup> report(String run, String layer) {
            return sharding.entityRefFor(LayerEntity.KEY, LayerEntity.entityId(run, layer))
                    .ask(LayerEntity.GetReport::new, askTimeout);
        }

        @Override
        public void release(String run, String layer) {
            sharding.entityRefFor(LayerEntity.KEY, LayerEntity.entityId(run, layer)).tell(LayerEntity.Stop.INSTANCE);
        }
    }
}

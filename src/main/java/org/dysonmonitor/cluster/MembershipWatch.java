package org.dysonmonitor.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import org.dysonmonitor.store.LedgerRow;
import org.dysonmonitor.store.SnapshotLedger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches the cluster from one node: the membership and the shards hosted here for the node
 * metrics, and each node removed from the cluster (downed by the split brain resolver after it
 * died, or left), whose ledger rows it reconciles — what that node held in flight is counted lost,
 * once, by whichever surviving node gets there first. A node that is itself leaving, downed or
 * shutting down reconciles nobody.
 */
final class MembershipWatch {

    private static final Duration POLL = Duration.ofSeconds(2);

    private MembershipWatch() {
    }

    private enum Poll {
        INSTANCE
    }

    private record Reconciled(String node, List<LedgerRow> rows, Throwable failure) {
    }

    static Behavior<Object> create(NodeMetrics metrics, SnapshotLedger ledger, String self) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberEvent.class));
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.ClusterShuttingDown$.class));
            timers.startTimerWithFixedDelay(Poll.INSTANCE, POLL);
            return watching(ctx, cluster, metrics, ledger, self, true);
        }));
    }

    /**
     * @param reconciles false once this node is on its way out: as its cluster shuts down, Akka publishes
     *                   every other member as removed (the change to an empty membership), and those
     *                   nodes are alive — reconciling them would count what they hold in flight as lost
     */
    private static Behavior<Object> watching(ActorContext<Object> ctx, Cluster cluster, NodeMetrics metrics,
                                             SnapshotLedger ledger, String self, boolean reconciles) {
        ActorRef<ShardRegion.CurrentShardRegionState> shards = ctx.getSelf().narrow();
        return Behaviors.receive(Object.class)
                .onMessage(ClusterEvent.ClusterShuttingDown$.class, down -> {
                    count(metrics, cluster);
                    return watching(ctx, cluster, metrics, ledger, self, false);
                })
                .onMessage(ClusterEvent.MemberRemoved.class, removed -> {
                    count(metrics, cluster);
                    String node = removed.member().uniqueAddress().toString();
                    if (!reconciles || node.equals(self)) {
                        return watching(ctx, cluster, metrics, ledger, self, false);
                    }
                    if (ledger != null) {
                        ctx.pipeToSelf(ledger.reconcile(node, self), (rows, failure) -> new Reconciled(node, rows, failure));
                    }
                    return Behaviors.same();
                })
                .onMessage(ClusterEvent.MemberEvent.class, event -> {
                    count(metrics, cluster);
                    // Leaving, exiting or downed: the members that remain reconcile the nodes removed from now on.
                    boolean leaving = reconciles && event.member().uniqueAddress().toString().equals(self)
                            && (event instanceof ClusterEvent.MemberLeft || event instanceof ClusterEvent.MemberExited
                            || event instanceof ClusterEvent.MemberDowned);
                    return leaving ? watching(ctx, cluster, metrics, ledger, self, false) : Behaviors.same();
                })
                .onMessage(Reconciled.class, r -> {
                    if (r.failure() != null) {
                        ctx.getLog().error("cannot reconcile the ledger of removed node {}: {}", r.node(),
                                r.failure().getMessage());
                        return Behaviors.same();
                    }
                    long lost = 0;
                    for (LedgerRow row : r.rows()) {
                        if (row.lost() > 0) {
                            metrics.lost(row.run(), row.layer(), row.lost());
                            lost += row.lost();
                        }
                    }
                    if (!r.rows().isEmpty()) {
                        ctx.getLog().warn("node {} left the cluster holding {} snapshots in flight: counted as lost "
                                + "(dyson_snapshots_lost_total)", r.node(), lost);
                    }
                    return Behaviors.same();
                })
                .onMessageEquals(Poll.INSTANCE, () -> {
                    count(metrics, cluster);
                    ClusterSharding.get(ctx.getSystem()).shardState()
                            .tell(new GetShardRegionState(LayerEntity.KEY, shards));
                    return Behaviors.same();
                })
                .onMessage(ShardRegion.CurrentShardRegionState.class, state -> {
                    int entities = 0;
                    for (ShardRegion.ShardState shard : state.getShards()) {
                        entities += shard.getEntityIds().size();
                    }
                    metrics.hosted(state.getShards().size(), entities);
                    return Behaviors.same();
                })
                .build();
    }

    private static void count(NodeMetrics metrics, Cluster cluster) {
        Map<NodeMetrics.Status, Integer> counts = new EnumMap<>(NodeMetrics.Status.class);
        for (Member m : cluster.state().getMembers()) {
            counts.merge(status(m), 1, Integer::sum);
        }
        metrics.members(counts);
    }

    private static NodeMetrics.Status status(Member m) {
        return NodeMetrics.Status.valueOf(m.status().toString().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase());
    }

    /** The members as the API lists them: address, status, roles, whether reachable from here. */
    static List<Map<String, Object>> members(Cluster cluster) {
        List<Map<String, Object>> list = new ArrayList<>();
        var unreachable = cluster.state().getUnreachable();
        for (Member m : cluster.state().getMembers()) {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("address", m.address().toString());
            member.put("status", status(m).name().toLowerCase());
            member.put("reachable", !unreachable.contains(m));
            list.add(member);
        }
        return list;
    }
}

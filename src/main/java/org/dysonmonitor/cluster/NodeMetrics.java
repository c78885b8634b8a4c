package org.dysonmonitor.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node's own series in cluster mode: {@code dyson_cluster_members{status}} (as this node sees the
 * membership), {@code dyson_cluster_shards} and {@code dyson_cluster_entities} (hosted here now),
 * {@code dyson_cluster_entity_starts_total} and {@code dyson_cluster_entity_resumes_total} (started
 * here; of those, resumed from a checkpoint — after a rebalance or a node's death),
 * {@code dyson_cluster_entity_stops_total} (left this node: handoff, passivation, shutdown), and
 * {@code dyson_snapshots_lost_total{run,layer}}: snapshots a dead node held in flight, counted by
 * the node that reconciled its ledger. Thread-safe.
 */
public final class NodeMetrics {

    /** The member states a gauge is kept for (Akka's MemberStatus, lower case). */
    public enum Status { JOINING, WEAKLY_UP, UP, PREPARING_FOR_SHUTDOWN, READY_FOR_SHUTDOWN, LEAVING, EXITING, DOWN, REMOVED }

    private final MeterRegistry registry;
    private final Map<Status, AtomicInteger> members = new EnumMap<>(Status.class);
    private final AtomicInteger shards = new AtomicInteger();
    private final AtomicInteger entities = new AtomicInteger();
    private final AtomicLong starts = new AtomicLong();
    private final AtomicLong resumes = new AtomicLong();
    private final AtomicLong stops = new AtomicLong();
    private final Map<String, Counter> lost = new ConcurrentHashMap<>();

    public NodeMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Status s : Status.values()) {
            AtomicInteger n = new AtomicInteger();
            members.put(s, n);
            Gauge.builder("dyson.cluster.members", n, AtomicInteger::get).tag("status", s.name().toLowerCase())
                    .description("Cluster members in this state, as this node sees them").register(registry);
        }
        Gauge.builder("dyson.cluster.shards", shards, AtomicInteger::get)
                .description("Shards of layers hosted on this node").register(registry);
        Gauge.builder("dyson.cluster.entities", entities, AtomicInteger::get)
                .description("Layer entities (running statistics) hosted on this node").register(registry);
        FunctionCounter.builder("dyson.cluster.entity.starts", starts, AtomicLong::get)
                .description("Layer entities started on this node").register(registry);
        FunctionCounter.builder("dyson.cluster.entity.resumes", resumes, AtomicLong::get)
                .description("Layer entities started on this node that resumed from a stored checkpoint").register(registry);
        FunctionCounter.builder("dyson.cluster.entity.stops", stops, AtomicLong::get)
                .description("Layer entities that left this node (handoff, passivation, shutdown)").register(registry);
    }

    /** The membership as this node sees it now. */
    public void members(Map<Status, Integer> counts) {
        for (Status s : Status.values()) {
            members.get(s).set(counts.getOrDefault(s, 0));
        }
    }

    /** Shards and entities hosted here, from the shard region's state. */
    public void hosted(int shardCount, int entityCount) {
        shards.set(shardCount);
        entities.set(entityCount);
    }

    void entityStarted() {
        starts.incrementAndGet();
    }

    void entityResumed() {
        resumes.incrementAndGet();
    }

    void entityStopped() {
        stops.incrementAndGet();
    }

    /** Counts snapshots of (run, layer) that a dead node held in flight. */
    public void lost(String run, String layer, long count) {
        lost.computeIfAbsent(run + "\u0000" + layer, k -> Counter.builder("dyson.snapshots.lost")
                        .description("Snapshots a node held in flight when it died (reconciled from the ledger)")
                        .tag("run", run).tag("layer", layer).register(registry))
                .increment(count);
    }
}

package org.dysonmonitor.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityContext;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.dysonmonitor.metrics.LayerMetrics;
import org.dysonmonitor.monitor.ClusterMessage;
import org.dysonmonitor.monitor.LayerAnalysis;
import org.dysonmonitor.monitor.LayerHistory;
import org.dysonmonitor.monitor.Observation;
import org.dysonmonitor.monitor.SpectrumActor;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.Spectrum;
import org.dysonmonitor.store.HistoryStore;

import java.util.List;
import java.util.Optional;

/**
 * One (run, layer) of the cluster, entity id {@code run/layer}, placed on a node by Cluster
 * Sharding: it owns the layer's running statistics, its gauges on the node it runs on, and its
 * history in the shared store. Nodes that receive snapshots send it eigenvalues ({@link Observe});
 * it never sees a matrix.
 *
 * <p>Starting on a node — the first time, after a rebalance, or after its node died — it reads the
 * layer's latest checkpoint from the store (stashing what arrives meanwhile) and resumes from it at
 * its first observation. When it leaves a node (handoff, passivation, shutdown) it stores a last
 * checkpoint and removes its series there, so a moved layer's series are on one node only; told to
 * {@link Stop}, it stops only once the store has committed that checkpoint, so that the layer's next
 * entity, which reads the latest checkpoint as it starts, resumes from this one and not an older one.
 */
public final class LayerEntity extends AbstractBehavior<LayerEntity.Command> {

    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "dyson-layer");

    public sealed interface Command extends ClusterMessage {
    }

    /** One snapshot's eigenvalues; answered {@link SpectrumActor.Processed} or {@link SpectrumActor.Failed}. */
    public record Observe(Observation observation, ActorRef<SpectrumActor.ProcessReply> replyTo) implements Command {
    }

    /** The latest report; answered {@link SpectrumActor.Found} or {@link SpectrumActor.NotFound}. */
    public record GetReport(ActorRef<SpectrumActor.LayerLookup> replyTo) implements Command {
    }

    /** Leave this node: sent by sharding for a handoff, and by a node when the run has expired there. */
    public enum Stop implements Command {
        INSTANCE
    }

    /** A look-up found no statistics a while ago: passivate if still none. Local, never sent between nodes. */
    private enum IdleCheck implements Command {
        INSTANCE
    }

    /** How long an entity that a look-up started waits for an observation before it passivates. */
    private static final java.time.Duration LOOKUP_GRACE = java.time.Duration.ofSeconds(10);

    /** The checkpoint was read from the store; local to the entity, never sent between nodes. */
    private record Resumed(Optional<HistoryStore.Checkpoint> checkpoint) implements Command {
    }

    /** The store committed the last checkpoint of a leaving entity. Local, never sent between nodes. */
    private enum Flushed implements Command {
        INSTANCE
    }

    private final String entityId;
    private final ClusterNode.EntityDependencies deps;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final Optional<HistoryStore.Checkpoint> checkpoint;
    private LayerAnalysis analysis;
    private SpectrumActor.Identity id;

    /** The behavior sharding starts for {@code context}'s entity id. */
    static Behavior<Command> create(EntityContext<Command> context, ClusterNode.EntityDependencies deps) {
        return Behaviors.withTimers(timers -> Behaviors.setup(ctx -> {
            String entityId = context.getEntityId();
            if (deps.store().isEmpty()) {
                return new LayerEntity(ctx, timers, entityId, deps, context.getShard(), Optional.empty());
            }
            int slash = entityId.indexOf('/');
            ctx.pipeToSelf(deps.store().get().latestCheckpoint(entityId.substring(0, slash), entityId.substring(slash + 1)),
                    (c, failure) -> new Resumed(failure == null ? c : Optional.empty()));
            return Behaviors.withStash(256, stash -> Behaviors.receive(Command.class)
                    .onMessage(Resumed.class, r -> stash.unstashAll(
                            new LayerEntity(ctx, timers, entityId, deps, context.getShard(), r.checkpoint())))
                    .onMessage(Stop.class, s -> Behaviors.stopped())
                    .onAnyMessage(m -> {
                        stash.stash(m);
                        return Behaviors.same();
                    })
                    .build());
        }));
    }

    /** The entity id of a layer: {@code run/layer} (run names never hold a slash). */
    public static String entityId(String run, String layer) {
        return run + "/" + layer;
    }

    private final akka.actor.typed.javadsl.TimerScheduler<Command> timers;

    private LayerEntity(ActorContext<Command> context, akka.actor.typed.javadsl.TimerScheduler<Command> timers,
                        String entityId, ClusterNode.EntityDependencies deps,
                        ActorRef<ClusterSharding.ShardCommand> shard, Optional<HistoryStore.Checkpoint> checkpoint) {
        super(context);
        this.timers = timers;
        this.entityId = entityId;
        this.deps = deps;
        this.shard = shard;
        this.checkpoint = checkpoint;
        deps.metrics().entityStarted();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Observe.class, this::onObserve)
                .onMessage(GetReport.class, this::onGetReport)
                .onMessageEquals(Stop.INSTANCE, this::onStop)
                .onMessageEquals(IdleCheck.INSTANCE, this::onIdleCheck)
                .onSignal(PostStop.class, signal -> onStopped())
                .build();
    }

    private Behavior<Command> onObserve(Observe msg) {
        Observation o = msg.observation();
        if (analysis == null) {
            start(o);
        } else if (o.rows() != id.rows() || o.cols() != id.cols()) {
            msg.replyTo().tell(new SpectrumActor.Failed("shape_mismatch", "layer " + o.layer() + " is "
                    + id.rows() + "×" + id.cols() + ", snapshot is " + o.rows() + "×" + o.cols()));
            return this;
        }
        LayerStatistics statistics = analysis.statistics();
        LayerReport report;
        try {
            if (o.top()) {
                if (analysis.latest() == null) {
                    // A tracked layer's entity that just started elsewhere has no full spectrum to extend.
                    msg.replyTo().tell(new SpectrumActor.Failed("no_full_spectrum", "layer " + o.layer()
                            + " of run " + o.run() + " restarted on another node: its next full spectrum resumes it"));
                    return this;
                }
                report = statistics.updateTop(o.step(), o.values(), o.learningRate(), o.batchSize());
            } else {
                report = statistics.update(o.step(), new Spectrum(o.rows(), o.cols(), o.values()), o.learningRate(),
                        o.batchSize(), o.baseline(), System.nanoTime() * 1e-9);
            }
        } catch (RuntimeException e) {
            msg.replyTo().tell(new SpectrumActor.Failed("internal_error", e.toString()));
            throw e;
        }
        analysis.publish(report, o.computeNanos(), o.forced());
        msg.replyTo().tell(new SpectrumActor.Processed(o.step()));
        return this;
    }

    /** The statistics of the layer's first observation on this node: resumed from the checkpoint when it is this layer's. */
    private void start(Observation o) {
        id = new SpectrumActor.Identity(o.run(), o.layer(), o.rows(), o.cols());
        double[] target = o.target().length == 0 ? null : o.target();
        SpectrumActor.Analysis spec = new SpectrumActor.Analysis(target, deps.statistics(), () -> null);
        LayerStatistics resumed = checkpoint.map(c -> LayerHistory.resume(c, id, spec)).orElse(null);
        if (resumed != null) {
            deps.metrics().entityResumed();
            getContext().getLog().info("layer {} of run {} resumes on this node after {} snapshots (step {})",
                    o.layer(), o.run(), resumed.snapshots(), checkpoint.get().step());
        }
        LayerStatistics statistics = (resumed != null ? resumed
                : new LayerStatistics(o.run(), o.layer(), o.rows(), o.cols(), target, deps.statistics()))
                .paced(deps.pace());
        LayerHistory history = deps.store().map(s -> new LayerHistory(s, id, deps.checkpointInterval())).orElse(null);
        analysis = new LayerAnalysis(statistics, history,
                new LayerMetrics(deps.meters(), o.run(), o.layer(), deps.maxModeSeries()), null,
                deps.live(), deps.reportInterval(), List.of());
    }

    private Behavior<Command> onGetReport(GetReport msg) {
        LayerReport latest = analysis == null ? null : analysis.latest();
        if (latest != null) {
            msg.replyTo().tell(new SpectrumActor.Found(latest));
            return this;
        }
        msg.replyTo().tell(new SpectrumActor.NotFound("layer " + entityId + " has no report yet"));
        if (analysis == null) {
            // Perhaps a layer nobody posted: do not keep an entity for it. Not at once: the layer's first
            // observation may be on its way (an entity stopping with fresh statistics would lose them).
            timers.startSingleTimer(IdleCheck.INSTANCE, LOOKUP_GRACE);
        }
        return this;
    }

    private Behavior<Command> onIdleCheck() {
        if (analysis == null) {
            shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
        }
        return this;
    }

    /**
     * Leaves this node. Sharding's handoff waits for the entity to terminate before the shard starts
     * elsewhere, so waiting here for the commit orders the last checkpoint before the next entity's read.
     */
    private Behavior<Command> onStop() {
        if (analysis == null || deps.store().isEmpty()) {
            return Behaviors.stopped(); // nothing to hand over: PostStop closes what there is
        }
        LayerReport last = analysis.latest();
        analysis.close();
        analysis = null;
        getContext().pipeToSelf(deps.store().get().flush(), (done, failure) -> Flushed.INSTANCE);
        return Behaviors.receive(Command.class)
                .onMessageEquals(Flushed.INSTANCE, () -> Behaviors.stopped())
                .onMessage(Observe.class, o -> {
                    // Its statistics are stored already: one more snapshot here would be lost with the entity.
                    o.replyTo().tell(new SpectrumActor.Failed("entity_moving", "layer " + o.observation().layer()
                            + " of run " + o.observation().run() + " is leaving this node; its next snapshot "
                            + "reaches it on the next"));
                    return Behaviors.same();
                })
                .onMessage(GetReport.class, g -> {
                    g.replyTo().tell(last != null ? new SpectrumActor.Found(last)
                            : new SpectrumActor.NotFound("layer " + entityId + " has no report yet"));
                    return Behaviors.same();
                })
                .onSignal(PostStop.class, signal -> {
                    deps.metrics().entityStopped();
                    return Behaviors.same();
                })
                .build();
    }

    private Behavior<Command> onStopped() {
        if (analysis != null) {
            analysis.close();
        }
        deps.metrics().entityStopped();
        return this;
    }
}

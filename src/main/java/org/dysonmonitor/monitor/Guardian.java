package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.micrometer.core.instrument.MeterRegistry;
import org.dysonmonitor.linalg.SpectrumSolver;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** Wires the monitor: spawns the run registry and, on request, built-in trainers and checkpoint watchers. */
public final class Guardian extends AbstractBehavior<Guardian.Command> {

    public sealed interface Command {
    }

    /** Ask for what the monitor's shell needs: the registry, the live report bus and the channel directory. */
    public record GetWiring(ActorRef<Wiring> replyTo) implements Command {
    }

    /** The answer to {@link GetWiring}. */
    public record Wiring(ActorRef<RunRegistry.Command> registry, ReportBus bus, ChannelDirectory directory,
                         InflightBudget budget, ClusterMode.Wiring cluster) {
    }

    /** Start a built-in trainer on the trainer dispatcher; replies with its reference. */
    public record StartTrainer(TrainerActor.Plan plan, ActorRef<ActorRef<TrainerActor.Command>> replyTo)
            implements Command {
    }

    /** Follow a run's checkpoint directory (policy all unless set before); replies with the watcher. */
    public record StartWatch(String run, CheckpointSource source, ProcessedCheckpoints processed, Duration interval,
                             ActorRef<ActorRef<CheckpointWatcher.Command>> replyTo) implements Command {
    }

    private final ActorRef<RunRegistry.Command> registry;
    /** The registry the API talks to: this node's, or in a cluster the cluster-wide one. */
    private final ActorRef<RunRegistry.Command> publicRegistry;
    private final ClusterMode.Wiring cluster;
    private final ReportBus bus;
    private final SnapshotIntake intake;
    private final Executor blocking;
    private final ChannelDirectory directory = new ChannelDirectory();
    private final InflightBudget budget;
    private long trainers;
    private long watchers;

    /** @param cluster cluster mode, or null for one node */
    public static Behavior<Command> create(MonitorSettings settings, MeterRegistry meters,
                                           Supplier<SpectrumSolver> solvers, InflightBudget budget,
                                           ClusterMode cluster) {
        return Behaviors.setup(ctx -> new Guardian(ctx, settings, meters, solvers, budget, cluster));
    }

    private Guardian(ActorContext<Command> context, MonitorSettings settings, MeterRegistry meters,
                     Supplier<SpectrumSolver> solvers, InflightBudget budget, ClusterMode clusterMode) {
        super(context);
        this.bus = new ReportBus(context.getSystem(), meters);
        this.budget = budget;
        this.cluster = clusterMode == null ? null : clusterMode.start(context, meters, settings, bus);
        this.registry = context.spawn(RunRegistry.create(
                new RunRegistry.Dependencies(settings, meters, bus, solvers, directory, budget, cluster)), "runs");
        this.publicRegistry = cluster == null ? registry : cluster.publicRegistry(context, registry);
        CompletionStage<Void> now = CompletableFuture.completedFuture(null);
        this.intake = new SnapshotIntake(context.getSystem(), registry, directory, settings.askTimeout(), budget,
                cluster == null || cluster.ledger() == null ? () -> now : cluster.ledger()::committed);
        this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("dyson-watch-dispatcher"));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(GetWiring.class, this::onGetWiring)
                .onMessage(StartTrainer.class, this::onStartTrainer)
                .onMessage(StartWatch.class, this::onStartWatch)
                .build();
    }

    private Behavior<Command> onGetWiring(GetWiring msg) {
        msg.replyTo().tell(new Wiring(publicRegistry, bus, directory, budget, cluster));
        return this;
    }

    private Behavior<Command> onStartWatch(StartWatch msg) {
        // Enqueued before the watcher exists, so before any of its asks: the run is `all` from its first layer.
        registry.tell(new RunRegistry.PutRun(msg.run(),
                new RunSpec(Double.NaN, 0, OverloadPolicy.ALL, java.util.Map.of()), getContext().getSystem().ignoreRef()));
        ActorRef<CheckpointWatcher.Command> watcher = getContext().spawn(CheckpointWatcher.create(
                        new CheckpointWatcher.Setup(msg.run(), msg.source(), msg.processed(), intake, blocking,
                                msg.interval())),
                "watch-" + (++watchers));
        msg.replyTo().tell(watcher);
        return this;
    }

    private Behavior<Command> onStartTrainer(StartTrainer msg) {
        ActorRef<TrainerActor.Command> trainer = getContext().spawn(
                TrainerActor.create(msg.plan(), registry),
                "trainer-" + (++trainers),
                DispatcherSelector.fromConfig("dyson-trainer-dispatcher"));
        msg.replyTo().tell(trainer);
        return this;
    }
}

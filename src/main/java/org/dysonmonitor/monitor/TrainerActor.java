package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.train.Trainer;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;

/**
 * Drives one built-in {@link Trainer} step by step and streams a snapshot of its weights every
 * {@code snapshotEvery} steps into the layer's channel. Runs on its own dispatcher so that training
 * never starves HTTP or the spectrum actors; yields between slices of steps so that several trainers
 * share that dispatcher fairly.
 *
 * <p>Under {@code latest} it never waits (a full queue drops, counted). Under {@code all} a full queue
 * holds the trainer: it waits for the queue's next free slot, offers the same snapshot again and
 * does not step meanwhile, so the trainer is backpressured and nothing is lost.
 */
public final class TrainerActor extends AbstractBehavior<TrainerActor.Command> {

    public sealed interface Command {
    }

    /** Stop training (the run is then finished). */
    public enum Stop implements Command { INSTANCE }

    private enum Tick implements Command { INSTANCE }

    private record Registered(RunRegistry.Reply reply) implements Command {
    }

    /**
     * What to train and how to stream it.
     *
     * @param maxSteps      stop after this many steps (0: until stopped)
     * @param stepsPerSecond pace the training (0: as fast as it goes); a live demo paces its runs so
     *                      that a person can watch them converge
     * @param snapshotsFrom  burn-in: no snapshot is streamed before this step (0: from the start)
     */
    public record Plan(String run, String layer, Trainer trainer, int snapshotEvery, OverloadPolicy policy,
                       long maxSteps, double stepsPerSecond, long snapshotsFrom) {
        public Plan {
            if (snapshotEvery < 1) {
                throw new IllegalArgumentException("snapshotEvery must be ≥ 1, got " + snapshotEvery);
            }
            if (snapshotsFrom < 0) {
                throw new IllegalArgumentException("snapshotsFrom must be ≥ 0, got " + snapshotsFrom);
            }
        }

        /** A plan that streams snapshots from the first step. */
        public Plan(String run, String layer, Trainer trainer, int snapshotEvery, OverloadPolicy policy,
                    long maxSteps, double stepsPerSecond) {
            this(run, layer, trainer, snapshotEvery, policy, maxSteps, stepsPerSecond, 0);
        }
    }

    private static final long SLICE_NANOS = 5_000_000;

    private final Plan plan;
    private final ActorRef<RunRegistry.Command> registry;
    private final TimerScheduler<Command> timers;
    private LayerChannel channel;
    private Snapshot pending;
    private long startNanos;

    public static Behavior<Command> create(Plan plan, ActorRef<RunRegistry.Command> registry) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new TrainerActor(ctx, timers, plan, registry)));
    }

    private TrainerActor(ActorContext<Command> context, TimerScheduler<Command> timers, Plan plan,
                         ActorRef<RunRegistry.Command> registry) {
        super(context);
        this.plan = plan;
        this.registry = registry;
        this.timers = timers;
        Trainer t = plan.trainer();
        Map<String, double[]> targets = t.targetSpectrum() == null ? Map.of() : Map.of(plan.layer(), t.targetSpectrum());
        RunSpec spec = new RunSpec(t.learningRate(), t.batchSize(), plan.policy(), targets);
        ActorRef<RunRegistry.Reply> adapter = context.messageAdapter(RunRegistry.Reply.class, Registered::new);
        registry.tell(new RunRegistry.PutRun(plan.run(), spec, context.getSystem().ignoreRef()));
        registry.tell(new RunRegistry.OpenLayer(plan.run(), plan.layer(), t.rows(), t.cols(), adapter));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Registered.class, this::onRegistered)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessageEquals(Stop.INSTANCE, this::onStop)
                .build();
    }

    private Behavior<Command> onRegistered(Registered msg) {
        if (msg.reply() instanceof RunRegistry.Opened opened) {
            channel = opened.channel();
            startNanos = System.nanoTime();
            getContext().getSelf().tell(Tick.INSTANCE);
            return this;
        }
        getContext().getLog().error("trainer for run {} could not start: {}", plan.run(), msg.reply());
        return Behaviors.stopped();
    }

    private Behavior<Command> onTick() {
        if (pending != null && !deliver()) {
            return this; // `all` and the queue is full: wait for room, do not step
        }
        Trainer t = plan.trainer();
        long sliceEnd = System.nanoTime() + SLICE_NANOS;
        while (System.nanoTime() < sliceEnd) {
            if (plan.maxSteps() > 0 && t.steps() >= plan.maxSteps()) {
                return onStop();
            }
            long wait = nanosUntilNextStep();
            if (wait > 0) {
                timers.startSingleTimer(Tick.INSTANCE, Duration.ofNanos(wait));
                return this;
            }
            t.step();
            if (t.steps() % plan.snapshotEvery() == 0 && t.steps() >= plan.snapshotsFrom()) {
                pending = channel.snapshot(t.steps(), WeightMatrix.of(t.rows(), t.cols(), t.weights(), false),
                        OptionalDouble.of(t.learningRate()), OptionalInt.of(t.batchSize()));
                channel.received();
                if (!deliver()) {
                    return this;
                }
                if (plan.stepsPerSecond() > 0) {
                    // Paced: one snapshot per tick, so snapshots arrive spread out as in a real run,
                    // not in bursts that `latest` would mostly replace.
                    break;
                }
            }
        }
        getContext().getSelf().tell(Tick.INSTANCE); // yield to other trainers on the dispatcher
        return this;
    }

    /** How long until the pace allows the next step; 0 when unpaced or behind. */
    private long nanosUntilNextStep() {
        if (plan.stepsPerSecond() <= 0) {
            return 0;
        }
        long due = startNanos + (long) (plan.trainer().steps() * 1e9 / plan.stepsPerSecond());
        return Math.max(0, due - System.nanoTime());
    }

    /**
     * Offers the pending snapshot. Under {@code all} a full queue answers false and the trainer waits
     * for the queue's next free slot (a Tick then comes back), stepping no further meanwhile.
     */
    private boolean deliver() {
        CompletionStage<Void> slot = channel.nextFreeSlot(); // before the offer, so no freed slot is missed
        LayerChannel.Offer offer = channel.offer(pending);
        if (offer == LayerChannel.Offer.FULL) {
            getContext().pipeToSelf(slot, (ok, failure) -> Tick.INSTANCE);
            return false;
        }
        if (offer == LayerChannel.Offer.CLOSED) {
            channel.rejected("closed"); // the run was removed under the trainer: counted, not lost
        }
        pending = null;
        return true;
    }

    private Behavior<Command> onStop() {
        registry.tell(new RunRegistry.FinishRun(plan.run(), getContext().getSystem().ignoreRef()));
        return Behaviors.stopped();
    }
}

package org.dysonmonitor.monitor;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import org.dysonmonitor.ingest.DecodedModel;
import org.dysonmonitor.ingest.NamedMatrix;
import org.dysonmonitor.ingest.NpyFormatException;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.metrics.LabelValues;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Follows one run's checkpoint directory ({@code serve --watch RUN=DIR}): scans it on a timer, and
 * feeds each new complete checkpoint, in step order, into the run's layers like a whole-model HTTP
 * snapshot. One checkpoint at a time: the next is read once the previous is queued, so memory holds
 * at most one decoded model. The scan and the reads block, so they run on the blocking executor,
 * never on this actor's thread; their results come back as messages.
 *
 * <p>A bad checkpoint is logged, counted once as rejected (under the layer label {@code _model}),
 * marked processed, and the watch goes on. The run's policy is {@code all} unless it was set
 * otherwise before, so a checkpoint is never dropped: the watcher waits for room instead.
 */
public final class CheckpointWatcher extends AbstractBehavior<CheckpointWatcher.Command> {

    public sealed interface Command {
    }

    private enum Tick implements Command { INSTANCE }

    private record Scanned(List<CheckpointSource.Found> found, Throwable failure) implements Command {
    }

    private record Read(CheckpointSource.Found checkpoint, DecodedModel model, Throwable failure) implements Command {
    }

    private record Fed(CheckpointSource.Found checkpoint, String outcome, Throwable failure) implements Command {
    }

    /**
     * @param blocking where the scans and reads run (a dispatcher of their own)
     * @param interval time between two scans
     */
    public record Setup(String run, CheckpointSource source, ProcessedCheckpoints processed, SnapshotIntake intake,
                        Executor blocking, Duration interval) {
    }

    /** Under {@code all}, how long one layer of a checkpoint may wait for room before it is counted rejected. */
    private static final Duration QUEUE_WAIT = Duration.ofHours(1);

    private final Setup setup;
    private final Deque<CheckpointSource.Found> pending = new ArrayDeque<>();
    private final Set<String> queued = new HashSet<>();
    private boolean scanning;
    private boolean feeding;

    public static Behavior<Command> create(Setup setup) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new CheckpointWatcher(ctx, timers, setup)));
    }

    private CheckpointWatcher(ActorContext<Command> context, TimerScheduler<Command> timers, Setup setup) {
        super(context);
        this.setup = setup;
        timers.startTimerWithFixedDelay(Tick.INSTANCE, setup.interval());
        context.getSelf().tell(Tick.INSTANCE);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessage(Scanned.class, this::onScanned)
                .onMessage(Read.class, this::onRead)
                .onMessage(Fed.class, this::onFed)
                .build();
    }

    private Behavior<Command> onTick() {
        if (!scanning) {
            scanning = true;
            getContext().pipeToSelf(blocking(() -> setup.source().scan()), Scanned::new);
        }
        return this;
    }

    private Behavior<Command> onScanned(Scanned msg) {
        scanning = false;
        if (msg.failure() != null) {
            getContext().getLog().warn("watch of run {}: scan failed: {}", setup.run(), cause(msg.failure()).toString());
            return this;
        }
        msg.found().stream()
                .filter(c -> !setup.processed().contains(c.identity()) && queued.add(c.identity()))
                .sorted(Comparator.comparingLong(CheckpointSource.Found::step))
                .forEach(pending::add);
        // A checkpoint found late with a smaller step still goes before the larger ones waiting.
        List<CheckpointSource.Found> ordered = pending.stream()
                .sorted(Comparator.comparingLong(CheckpointSource.Found::step)).toList();
        pending.clear();
        pending.addAll(ordered);
        return next();
    }

    private Behavior<Command> next() {
        if (feeding || pending.isEmpty()) {
            return this;
        }
        feeding = true;
        CheckpointSource.Found c = pending.poll();
        if (c.step() < 0) {
            return reject(c, "bad_step", "no step in its name (the last integer) nor in __metadata__[\"step\"]");
        }
        getContext().pipeToSelf(blocking(() -> setup.source().read(c)), (model, failure) -> new Read(c, model, failure));
        return this;
    }

    private Behavior<Command> onRead(Read msg) {
        if (msg.failure() != null) {
            Throwable cause = cause(msg.failure());
            String reason = cause instanceof NpyFormatException e ? e.reason().label() : "unreadable";
            return reject(msg.checkpoint(), reason, cause.getMessage());
        }
        getContext().pipeToSelf(feed(msg.checkpoint(), msg.model()), (outcome, failure) ->
                new Fed(msg.checkpoint(), outcome, failure));
        return this;
    }

    /** Admits every layer of the model, then delivers them all: as the whole-model route does. */
    private CompletionStage<String> feed(CheckpointSource.Found c, DecodedModel model) {
        List<ChannelDirectory.LayerShape> shapes = model.layers().stream()
                .map(l -> new ChannelDirectory.LayerShape(l.name(), l.matrix().rows(), l.matrix().cols())).toList();
        List<WeightMatrix> matrices = model.layers().stream().map(NamedMatrix::matrix).toList();
        return setup.intake().admit(setup.run(), shapes).thenCompose(admission -> {
            if (admission instanceof SnapshotIntake.Refused refused) {
                setup.intake().countRejected(setup.run(), LabelValues.WHOLE_MODEL, refused.refusal().reason());
                return CompletableFuture.completedFuture("refused: " + refused.refusal().message());
            }
            List<LayerChannel> channels = ((SnapshotIntake.Admitted) admission).channels();
            return deliverWithinBudget(c, channels, matrices);
        });
    }

    /**
     * The decoded model counts against the memory budget like a POST's body: a checkpoint waits
     * (polling once a second) while the budget is full, and one larger than the whole budget is
     * refused ({@code overloaded}). Runs off the actor's thread and touches no actor state.
     */
    private CompletionStage<String> deliverWithinBudget(CheckpointSource.Found c, List<LayerChannel> channels,
                                                        List<WeightMatrix> matrices) {
        InflightBudget budget = setup.intake().budget();
        long bytes = matrices.stream().mapToLong(InflightBudget::bytesOf).sum();
        if (bytes > budget.limit()) {
            setup.intake().countRejected(setup.run(), LabelValues.WHOLE_MODEL, "overloaded");
            return CompletableFuture.completedFuture("refused: " + bytes + " bytes of layers exceed --max-inflight-bytes "
                    + budget.limit());
        }
        InflightBudget.Reservation reservation = budget.reservation();
        if (!reservation.grow(bytes)) {
            return CompletableFuture.supplyAsync(() -> null,
                            CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS))
                    .thenCompose(retry -> deliverWithinBudget(c, channels, matrices));
        }
        return setup.intake().deliver(channels, c.step(), matrices, OptionalDouble.empty(), OptionalInt.empty(),
                        QUEUE_WAIT, reservation)
                .whenComplete((offers, failure) -> reservation.close())
                .thenApply(offers -> "fed " + offers.size() + " layers");
    }

    private Behavior<Command> onFed(Fed msg) {
        if (msg.failure() != null) {
            getContext().getLog().warn("watch of run {}: checkpoint {} (step {}) failed: {}", setup.run(),
                    msg.checkpoint().description(), msg.checkpoint().step(), cause(msg.failure()).toString());
        } else {
            getContext().getLog().info("watch of run {}: checkpoint {} (step {}) {}", setup.run(),
                    msg.checkpoint().description(), msg.checkpoint().step(), msg.outcome());
        }
        return done(msg.checkpoint());
    }

    private Behavior<Command> reject(CheckpointSource.Found c, String reason, String message) {
        getContext().getLog().warn("watch of run {}: checkpoint {} (step {}) rejected ({}): {}", setup.run(),
                c.description(), c.step(), reason, message);
        setup.intake().countRejected(setup.run(), LabelValues.WHOLE_MODEL, reason);
        return done(c);
    }

    private Behavior<Command> done(CheckpointSource.Found c) {
        setup.processed().add(c.identity());
        queued.remove(c.identity());
        feeding = false;
        return next();
    }

    /** A blocking call on the watch's executor; its checked exceptions fail the stage. */
    private <T> CompletionStage<T> blocking(BlockingCall<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, setup.blocking());
    }

    @FunctionalInterface
    private interface BlockingCall<T> {
        T call() throws Exception;
    }

    private static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}

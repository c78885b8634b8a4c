package org.dysonmonitor.sweep;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import org.dysonmonitor.monitor.Guardian;
import org.dysonmonitor.monitor.OverloadPolicy;
import org.dysonmonitor.monitor.RunRegistry;
import org.dysonmonitor.monitor.RunSpec;
import org.dysonmonitor.monitor.TrainerActor;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.train.RbmTrainer;
import org.dysonmonitor.train.Trainer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the trainings of a sweep through the monitor, a few at a time, and collects every
 * LayerReport of every run.
 *
 * <p>Per run: PutRun with policy {@code all} (nothing dropped, the trainer is backpressured), then
 * Watch (every report of the run comes here, unthrottled, in order), and only once the watch is
 * confirmed the trainer actor is started. A run is done when the report of its last snapshot has
 * arrived and its trainer has stopped; a trainer that stops before its last update (an unstable RBM)
 * fails the run. On {@link Stop} no run is started any more, the running trainers are stopped and
 * their partial data discarded, and the outcome holds the runs that finished.
 *
 * <p>The outcome completes {@code result} once; progress is published into {@code progress} four
 * times a second.
 */
public final class SweepCoordinator extends AbstractBehavior<SweepCoordinator.Command> {

    public sealed interface Command {
    }

    /** Start no more runs, stop the running ones, and finish with what finished. */
    public enum Stop implements Command { INSTANCE }

    private enum Publish implements Command { INSTANCE }

    private record Report(LayerReport report) implements Command {
    }

    private record Watching(RunPlan run, RunRegistry.Reply reply, Throwable failure) implements Command {
    }

    private record TrainerStarted(RunPlan run, ActorRef<TrainerActor.Command> trainer, Throwable failure)
            implements Command {
    }

    private record TrainerStopped(String run) implements Command {
    }

    private record Overdue(String run) implements Command {
    }

    /**
     * What the coordinator needs.
     *
     * @param plan     the sweep
     * @param registry the monitor's run registry
     * @param guardian the monitor's guardian (it starts trainers)
     * @param parallel runs in flight at once
     * @param progress where progress is published
     * @param result   completed with the outcome
     */
    public record Setup(SweepPlan plan, ActorRef<RunRegistry.Command> registry, ActorRef<Guardian.Command> guardian,
                        int parallel, AtomicReference<Progress> progress, CompletableFuture<SweepOutcome> result) {
    }

    /**
     * @param runs        finished pooled runs
     * @param evolution   the evolution run, null if it did not finish
     * @param failures    runs that failed, with the reason
     * @param interrupted stopped before all runs finished
     */
    public record SweepOutcome(List<RunResult> runs, Evolution evolution, List<String> failures, boolean interrupted) {
    }

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PUBLISH_EVERY = Duration.ofMillis(250);
    /** How long the last report may lag behind its stopped trainer before the run counts as failed. */
    private static final Duration LAST_REPORT_TIMEOUT = Duration.ofSeconds(60);

    private final Setup setup;
    private final TimerScheduler<Command> timers;
    private final ActorRef<LayerReport> reports;
    private final Deque<RunPlan> pending;
    private final Map<String, Active> active = new LinkedHashMap<>();
    private final List<RunResult> finished = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private final double workTotal;
    private Evolution evolution;
    private double workFinished;
    private long snapshots;
    private boolean stopping;

    /** A run in flight: its trainer and what has come back of it. */
    private static final class Active {
        final RunPlan plan;
        final Trainer trainer;
        final RunCollector collector;
        ActorRef<TrainerActor.Command> trainerRef;
        boolean trainerStopped;

        Active(RunPlan plan, Trainer trainer) {
            this.plan = plan;
            this.trainer = trainer;
            this.collector = new RunCollector(plan);
        }
    }

    public static Behavior<Command> create(Setup setup) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new SweepCoordinator(ctx, timers, setup)));
    }

    private SweepCoordinator(ActorContext<Command> context, TimerScheduler<Command> timers, Setup setup) {
        super(context);
        this.setup = setup;
        this.timers = timers;
        this.reports = context.messageAdapter(LayerReport.class, Report::new);
        this.pending = new ArrayDeque<>(setup.plan().plans());
        this.workTotal = setup.plan().cost();
        timers.startTimerAtFixedRate(Publish.INSTANCE, PUBLISH_EVERY);
        startRuns();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Report.class, this::onReport)
                .onMessage(Watching.class, this::onWatching)
                .onMessage(TrainerStarted.class, this::onTrainerStarted)
                .onMessage(TrainerStopped.class, this::onTrainerStopped)
                .onMessage(Overdue.class, this::onOverdue)
                .onMessageEquals(Publish.INSTANCE, this::onPublish)
                .onMessageEquals(Stop.INSTANCE, this::onStop)
                .onSignal(PostStop.class, this::onPostStop)
                .build();
    }

    /** Fills the free slots: registers each run with policy all and watches it; trainers start on the Ok. */
    private void startRuns() {
        while (!stopping && active.size() < setup.parallel() && !pending.isEmpty()) {
            RunPlan run = pending.poll();
            Trainer trainer;
            try {
                trainer = setup.plan().model().trainer(run.setting(), run.seed(), setup.plan().epsilon());
            } catch (IllegalArgumentException e) {
                workFinished += run.cost(setup.plan().model());
                failures.add(run.name() + ": " + e.getMessage()); // e.g. an unstable initial RBM
                continue;
            }
            active.put(run.name(), new Active(run, trainer));
            double[] target = trainer.targetSpectrum();
            RunSpec spec = new RunSpec(trainer.learningRate(), trainer.batchSize(), OverloadPolicy.ALL,
                    target == null ? Map.of() : Map.of(SweepRunner.LAYER, target));
            // Messages to one actor keep their order: the registry has the run's spec before the watch.
            setup.registry().tell(new RunRegistry.PutRun(run.name(), spec, getContext().getSystem().ignoreRef()));
            getContext().ask(RunRegistry.Reply.class, setup.registry(), ASK_TIMEOUT,
                    replyTo -> new RunRegistry.Watch(run.name(), reports, replyTo),
                    (reply, failure) -> new Watching(run, reply, failure));
        }
    }

    private Behavior<Command> onWatching(Watching msg) {
        Active a = active.get(msg.run().name());
        if (a == null) {
            return this;
        }
        if (stopping) {
            active.remove(a.plan.name()); // never started
            return finish();
        }
        if (!(msg.reply() instanceof RunRegistry.Ok)) {
            return fail(a, "the monitor did not accept the run: "
                    + (msg.failure() != null ? msg.failure().toString() : String.valueOf(msg.reply())));
        }
        RunPlan run = msg.run();
        TrainerActor.Plan plan = new TrainerActor.Plan(run.name(), SweepRunner.LAYER, a.trainer, run.snapshotEvery(),
                OverloadPolicy.ALL, run.steps(), 0, run.burnIn());
        getContext().ask(trainerRefClass(), setup.guardian(), ASK_TIMEOUT,
                replyTo -> new Guardian.StartTrainer(plan, replyTo),
                (ref, failure) -> new TrainerStarted(run, ref, failure));
        return this;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Class<ActorRef<TrainerActor.Command>> trainerRefClass() {
        return (Class) ActorRef.class;
    }

    private Behavior<Command> onTrainerStarted(TrainerStarted msg) {
        Active a = active.get(msg.run().name());
        if (a == null) {
            return this;
        }
        if (msg.trainer() == null) {
            return fail(a, "its trainer did not start: " + msg.failure());
        }
        if (stopping) {
            msg.trainer().tell(TrainerActor.Stop.INSTANCE);
            active.remove(a.plan.name());
            return finish();
        }
        a.trainerRef = msg.trainer();
        getContext().watchWith(msg.trainer(), new TrainerStopped(msg.run().name()));
        return this;
    }

    private Behavior<Command> onReport(Report msg) {
        Active a = active.get(msg.report().run());
        if (a == null) {
            return this; // a discarded run's last reports
        }
        try {
            a.collector.add(msg.report());
        } catch (IllegalArgumentException e) {
            return fail(a, e.getMessage());
        }
        snapshots++;
        return a.trainerStopped && a.collector.complete() ? complete(a) : this;
    }

    private Behavior<Command> onTrainerStopped(TrainerStopped msg) {
        Active a = active.get(msg.run());
        if (a == null) {
            return this;
        }
        a.trainerStopped = true;
        if (a.trainer.steps() < a.plan.steps()) {
            String why = a.trainer instanceof RbmTrainer rbm && !rbm.stable()
                    ? " (the RBM became unstable: K = μ²𝟙 − σ_h²WWᵀ lost positive definiteness)" : "";
            return fail(a, "training stopped at update " + a.trainer.steps() + " of " + a.plan.steps() + why);
        }
        if (a.collector.complete()) {
            return complete(a);
        }
        timers.startSingleTimer(msg.run(), new Overdue(msg.run()), LAST_REPORT_TIMEOUT);
        return this;
    }

    private Behavior<Command> onOverdue(Overdue msg) {
        Active a = active.get(msg.run());
        if (a == null) {
            return this;
        }
        return fail(a, "the report of its last snapshot (step " + a.plan.lastSnapshot() + ") never arrived; last step "
                + a.collector.lastStep());
    }

    private Behavior<Command> complete(Active a) {
        active.remove(a.plan.name());
        timers.cancel(a.plan.name());
        workFinished += a.plan.cost(setup.plan().model());
        if (a.plan.evolution()) {
            evolution = a.collector.evolution();
        } else {
            finished.add(a.collector.result());
        }
        return next();
    }

    private Behavior<Command> fail(Active a, String reason) {
        active.remove(a.plan.name());
        timers.cancel(a.plan.name());
        workFinished += a.plan.cost(setup.plan().model());
        failures.add(a.plan.name() + ": " + reason);
        getContext().getLog().warn("sweep run {} failed: {}", a.plan.name(), reason);
        return next();
    }

    private Behavior<Command> next() {
        startRuns();
        return active.isEmpty() ? finish() : this;
    }

    /**
     * Stops every started trainer (its actor finishes the run in the registry), discards the partial
     * runs and answers with what finished. Runs whose trainer is still being started are stopped as
     * soon as it is; the coordinator lives until none is left, so no trainer is orphaned.
     */
    private Behavior<Command> onStop() {
        if (stopping) {
            return this;
        }
        stopping = true;
        pending.clear();
        for (Active a : List.copyOf(active.values())) {
            if (a.trainerRef != null) {
                a.trainerRef.tell(TrainerActor.Stop.INSTANCE);
                active.remove(a.plan.name());
            }
        }
        return finish();
    }

    private Behavior<Command> onPublish() {
        publish();
        return this;
    }

    private void publish() {
        double done = workFinished;
        for (Active a : active.values()) {
            double f = Math.max(0, a.collector.lastStep()) / (double) a.plan.steps();
            done += f * a.plan.cost(setup.plan().model());
        }
        setup.progress().set(new Progress(finished.size(), failures.size(), setup.plan().pooledRuns().size(),
                active.size(), snapshots, done, workTotal, Duration.ofNanos(System.nanoTime() - startNanos)));
    }

    /** If this actor stops without having answered (it failed), the caller must not wait forever. */
    private Behavior<Command> onPostStop(PostStop signal) {
        setup.result().completeExceptionally(new IllegalStateException("the sweep coordinator stopped unexpectedly"));
        return this;
    }

    /** Answers (once) and stops when no run is left in flight. */
    private Behavior<Command> finish() {
        publish();
        setup.result().complete(new SweepOutcome(List.copyOf(finished), evolution, List.copyOf(failures), stopping));
        return active.isEmpty() ? Behaviors.stopped() : this;
    }
}

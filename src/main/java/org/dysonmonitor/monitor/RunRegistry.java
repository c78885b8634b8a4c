package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import io.micrometer.core.instrument.MeterRegistry;
import org.dysonmonitor.linalg.SpectrumSolver;
import org.dysonmonitor.metrics.RunMetrics;
import org.dysonmonitor.rmt.CpuPace;
import org.dysonmonitor.rmt.LayerReport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The lifecycle of runs and layers, and their caps. It creates a run, and a layer's pipeline
 * ({@link LayerStream}) when the first snapshot of that layer is admitted, publishes the layer's
 * {@link LayerChannel} in the {@link ChannelDirectory} (where the hot path finds it without asking
 * this actor), and removes a finished run's actors and series after the retention time. Snapshots
 * never pass through this actor. What it answers without changing anything (the views of
 * {@code GET /api/v1/runs}, a layer's report) comes from {@link RunQueries}; rejections are counted by
 * {@link RejectionCounter}.
 */
public final class RunRegistry extends AbstractBehavior<RunRegistry.Command> {

    /** In a cluster the public commands reach every node's registry (listing, PUT, finish). */
    public sealed interface Command extends ClusterMessage {
    }

    /** Create a run or update its metadata. */
    public record PutRun(String run, RunSpec spec, ActorRef<Reply> replyTo) implements Command {
    }

    /** Get the channel of a layer, creating the run and the layer if needed; answers {@link Opened}. */
    public record OpenLayer(String run, String layer, int rows, int cols, ActorRef<Reply> replyTo)
            implements Command {
    }

    /**
     * Get the channels of several layers of one run, all or none (a whole-model snapshot), creating
     * the run and the missing layers; answers {@link OpenedLayers} in the order asked, or one refusal.
     */
    public record OpenLayers(String run, List<ChannelDirectory.LayerShape> layers, ActorRef<Reply> replyTo)
            implements Command {
    }

    /**
     * Count a snapshot that was rejected before it reached a layer's channel (e.g. undecodable), as
     * received and rejected under its run, or under {@code _invalid} when the run does not exist.
     */
    public record CountRejected(String run, String layer, String reason) implements Command {
    }

    /** Mark a run finished; its series go after the retention time. */
    public record FinishRun(String run, ActorRef<Reply> replyTo) implements Command {
    }

    public record ListRuns(ActorRef<Reply> replyTo) implements Command {
    }

    public record GetLayer(String run, String layer, ActorRef<SpectrumActor.LayerLookup> replyTo)
            implements Command {
    }

    /**
     * Send every report of the run's layers to {@code watcher}, unthrottled (the live bus drops and
     * throttles; a sweep that pools every stationary snapshot cannot). Watch before the run's first
     * snapshot: layers already streaming are refused (409). Creates the run if it does not exist.
     */
    public record Watch(String run, ActorRef<LayerReport> watcher, ActorRef<Reply> replyTo) implements Command {
    }

    private record Expire(String run) implements Command {
    }

    /** A layer's stream failed (the channel is closed and its snapshots counted): remove the layer. */
    record LayerFailed(String run, String layer, LayerChannel channel) implements Command {
    }

    private enum CheckIdle implements Command {
        INSTANCE
    }

    /** Replies. */
    public sealed interface Reply extends ClusterMessage {
    }

    public record Ok(String message) implements Reply {
    }

    public record Opened(LayerChannel channel) implements Reply {
    }

    public record OpenedLayers(List<LayerChannel> channels) implements Reply {
    }

    /**
     * A refusal: the HTTP status that fits it, a fixed snake_case reason (the {@code reason} label of
     * {@code dyson_snapshots_rejected_total}) and a message for the user.
     */
    public record Refused(int status, String reason, String message) implements Reply {
    }

    public record Runs(List<RunView> runs) implements Reply {
    }

    /**
     * One run as listed by {@code GET /api/v1/runs}; {@code rejectedModels} counts the whole-model
     * snapshots refused as a whole (layer label {@code _model}), which no layer counts.
     */
    public record RunView(String run, String status, double learningRate, int batchSize, String policy,
                          long step, List<LayerView> layers, long rejectedModels) {
    }

    public record LayerView(String layer, int rows, int cols, boolean hasTarget, long received,
                            long processed, long dropped, long rejected) {
    }

    /** What the registry needs from outside; {@code directory} is where it publishes the channels. */
    public record Dependencies(MonitorSettings settings, MeterRegistry meters, ReportBus bus,
                               Supplier<SpectrumSolver> solvers, ChannelDirectory directory, InflightBudget budget,
                               ClusterMode.Wiring cluster, CpuPace pace) {

        public Dependencies(MonitorSettings settings, MeterRegistry meters, ReportBus bus,
                            Supplier<SpectrumSolver> solvers, ChannelDirectory directory, InflightBudget budget,
                            ClusterMode.Wiring cluster) {
            this(settings, meters, bus, solvers, directory, budget, cluster,
                    new CpuPace(settings.dynamicsCpuShare()));
        }

        public Dependencies(MonitorSettings settings, MeterRegistry meters, ReportBus bus,
                            Supplier<SpectrumSolver> solvers) {
            this(settings, meters, bus, solvers, new ChannelDirectory(),
                    new InflightBudget(settings.maxInflightBytes(), meters), null);
        }
    }

    private final Dependencies deps;
    private final ChannelDirectory directory;
    private final TimerScheduler<Command> timers;
    private final Map<String, RunEntry> runs = new LinkedHashMap<>();
    /** Runs expired for silence, with what a new snapshot revives them with. */
    private final IdleRuns idle;
    private final RejectionCounter rejections;
    private final RunQueries queries;
    private final RunAdmission admission;
    private long actorCounter;
    private final RunHistory history;

    public static Behavior<Command> create(Dependencies deps) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new RunRegistry(ctx, timers, deps)));
    }

    private RunRegistry(ActorContext<Command> context, TimerScheduler<Command> timers, Dependencies deps) {
        super(context);
        this.deps = deps;
        this.directory = deps.directory();
        this.timers = timers;
        this.history = new RunHistory(HistoryExtension.get(context.getSystem()));
        this.idle = new IdleRuns(deps.settings().maxRuns());
        this.rejections = new RejectionCounter(deps.meters());
        this.queries = new RunQueries(runs, idle, deps.cluster());
        this.admission = new RunAdmission(history, deps.settings().maxRuns());
        Duration idleTimeout = deps.settings().idleTimeout();
        if (!idleTimeout.isZero()) {
            timers.startTimerWithFixedDelay(CheckIdle.INSTANCE, IdleRuns.checkPeriod(idleTimeout));
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(PutRun.class, this::onPutRun)
                .onMessage(OpenLayer.class, this::onOpenLayer)
                .onMessage(OpenLayers.class, this::onOpenLayers)
                .onMessage(CountRejected.class, this::onCountRejected)
                .onMessage(FinishRun.class, this::onFinishRun)
                .onMessage(ListRuns.class, this::onListRuns)
                .onMessage(GetLayer.class, this::onGetLayer)
                .onMessage(Watch.class, this::onWatch)
                .onMessage(Expire.class, this::onExpire)
                .onMessage(LayerFailed.class, this::onLayerFailed)
                .onMessageEquals(CheckIdle.INSTANCE, this::onCheckIdle)
                .build();
    }

    private Behavior<Command> onPutRun(PutRun msg) {
        RunEntry entry = runs.get(msg.run());
        if (entry == null) {
            if (create(msg.run(), () -> msg.spec().over(idle.revival(msg.run())), msg.replyTo()) != null) {
                msg.replyTo().tell(new Ok("run " + msg.run() + " created"));
            }
            return this;
        }
        if (entry.finished) {
            msg.replyTo().tell(RunAdmission.finishedRefusal(msg.run()));
            return this;
        }
        RunSpec next = msg.spec().over(entry.spec); // a PUT changes only the fields it names
        String conflict = entry.conflictWith(next);
        if (conflict != null) {
            msg.replyTo().tell(new Refused(409, "conflict", conflict));
            return this;
        }
        entry.apply(next);
        history.run(entry);
        entry.touch();
        msg.replyTo().tell(new Ok("run " + msg.run() + " updated"));
        return this;
    }

    private Behavior<Command> onOpenLayer(OpenLayer msg) {
        Reply reply = open(msg.run(), List.of(new ChannelDirectory.LayerShape(msg.layer(), msg.rows(), msg.cols())));
        msg.replyTo().tell(reply instanceof OpenedLayers opened ? new Opened(opened.channels().get(0)) : reply);
        return this;
    }

    private Behavior<Command> onOpenLayers(OpenLayers msg) {
        msg.replyTo().tell(open(msg.run(), msg.layers()));
        return this;
    }

    /**
     * Admits every layer or none: the run cap for a new run, then the run's state and each layer
     * ({@link RunEntry#refusal}). A refused request creates nothing, not even its run.
     */
    private Reply open(String run, List<ChannelDirectory.LayerShape> shapes) {
        directory.countOpen();
        RunEntry entry = runs.get(run);
        boolean isNew = entry == null;
        if (isNew) {
            Refused refused = admission.refuseNewRun(run, runs.size());
            if (refused != null) {
                return refused;
            }
            entry = newRun(run, idle.revival(run)); // an idle run revives as it was
        } else if (entry.finished) {
            return RunAdmission.finishedRefusal(run);
        }
        entry.touch();
        Refused refused = entry.refusal(shapes, deps.settings().maxLayersPerRun());
        if (refused != null) {
            return refused;
        }
        if (isNew) {
            add(entry);
        }
        List<LayerChannel> channels = new ArrayList<>(shapes.size());
        for (ChannelDirectory.LayerShape shape : shapes) {
            RunEntry.Layer layer = entry.layers.get(shape.layer());
            if (layer == null) {
                layer = newLayer(entry, shape);
            }
            channels.add(layer.channel());
        }
        return new OpenedLayers(List.copyOf(channels));
    }

    private Behavior<Command> onCountRejected(CountRejected msg) {
        rejections.count(runs.get(msg.run()), msg.layer(), msg.reason());
        return this;
    }

    private Behavior<Command> onFinishRun(FinishRun msg) {
        RunEntry entry = runs.get(msg.run());
        if (entry == null) {
            msg.replyTo().tell(new Refused(404, "unknown_run", "no run named " + msg.run()));
            return this;
        }
        if (!entry.finished) {
            entry.finished = true;
            directory.finish(msg.run());
            history.run(entry);
            timers.startSingleTimer(new Expire(msg.run()), deps.settings().retention());
        }
        msg.replyTo().tell(new Ok("run " + msg.run() + " finished; its series are removed in "
                + deps.settings().retention().toSeconds() + " s"));
        return this;
    }

    private Behavior<Command> onListRuns(ListRuns msg) {
        msg.replyTo().tell(queries.list());
        return this;
    }

    private Behavior<Command> onGetLayer(GetLayer msg) {
        queries.report(msg.run(), msg.layer(), msg.replyTo());
        return this;
    }

    private Behavior<Command> onWatch(Watch msg) {
        RunEntry entry = runs.get(msg.run());
        if (entry == null) {
            entry = create(msg.run(), RunSpec::unknown, msg.replyTo());
            if (entry == null) {
                return this;
            }
        }
        if (!entry.layers.isEmpty()) {
            msg.replyTo().tell(new Refused(409, "conflict", "run " + msg.run()
                    + " already streams; watch a run before its first snapshot"));
            return this;
        }
        entry.watchers.add(msg.watcher());
        msg.replyTo().tell(new Ok("watching run " + msg.run()));
        return this;
    }

    private Behavior<Command> onExpire(Expire msg) {
        RunEntry entry = runs.remove(msg.run());
        if (entry != null) {
            remove(entry);
            getContext().getLog().info("run {} expired: its actors and series are removed", msg.run());
        }
        return this;
    }

    /**
     * Marks runs silent for --idle-timeout idle: their slot, actors, queues and series go; what a new
     * snapshot revives them with (policy, targets, α, |B|) stays, listed as {@code idle}.
     */
    private Behavior<Command> onCheckIdle() {
        for (RunEntry entry : IdleRuns.silent(runs.values(), deps.settings().idleTimeout())) {
            runs.remove(entry.run);
            idle.keep(entry); // before remove: it reads α and |B| from the run's metrics
            remove(entry);
            getContext().getLog().info("run {} idle for {} s: its slot, actors and series are freed; a new snapshot revives it",
                    entry.run, deps.settings().idleTimeout().toSeconds());
        }
        return this;
    }

    private Behavior<Command> onLayerFailed(LayerFailed msg) {
        RunEntry entry = runs.get(msg.run());
        RunEntry.Layer layer = entry == null ? null : entry.layers.get(msg.layer());
        if (layer != null && layer.channel() == msg.channel()) {
            entry.layers.remove(msg.layer());
            directory.removeLayer(msg.run(), msg.layer());
            getContext().stop(layer.actor());
            layer.closeMetrics();
        }
        return this;
    }

    /**
     * Removes a run's pipelines: the look-up first (new snapshots ask the registry), then each channel
     * is closed, ending what it still holds as {@code expired} with its bytes released, before its
     * actor stops (so no ask waits on a stopped actor), then the series.
     */
    private void remove(RunEntry entry) {
        directory.remove(entry.run);
        for (Map.Entry<String, RunEntry.Layer> e : entry.layers.entrySet()) {
            RunEntry.Layer layer = e.getValue();
            layer.channel().close("expired");
            getContext().stop(layer.actor());
            layer.closeMetrics();
            if (deps.cluster() != null) {
                deps.cluster().statistics().release(entry.run, e.getKey());
            }
        }
        entry.metrics.close();
    }

    /** A run not yet added: nothing of it is registered or visible until {@link #add}. */
    private RunEntry newRun(String run, RunSpec spec) {
        return new RunEntry(run, history.specOf(run, spec), new RunMetrics(deps.meters(), run,
                deps.cluster() == null ? null : deps.cluster().ledger()));
    }

    /** A new run with the spec given, or null after telling {@code replyTo} why it cannot be created (a cap). */
    private RunEntry create(String run, Supplier<RunSpec> spec, ActorRef<Reply> replyTo) {
        Refused refused = admission.refuseNewRun(run, runs.size());
        if (refused != null) {
            replyTo.tell(refused);
            return null;
        }
        return add(newRun(run, spec.get()));
    }

    private RunEntry add(RunEntry entry) {
        idle.forget(entry.run);
        runs.put(entry.run, entry);
        directory.addRun(entry.run);
        history.run(entry);
        getContext().getLog().info("run {} added (policy {})", entry.run, entry.spec.policy().label());
        return entry;
    }

    private RunEntry.Layer newLayer(RunEntry entry, ChannelDirectory.LayerShape shape) {
        RunEntry.Layer created = LayerStream.start(getContext(), deps, entry, shape, "spectrum-" + (++actorCounter));
        entry.layers.put(shape.layer(), created);
        directory.addLayer(entry.run, created.channel());
        history.layer(entry, shape);
        getContext().getLog().info("layer {} of run {} added: {}×{}{}", shape.layer(), entry.run, shape.rows(),
                shape.cols(), entry.spec.targets().containsKey(shape.layer()) ? " with a target spectrum" : "");
        return created;
    }
}

package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.stream.BoundedSourceQueue;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.micrometer.core.instrument.MeterRegistry;
import org.dysonmonitor.linalg.SpectrumSolver;
import org.dysonmonitor.metrics.LabelValues;
import org.dysonmonitor.metrics.LayerMetrics;
import org.dysonmonitor.metrics.RunMetrics;
import org.dysonmonitor.rmt.LayerReport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Knows every run and layer. It creates a layer's spectrum actor and its bounded stream when the
 * first snapshot of that layer arrives, hands out the layer's {@link LayerChannel}, enforces the
 * caps on runs and layers, and removes a finished run's actors and series after the retention time.
 * Snapshots themselves never pass through this actor: they go straight into the layer's stream.
 */
public final class RunRegistry extends AbstractBehavior<RunRegistry.Command> {

    public sealed interface Command {
    }

    /** Create a run or update its metadata. */
    public record PutRun(String run, RunSpec spec, ActorRef<Reply> replyTo) implements Command {
    }

    /** Get the channel of a layer, creating the run and the layer if needed. */
    public record OpenLayer(String run, String layer, int rows, int cols, ActorRef<Reply> replyTo)
            implements Command {
    }

    /** Count a snapshot that was rejected before it reached a layer (e.g. undecodable). */
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

    /** Replies. */
    public sealed interface Reply {
    }

    public record Ok(String message) implements Reply {
    }

    public record Opened(LayerChannel channel, RunSpec spec) implements Reply {
    }

    /**
     * A refusal: the HTTP status that fits it, a fixed snake_case reason (the {@code reason} label of
     * {@code dyson_snapshots_rejected_total}) and a message for the user.
     */
    public record Refused(int status, String reason, String message) implements Reply {
    }

    public record Runs(List<RunView> runs) implements Reply {
    }

    /** One run as listed by {@code GET /api/v1/runs}. */
    public record RunView(String run, String status, double learningRate, int batchSize, String policy,
                          long step, List<LayerView> layers) {
    }

    public record LayerView(String layer, int rows, int cols, boolean hasTarget, long received,
                            long processed, long dropped, long rejected) {
    }

    /** What the registry needs from outside. */
    public record Dependencies(MonitorSettings settings, MeterRegistry meters, ReportBus bus,
                               Supplier<SpectrumSolver> solvers) {
    }

    private static final Duration PROCESS_TIMEOUT = Duration.ofMinutes(10);
    /** Snapshots of at most this many values may have {@link #IN_FLIGHT_SMALL} in flight. */
    private static final long SMALL_LAYER = 1 << 20;
    private static final int IN_FLIGHT_SMALL = 4;
    private static final int IN_FLIGHT_LARGE = 2;

    private final Dependencies deps;
    private final TimerScheduler<Command> timers;
    private final Map<String, RunEntry> runs = new LinkedHashMap<>();
    private RunMetrics unattributed;
    private long actorCounter;

    public static Behavior<Command> create(Dependencies deps) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new RunRegistry(ctx, timers, deps)));
    }

    private RunRegistry(ActorContext<Command> context, TimerScheduler<Command> timers, Dependencies deps) {
        super(context);
        this.deps = deps;
        this.timers = timers;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(PutRun.class, this::onPutRun)
                .onMessage(OpenLayer.class, this::onOpenLayer)
                .onMessage(CountRejected.class, this::onCountRejected)
                .onMessage(FinishRun.class, this::onFinishRun)
                .onMessage(ListRuns.class, this::onListRuns)
                .onMessage(GetLayer.class, this::onGetLayer)
                .onMessage(Watch.class, this::onWatch)
                .onMessage(Expire.class, this::onExpire)
                .build();
    }

    private Behavior<Command> onPutRun(PutRun msg) {
        RunEntry entry = runs.get(msg.run());
        if (entry == null) {
            Refused refused = refuseNewRun(msg.run());
            if (refused != null) {
                msg.replyTo().tell(refused);
                return this;
            }
            newRun(msg.run(), msg.spec().over(RunSpec.unknown()));
            msg.replyTo().tell(new Ok("run " + msg.run() + " created"));
            return this;
        }
        if (entry.finished) {
            msg.replyTo().tell(finishedRefusal(msg.run()));
            return this;
        }
        RunSpec next = msg.spec().over(entry.spec); // a PUT changes only the fields it names
        String conflict = entry.conflictWith(next);
        if (conflict != null) {
            msg.replyTo().tell(new Refused(409, "conflict", conflict));
            return this;
        }
        entry.spec = next;
        entry.metrics.setLearningRate(next.learningRate());
        entry.metrics.setBatchSize(next.batchSize());
        msg.replyTo().tell(new Ok("run " + msg.run() + " updated"));
        return this;
    }

    private Behavior<Command> onOpenLayer(OpenLayer msg) {
        RunEntry entry = existingOrNew(msg.run(), msg.replyTo());
        if (entry == null) {
            return this;
        }
        if (entry.finished) {
            msg.replyTo().tell(finishedRefusal(msg.run()));
            return this;
        }
        LayerEntry layer = entry.layers.get(msg.layer());
        if (layer == null) {
            if (entry.layers.size() >= deps.settings().maxLayersPerRun()) {
                msg.replyTo().tell(new Refused(409, "layer_cap", "run " + msg.run() + " already has "
                        + entry.layers.size() + " layers, the cap (--max-layers); layer " + msg.layer()
                        + " was not added"));
                return this;
            }
            double[] target = entry.spec.target(msg.layer());
            int modes = Math.min(msg.rows(), msg.cols());
            if (target != null && target.length != modes) {
                msg.replyTo().tell(new Refused(422, "target_mismatch", "the target of layer " + msg.layer() + " has "
                        + target.length + " eigenvalues, but a " + msg.rows() + "×" + msg.cols()
                        + " matrix has " + modes));
                return this;
            }
            layer = newLayer(entry, msg.layer(), msg.rows(), msg.cols(), target);
        } else if (layer.channel.rows() != msg.rows() || layer.channel.cols() != msg.cols()) {
            msg.replyTo().tell(new Refused(422, "shape_mismatch", "layer " + msg.layer() + " of run " + msg.run() + " is "
                    + layer.channel.rows() + "×" + layer.channel.cols() + ", this snapshot is "
                    + msg.rows() + "×" + msg.cols()));
            return this;
        }
        msg.replyTo().tell(new Opened(layer.channel, entry.spec));
        return this;
    }

    private Behavior<Command> onCountRejected(CountRejected msg) {
        RunEntry entry = runs.get(msg.run());
        // A rejection never creates a run: junk sent to new names would otherwise fill --max-runs.
        // Rejections of unknown runs are counted under run="_invalid".
        RunMetrics metrics = entry != null ? entry.metrics : unattributed();
        // received = processed + dropped + rejected holds for this series too.
        metrics.received(msg.layer());
        metrics.rejected(msg.layer(), msg.reason());
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
            timers.startSingleTimer(new Expire(msg.run()), deps.settings().retention());
        }
        msg.replyTo().tell(new Ok("run " + msg.run() + " finished; its series are removed in "
                + deps.settings().retention().toSeconds() + " s"));
        return this;
    }

    private Behavior<Command> onListRuns(ListRuns msg) {
        List<RunView> views = new ArrayList<>(runs.size());
        runs.forEach((name, entry) -> views.add(entry.view(name)));
        msg.replyTo().tell(new Runs(List.copyOf(views)));
        return this;
    }

    private Behavior<Command> onGetLayer(GetLayer msg) {
        RunEntry entry = runs.get(msg.run());
        if (entry == null) {
            msg.replyTo().tell(new SpectrumActor.NotFound("no run named " + msg.run()));
            return this;
        }
        LayerEntry layer = entry.layers.get(msg.layer());
        if (layer == null) {
            msg.replyTo().tell(new SpectrumActor.NotFound("run " + msg.run() + " has no layer named " + msg.layer()));
            return this;
        }
        layer.actor.tell(new SpectrumActor.GetReport(msg.replyTo()));
        return this;
    }

    private Behavior<Command> onWatch(Watch msg) {
        RunEntry entry = existingOrNew(msg.run(), msg.replyTo());
        if (entry == null) {
            return this;
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
            for (LayerEntry layer : entry.layers.values()) {
                layer.channel.complete();
                getContext().stop(layer.actor);
                layer.metrics.close();
            }
            entry.metrics.close();
            getContext().getLog().info("run {} expired: its actors and series are removed", msg.run());
        }
        return this;
    }

    /** The run, created (without metadata) if the cap allows; null after replying with the refusal. */
    private RunEntry existingOrNew(String run, ActorRef<Reply> replyTo) {
        RunEntry entry = runs.get(run);
        if (entry != null) {
            return entry;
        }
        Refused refused = refuseNewRun(run);
        if (refused != null) {
            replyTo.tell(refused);
            return null;
        }
        return newRun(run, RunSpec.unknown());
    }

    private Refused refuseNewRun(String run) {
        if (runs.size() >= deps.settings().maxRuns()) {
            return new Refused(409, "run_cap", "the monitor already holds " + runs.size()
                    + " runs, the cap (--max-runs); finish a run or raise the cap. Run " + run + " was not added");
        }
        return null;
    }

    private static Refused finishedRefusal(String run) {
        return new Refused(409, "run_finished", "run " + run + " is finished and accepts no more snapshots; use a new run name");
    }

    private RunEntry newRun(String run, RunSpec spec) {
        RunEntry entry = new RunEntry(spec, new RunMetrics(deps.meters(), run));
        entry.metrics.setLearningRate(spec.learningRate());
        entry.metrics.setBatchSize(spec.batchSize());
        runs.put(run, entry);
        getContext().getLog().info("run {} added (policy {})", run, spec.policy().label());
        return entry;
    }

    private LayerEntry newLayer(RunEntry entry, String layer, int rows, int cols, double[] target) {
        MonitorSettings settings = deps.settings();
        String run = entry.metrics.run();
        LayerMetrics layerMetrics = new LayerMetrics(deps.meters(), run, layer, settings.maxModeSeries());
        SpectrumActor.Setup setup = new SpectrumActor.Setup(run, layer, rows, cols, target,
                settings.statistics(), deps.solvers(), layerMetrics, entry.metrics, deps.bus(),
                settings.reportInterval(), List.copyOf(entry.watchers));
        ActorRef<SpectrumActor.Command> actor = getContext().spawn(
                Behaviors.supervise(SpectrumActor.create(setup))
                        .onFailure(SupervisorStrategy.restartWithBackoff(
                                Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
                "spectrum-" + (++actorCounter),
                DispatcherSelector.fromConfig("dyson-spectrum-dispatcher"));

        OverloadPolicy policy = entry.spec.policy();
        RunMetrics metrics = entry.metrics;
        QueueRoom room = new QueueRoom();
        Source<Snapshot, BoundedSourceQueue<Snapshot>> source = Source.<Snapshot>queue(settings.queueCapacity())
                .map(s -> {
                    room.freed(); // a snapshot left the queue: wake a producer waiting under `all`
                    return s;
                });
        if (policy == OverloadPolicy.LATEST) {
            // While the actor is busy, a newer snapshot replaces the waiting one; count each replaced.
            source = source.conflateWithSeed(s -> s, (older, newer) -> {
                metrics.dropped(layer);
                return newer;
            });
        }
        BoundedSourceQueue<Snapshot> queue = source
                // : Outcome. Several in flight: while the actor computes one, the next already waits in
                // its mailbox, so no round trip idles it, and a short burst from a trainer or client is
                // absorbed instead of dropped; mapAsync keeps the order.
                .mapAsync(inFlight(rows, cols), s -> process(actor, s))
                .to(Sink.ignore())
                .run(getContext().getSystem());

        LayerEntry created = new LayerEntry(new LayerChannel(run, layer, rows, cols, policy, queue, room, metrics),
                actor, layerMetrics);
        entry.layers.put(layer, created);
        getContext().getLog().info("layer {} of run {} added: {}×{}{}", layer, run, rows, cols,
                target == null ? "" : " with a target spectrum");
        return created;
    }

    /** Small layers absorb bursts; a large snapshot (8 MiB and up) in flight costs real memory. */
    private static int inFlight(int rows, int cols) {
        return (long) rows * cols <= SMALL_LAYER ? IN_FLIGHT_SMALL : IN_FLIGHT_LARGE;
    }

    /**
     * The actor always answers (even when it fails), so the timeout only guards against loss.
     * The trivial mapping runs on the completing thread ({@code Runnable::run}): the ask's
     * CompletionStage (Scala's converter) turns every non-async stage such as {@code exceptionally}
     * into its {@code *Async} form on the default executor, which on a machine with fewer than 3
     * cores (common-pool parallelism 1) starts a new thread per call: one per snapshot, ≈1 ms of CPU
     * each (measured on 2 cores).
     */
    private java.util.concurrent.CompletionStage<SpectrumActor.Outcome> process(
            ActorRef<SpectrumActor.Command> actor, Snapshot s) {
        return AskPattern.<SpectrumActor.Command, SpectrumActor.Outcome>ask(actor,
                        replyTo -> new SpectrumActor.Process(s, replyTo), PROCESS_TIMEOUT,
                        getContext().getSystem().scheduler())
                .handleAsync((outcome, t) -> t == null ? outcome : new SpectrumActor.Failed("timeout", t.toString()),
                        Runnable::run);
    }

    private RunMetrics unattributed() {
        if (unattributed == null) {
            unattributed = new RunMetrics(deps.meters(), LabelValues.INVALID);
        }
        return unattributed;
    }

    /** A run's mutable state, owned by this actor. */
    private static final class RunEntry {
        RunSpec spec;
        final RunMetrics metrics;
        final Map<String, LayerEntry> layers = new LinkedHashMap<>();
        final List<ActorRef<LayerReport>> watchers = new ArrayList<>();
        boolean finished;

        RunEntry(RunSpec spec, RunMetrics metrics) {
            this.spec = spec;
            this.metrics = metrics;
        }

        /** Why the new metadata cannot apply to the layers already running, or null if it can. */
        String conflictWith(RunSpec next) {
            if (!layers.isEmpty() && next.policy() != spec.policy()) {
                return "the policy of a run cannot change once its layers stream (is "
                        + spec.policy().label() + ", asked " + next.policy().label() + ")";
            }
            for (String layer : layers.keySet()) {
                double[] before = spec.target(layer);
                double[] after = next.target(layer);
                if (after != null && !Arrays.equals(before, after)) {
                    return "layer " + layer + " already streams; its target spectrum cannot change";
                }
            }
            return null;
        }

        RunView view(String name) {
            List<LayerView> layerViews = new ArrayList<>(layers.size());
            layers.forEach((layer, e) -> layerViews.add(new LayerView(layer, e.channel.rows(), e.channel.cols(),
                    spec.targets().containsKey(layer), metrics.receivedCount(layer),
                    metrics.processedCount(layer), metrics.droppedCount(layer), metrics.rejectedCount(layer))));
            return new RunView(name, finished ? "finished" : "active",
                    metrics.learningRate().orElse(Double.NaN), metrics.batchSize().orElse(0),
                    spec.policy().label(), metrics.step().orElse(0), List.copyOf(layerViews));
        }
    }

    private record LayerEntry(LayerChannel channel, ActorRef<SpectrumActor.Command> actor,
                              LayerMetrics metrics) {
    }
}

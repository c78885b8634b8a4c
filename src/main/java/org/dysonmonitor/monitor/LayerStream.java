package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.stream.BoundedSourceQueue;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import org.dysonmonitor.metrics.LayerMetrics;
import org.dysonmonitor.metrics.RunMetrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Builds one layer's pipeline: its spectrum actor (supervised, on the spectrum dispatcher) and the
 * bounded stream from the layer's {@link LayerChannel} into it,
 * {@code queue → (conflate under latest) → mapAsync(ask the actor) → ignore}.
 */
final class LayerStream {

    private static final Duration PROCESS_TIMEOUT = Duration.ofMinutes(10);
    /** Snapshots of at most this many values may have {@link #IN_FLIGHT_SMALL} in flight. */
    private static final long SMALL_LAYER = 1 << 20;
    private static final int IN_FLIGHT_SMALL = 4;
    private static final int IN_FLIGHT_LARGE = 2;

    private LayerStream() {
    }

    /** Starts the actor and the stream of {@code layer} ({@code rows × cols}) of {@code entry}'s run. */
    static RunEntry.Layer start(ActorContext<?> context, RunRegistry.Dependencies deps, RunEntry entry,
                                ChannelDirectory.LayerShape shape, String actorName) {
        MonitorSettings settings = deps.settings();
        String layer = shape.layer();
        RunMetrics metrics = entry.metrics;
        LayerMetrics layerMetrics = new LayerMetrics(deps.meters(), entry.run, layer, settings.maxModeSeries());
        SpectrumActor.Setup setup = new SpectrumActor.Setup(
                new SpectrumActor.Identity(entry.run, layer, shape.rows(), shape.cols()),
                new SpectrumActor.Analysis(entry.spec.target(layer), settings.statistics(), deps.solvers(),
                        TopSpectra.create(context.getSystem().settings().config()), entry.spec.partialAbove()),
                new SpectrumActor.Outputs(layerMetrics, metrics, deps.bus(), settings.reportInterval(),
                        List.copyOf(entry.watchers)));
        ActorRef<SpectrumActor.Command> actor = context.spawn(
                Behaviors.supervise(SpectrumActor.create(setup))
                        .onFailure(SupervisorStrategy.restartWithBackoff(
                                Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
                actorName,
                DispatcherSelector.fromConfig("dyson-spectrum-dispatcher"));

        OverloadPolicy policy = entry.spec.policy();
        FreeSlotSignal freeSlot = new FreeSlotSignal();
        Source<Snapshot, BoundedSourceQueue<Snapshot>> source = Source.<Snapshot>queue(settings.queueCapacity())
                .map(s -> {
                    freeSlot.freed(); // a snapshot left the queue: wake a producer waiting under `all`
                    return s;
                });
        if (policy == OverloadPolicy.LATEST) {
            // While the actor is busy, a newer snapshot replaces the waiting one; count each replaced.
            source = source.conflateWithSeed(s -> s, (older, newer) -> {
                metrics.dropped(layer);
                return newer;
            });
        }
        akka.actor.typed.ActorSystem<?> system = context.getSystem();
        BoundedSourceQueue<Snapshot> queue = source
                // : ProcessReply. Several in flight: while the actor computes one, the next already waits
                // in its mailbox, so no round trip idles it, and a short burst from a trainer or client is
                // absorbed instead of dropped; mapAsync keeps the order.
                .mapAsync(inFlight(shape.rows(), shape.cols()), s -> process(actor, s, system))
                .to(Sink.ignore())
                .run(system);

        LayerChannel channel = new LayerChannel(entry.run, layer, shape.rows(), shape.cols(), policy, queue,
                freeSlot, metrics);
        return new RunEntry.Layer(channel, actor, layerMetrics);
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
    private static CompletionStage<SpectrumActor.ProcessReply> process(
            ActorRef<SpectrumActor.Command> actor, Snapshot s, akka.actor.typed.ActorSystem<?> system) {
        return AskPattern.<SpectrumActor.Command, SpectrumActor.ProcessReply>ask(actor,
                        replyTo -> new SpectrumActor.Process(s, replyTo), PROCESS_TIMEOUT, system.scheduler())
                .handleAsync((reply, t) -> t == null ? reply : new SpectrumActor.Failed("timeout", t.toString()),
                        Runnable::run);
    }
}

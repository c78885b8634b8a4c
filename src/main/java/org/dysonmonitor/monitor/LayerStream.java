package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.japi.Pair;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import org.dysonmonitor.metrics.LayerMetrics;
import org.dysonmonitor.metrics.RunMetrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Builds one layer's pipeline: its spectrum actor (supervised, on the spectrum dispatcher) and the
 * stream from the layer's {@link LayerChannel} (its bounded queue) into it,
 * {@code channel → mapAsync(ask the actor, settle the answer in the channel) → ignore}; a failure of
 * the stream is logged, its snapshots counted ({@code stream_failed}) and the layer removed.
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
    static RunEntry.Layer start(ActorContext<RunRegistry.Command> context, RunRegistry.Dependencies deps, RunEntry entry,
                                ChannelDirectory.LayerShape shape, String actorName) {
        MonitorSettings settings = deps.settings();
        String layer = shape.layer();
        RunMetrics metrics = entry.metrics;
        // In a cluster the layer's gauges are its entity's, on whichever node that runs.
        LayerMetrics layerMetrics = deps.cluster() != null ? null
                : new LayerMetrics(deps.meters(), entry.run, layer, settings.maxModeSeries());
        SpectrumActor.Setup setup = new SpectrumActor.Setup(
                new SpectrumActor.Identity(entry.run, layer, shape.rows(), shape.cols()),
                new SpectrumActor.Analysis(entry.spec.target(layer), settings.statistics(), deps.solvers(),
                        TopSpectra.create(context.getSystem().settings().config()), entry.spec.partialAbove(),
                        deps.pace()),
                new SpectrumActor.Outputs(layerMetrics, metrics, deps.bus(), settings.reportInterval(),
                        List.copyOf(entry.watchers), deps.cluster() == null ? null : deps.cluster().statistics()));
        ActorRef<SpectrumActor.Command> actor = context.spawn(
                Behaviors.supervise(SpectrumActor.create(setup))
                        .onFailure(SupervisorStrategy.restartWithBackoff(
                                Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
                actorName,
                DispatcherSelector.fromConfig("dyson-spectrum-dispatcher"));

        LayerChannel channel = new LayerChannel(entry.run, layer, shape.rows(), shape.cols(), entry.spec.policy(),
                settings.queueCapacity(), metrics, deps.budget());
        akka.actor.typed.ActorSystem<?> system = context.getSystem();
        ActorRef<RunRegistry.Command> registry = context.getSelf();
        // The channel is the queue (it keeps the newest under `latest`); the stream pulls as the actor has
        // room. Several in flight: while the actor computes one, the next already waits in its mailbox,
        // so no round trip idles it, and a short burst is absorbed; mapAsync keeps the order.
        Source.unfoldAsync(0, ignored -> channel.next().thenApply(next -> next.map(p -> Pair.create(0, p))))
                .mapAsync(inFlight(shape.rows(), shape.cols()), p -> process(actor, channel, p, system))
                .runWith(Sink.ignore(), system)
                .whenComplete((done, failure) -> {
                    if (failure instanceof akka.stream.AbruptStageTerminationException) {
                        channel.close("stopped"); // the monitor is shutting down: not a failure of the layer
                    } else if (failure != null) {
                        // Never silent: the layer is closed with its snapshots counted, and the registry
                        // removes it, so the next snapshot starts it afresh.
                        int lost = channel.close("stream_failed");
                        system.log().error("the stream of layer {} of run {} failed ({} snapshots rejected as "
                                + "stream_failed); the layer restarts at its next snapshot", layer, entry.run, lost, failure);
                        registry.tell(new RunRegistry.LayerFailed(entry.run, layer, channel));
                    }
                });
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
            ActorRef<SpectrumActor.Command> actor, LayerChannel channel, LayerChannel.Pending p,
            akka.actor.typed.ActorSystem<?> system) {
        Snapshot s = p.snapshot();
        long id = p.id(); // the continuation keeps the id only, never the matrix
        return AskPattern.<SpectrumActor.Command, SpectrumActor.ProcessReply>ask(actor,
                        replyTo -> new SpectrumActor.Process(s, replyTo), PROCESS_TIMEOUT, system.scheduler())
                .handleAsync((reply, t) -> {
                    SpectrumActor.ProcessReply r = t == null ? reply : new SpectrumActor.Failed("timeout", t.toString());
                    channel.settle(id, r);
                    return r;
                }, Runnable::run);
    }
}

package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import org.dysonmonitor.ingest.WeightMatrix;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The way in for snapshots from outside (HTTP, checkpoint watchers): admit the layers of a snapshot
 * from their shapes before anything is decoded, then deliver the decoded matrices into the layers'
 * channels with the run's overload policy and exact accounting. Thread-safe; called on HTTP and
 * watcher threads.
 *
 * <p>The lean path: a known layer of an active run is found in the {@link ChannelDirectory} on the
 * caller's thread; the registry is asked only when a run or a layer must be created, or to say
 * what is wrong. Whole-model snapshots are admitted all or nothing in one ask.
 */
public final class SnapshotIntake {

    /** The answer to {@link #admit}: every layer's channel, in order, or one refusal. */
    public sealed interface Admission {
    }

    public record Admitted(List<LayerChannel> channels) implements Admission {
    }

    public record Refused(RunRegistry.Refused refusal) implements Admission {
    }

    private final ActorSystem<?> system;
    private final ActorRef<RunRegistry.Command> registry;
    private final ChannelDirectory directory;
    private final Duration askTimeout;

    public SnapshotIntake(Monitor monitor) {
        this.system = monitor.system();
        this.registry = monitor.registry();
        this.directory = monitor.directory();
        this.askTimeout = monitor.settings().askTimeout();
    }

    /** Admits {@code layers} of {@code run}: all of them or none, creating what is missing. */
    public CompletionStage<Admission> admit(String run, List<ChannelDirectory.LayerShape> layers) {
        List<LayerChannel> known = directory.find(run, layers);
        if (known != null) {
            return CompletableFuture.completedFuture(new Admitted(known));
        }
        CompletableFuture<Admission> admission = new CompletableFuture<>();
        // Completed on the ask's own thread: a plain stage chained on the ask's CompletionStage would
        // run on the default executor, a new thread per call on a machine with fewer than 3 cores.
        AskPattern.<RunRegistry.Command, RunRegistry.Reply>ask(registry,
                        replyTo -> new RunRegistry.OpenLayers(run, List.copyOf(layers), replyTo), askTimeout,
                        system.scheduler())
                .whenCompleteAsync((reply, failure) -> {
                    if (failure != null) {
                        admission.completeExceptionally(failure);
                    } else if (reply instanceof RunRegistry.OpenedLayers opened) {
                        admission.complete(new Admitted(opened.channels()));
                    } else {
                        admission.complete(new Refused((RunRegistry.Refused) reply));
                    }
                }, Runnable::run);
        return admission;
    }

    /** Counts a snapshot refused before its channel: received and rejected, under its run or {@code _invalid}. */
    public void countRejected(String run, String layer, String reason) {
        registry.tell(new RunRegistry.CountRejected(run, layer, reason));
    }

    /**
     * Delivers one snapshot per admitted channel (the matrices in the same order) at {@code step}.
     * Each is counted received, then queued, or dropped under {@code latest}; under {@code all} it
     * waits for a free slot up to {@code wait}, and one still not queued then is counted rejected
     * ({@code queue_full}). Completes once every layer is decided, with each layer's offer.
     */
    public CompletionStage<List<LayerChannel.Offer>> deliver(List<LayerChannel> channels, long step,
                                                             List<WeightMatrix> matrices, OptionalDouble learningRate,
                                                             OptionalInt batchSize, Duration wait) {
        List<CompletableFuture<LayerChannel.Offer>> offers = new ArrayList<>(channels.size());
        for (int i = 0; i < channels.size(); i++) {
            LayerChannel channel = channels.get(i);
            Snapshot snapshot = channel.snapshot(step, matrices.get(i), learningRate, batchSize);
            channel.received();
            offers.add(offer(channel, snapshot, wait));
        }
        return CompletableFuture.allOf(offers.toArray(CompletableFuture[]::new))
                .thenApply(done -> offers.stream().map(CompletableFuture::join).toList());
    }

    private CompletableFuture<LayerChannel.Offer> offer(LayerChannel channel, Snapshot snapshot, Duration wait) {
        if (channel.policy() == OverloadPolicy.LATEST) {
            return CompletableFuture.completedFuture(channel.offer(snapshot));
        }
        return channel.offerWithin(snapshot, wait, system).toCompletableFuture().thenApply(offer -> {
            if (offer == LayerChannel.Offer.FULL) {
                channel.rejected("queue_full");
            }
            return offer;
        });
    }
}

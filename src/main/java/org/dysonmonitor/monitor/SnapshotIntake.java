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
    private final java.util.function.Supplier<CompletionStage<Void>> accounted;
    private final ActorRef<RunRegistry.Command> registry;
    private final ChannelDirectory directory;
    private final Duration askTimeout;
    private final InflightBudget budget;

    public SnapshotIntake(Monitor monitor) {
        this(monitor.system(), monitor.registry(), monitor.directory(), monitor.settings().askTimeout(), monitor.budget(),
                monitor::accounted);
    }

    /** @param accounted completes when the counts so far are durable (at once on one node; the ledger's commit in a cluster) */
    SnapshotIntake(ActorSystem<?> system, ActorRef<RunRegistry.Command> registry, ChannelDirectory directory,
                   Duration askTimeout, InflightBudget budget, java.util.function.Supplier<CompletionStage<Void>> accounted) {
        this.accounted = accounted;
        this.system = system;
        this.registry = registry;
        this.directory = directory;
        this.askTimeout = askTimeout;
        this.budget = budget;
    }

    /** The memory budget that every snapshot from outside is admitted against (--max-inflight-bytes). */
    public InflightBudget budget() {
        return budget;
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
     * Each is counted received, then queued (under {@code latest} possibly in place of the oldest
     * queued, counted dropped); under {@code all} it waits for a free slot up to {@code wait}, and one
     * still not queued then is counted rejected ({@code queue_full}). Each queued snapshot takes its
     * matrix's bytes from {@code reservation}. A channel closed meanwhile (its run expired or went
     * idle) is counted rejected ({@code closed}) there and the layer admitted afresh once (which
     * revives an idle run); closed again, the snapshot is counted rejected ({@code closed}) and
     * answered {@link LayerChannel.Offer#CLOSED}, under both policies alike. Completes once every
     * layer is decided, with each layer's offer.
     */
    public CompletionStage<List<LayerChannel.Offer>> deliver(List<LayerChannel> channels, long step,
                                                             List<WeightMatrix> matrices, OptionalDouble learningRate,
                                                             OptionalInt batchSize, Duration wait,
                                                             InflightBudget.Reservation reservation) {
        List<CompletableFuture<LayerChannel.Offer>> offers = new ArrayList<>(channels.size());
        for (int i = 0; i < channels.size(); i++) {
            LayerChannel channel = channels.get(i);
            WeightMatrix m = matrices.get(i);
            long bytes = reservation.take(InflightBudget.bytesOf(m));
            Delivery d = new Delivery(step, m, learningRate, batchSize, wait, bytes);
            offers.add(offer(channel, d).thenCompose(offer -> offer != LayerChannel.Offer.CLOSED
                    ? CompletableFuture.completedFuture(offer) : reopen(channel, d)));
        }
        // The answer waits until the snapshots' counts are durable: in a cluster a 202 then means the
        // snapshot is in the ledger even if this node dies the next moment.
        return CompletableFuture.allOf(offers.toArray(CompletableFuture[]::new))
                .thenCompose(done -> accounted.get())
                .thenApply(done -> offers.stream().map(CompletableFuture::join).toList());
    }

    /** One layer's snapshot on its way in, with the bytes it took from the request's reservation. */
    private record Delivery(long step, WeightMatrix matrix, OptionalDouble learningRate, OptionalInt batchSize,
                            Duration patience, long bytes) {
    }

    private CompletableFuture<LayerChannel.Offer> reopen(LayerChannel closed, Delivery d) {
        closed.rejected("closed");
        CompletableFuture<LayerChannel.Offer> result = new CompletableFuture<>();
        List<ChannelDirectory.LayerShape> shape = List.of(
                new ChannelDirectory.LayerShape(closed.layer(), closed.rows(), closed.cols()));
        AskPattern.<RunRegistry.Command, RunRegistry.Reply>ask(registry,
                        replyTo -> new RunRegistry.OpenLayers(closed.run(), shape, replyTo), askTimeout, system.scheduler())
                .whenCompleteAsync((reply, failure) -> {
                    if (reply instanceof RunRegistry.OpenedLayers opened) {
                        offer(opened.channels().get(0), d).whenComplete((offer, f) -> {
                            if (offer == LayerChannel.Offer.CLOSED || f != null) {
                                opened.channels().get(0).rejected("closed");
                                budget.release(d.bytes());
                            }
                            result.complete(f != null ? LayerChannel.Offer.CLOSED : offer);
                        });
                    } else {
                        // Refused (the run finished, a cap) or no answer: the snapshot ends here, counted
                        // rejected on the closed channel above.
                        budget.release(d.bytes());
                        result.complete(LayerChannel.Offer.CLOSED);
                    }
                }, Runnable::run);
        return result;
    }

    /**
     * Counts the snapshot received on {@code channel} and offers it; its bytes are released when it is
     * refused for a full queue, and kept for another try when the channel is closed.
     */
    private CompletableFuture<LayerChannel.Offer> offer(LayerChannel channel, Delivery d) {
        Snapshot snapshot = channel.snapshot(d.step(), d.matrix(), d.learningRate(), d.batchSize());
        channel.received();
        CompletableFuture<LayerChannel.Offer> offer = channel.policy() == OverloadPolicy.LATEST
                ? CompletableFuture.completedFuture(channel.offer(snapshot, d.bytes()))
                : channel.offerWithin(snapshot, d.bytes(), d.patience(), system).toCompletableFuture();
        return offer.thenApply(o -> {
            if (o == LayerChannel.Offer.FULL) {
                channel.rejected("queue_full");
                budget.release(d.bytes()); // the request's matrix is garbage once answered
            }
            return o;
        });
    }
}

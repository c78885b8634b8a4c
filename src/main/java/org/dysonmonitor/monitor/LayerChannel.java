package org.dysonmonitor.monitor;

import akka.actor.typed.ActorSystem;
import akka.stream.BoundedSourceQueue;
import akka.stream.QueueOfferResult;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.metrics.RunMetrics;

import java.time.Duration;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The entry of one (run, layer) stream: a bounded queue into the layer's spectrum actor, with the
 * run's overload policy and its accounting. Safe to use from any thread (the queue and the
 * counters are), and handed out by the run registry (and its {@link ChannelDirectory}) to the HTTP
 * routes, the checkpoint watchers and the trainer actors.
 *
 * <p>Accounting: every snapshot is counted once as received, and ends as exactly one of processed
 * (by the spectrum actor), dropped (replaced under {@code latest}) or rejected, so that
 * received = processed + dropped + rejected.
 */
public final class LayerChannel {

    /** What became of an offer. */
    public enum Offer {
        /** In the queue. */
        QUEUED,
        /** Under {@code latest}: the queue was full and the snapshot was dropped (and counted). */
        DROPPED,
        /** Under {@code all}: the queue is full; nothing was counted, the caller may try again. */
        FULL
    }

    private final String run;
    private final String layer;
    private final int rows;
    private final int cols;
    private final OverloadPolicy policy;
    private final BoundedSourceQueue<Snapshot> queue;
    private final FreeSlotSignal freeSlot;
    private final RunMetrics metrics;

    LayerChannel(String run, String layer, int rows, int cols, OverloadPolicy policy,
                 BoundedSourceQueue<Snapshot> queue, FreeSlotSignal freeSlot, RunMetrics metrics) {
        this.run = run;
        this.layer = layer;
        this.rows = rows;
        this.cols = cols;
        this.policy = policy;
        this.queue = queue;
        this.freeSlot = freeSlot;
        this.metrics = metrics;
    }

    public String run() {
        return run;
    }

    public String layer() {
        return layer;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public OverloadPolicy policy() {
        return policy;
    }

    /**
     * A snapshot of this layer at {@code step}. The α and |B| it names become the run's (they are
     * stored once, in the run's {@link RunMetrics}); those it leaves out are the run's current ones.
     */
    public Snapshot snapshot(long step, WeightMatrix weights, OptionalDouble learningRate, OptionalInt batchSize) {
        learningRate.ifPresent(metrics::setLearningRate);
        batchSize.ifPresent(metrics::setBatchSize);
        return new Snapshot(run, layer, step, weights, learningRate.orElse(metrics.learningRate().orElse(Double.NaN)),
                batchSize.orElse(metrics.batchSize().orElse(0)));
    }

    /** Counts one snapshot as received: call once per snapshot, before offering or rejecting it. */
    public void received() {
        metrics.received(layer);
    }

    /** Counts a received snapshot as rejected for {@code reason} (a fixed snake_case label). */
    public void rejected(String reason) {
        metrics.rejected(layer, reason);
    }

    /**
     * Offers a snapshot once, without waiting. Under {@code latest} a full queue drops the snapshot
     * and counts it; under {@code all} it answers {@link Offer#FULL} and counts nothing.
     */
    public Offer offer(Snapshot snapshot) {
        QueueOfferResult result = queue.offer(snapshot);
        if (result == QueueOfferResult.enqueued()) {
            return Offer.QUEUED;
        }
        if (policy == OverloadPolicy.LATEST) {
            metrics.dropped(layer);
            return Offer.DROPPED;
        }
        if (result == QueueOfferResult.dropped()) {
            return Offer.FULL;
        }
        // The stream has ended (the run expired or the monitor is stopping).
        throw new IllegalStateException("layer " + layer + " of run " + run + " is closed");
    }

    /**
     * Completes when the queue next frees a slot. Take it <em>before</em> an offer that may answer
     * {@link Offer#FULL}, then wait on it: that is how a producer under {@code all} is held back
     * without polling.
     */
    public CompletionStage<Void> nextFreeSlot() {
        return freeSlot.next();
    }

    /**
     * Under {@code all}: offers, and while the queue is full waits for room (no thread blocks) until
     * {@code timeout} has passed. Completes with {@link Offer#FULL} on timeout; the snapshot was then
     * not queued and the caller counts it as rejected. Under {@code latest} the first offer decides.
     */
    public CompletionStage<Offer> offerWithin(Snapshot snapshot, Duration timeout, ActorSystem<?> system) {
        CompletableFuture<Offer> done = new CompletableFuture<>();
        attempt(snapshot, System.nanoTime() + timeout.toNanos(), system, done);
        return done;
    }

    private void attempt(Snapshot snapshot, long deadline, ActorSystem<?> system, CompletableFuture<Offer> done) {
        CompletableFuture<Void> freed = freeSlot.next();
        Offer offer;
        try {
            offer = offer(snapshot);
        } catch (IllegalStateException closed) {
            done.completeExceptionally(closed);
            return;
        }
        long left = deadline - System.nanoTime();
        if (offer != Offer.FULL || left <= 0) {
            done.complete(offer);
            return;
        }
        CompletableFuture<Void> wake = new CompletableFuture<>();
        freed.thenRun(() -> wake.complete(null));
        system.scheduler().scheduleOnce(Duration.ofNanos(left), () -> wake.complete(null), system.executionContext());
        wake.thenRun(() -> attempt(snapshot, deadline, system, done));
    }

    /** Ends the stream: queued snapshots are still processed, new offers fail. */
    void complete() {
        queue.complete();
    }
}

package org.dysonmonitor.monitor;

import akka.actor.typed.ActorSystem;
import akka.stream.BoundedSourceQueue;
import akka.stream.QueueOfferResult;
import org.dysonmonitor.metrics.RunMetrics;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The entry of one (run, layer) stream: a bounded queue into the layer's spectrum actor, with the
 * run's overload policy and its accounting. Safe to use from any thread (the queue and the
 * counters are), and handed out by the run registry to the HTTP routes and the trainer actors.
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

    private static final Duration MAX_BACKOFF = Duration.ofMillis(50);

    private final String run;
    private final String layer;
    private final int rows;
    private final int cols;
    private final OverloadPolicy policy;
    private final BoundedSourceQueue<Snapshot> queue;
    private final RunMetrics metrics;

    LayerChannel(String run, String layer, int rows, int cols, OverloadPolicy policy,
                 BoundedSourceQueue<Snapshot> queue, RunMetrics metrics) {
        this.run = run;
        this.layer = layer;
        this.rows = rows;
        this.cols = cols;
        this.policy = policy;
        this.queue = queue;
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
     * Under {@code all}: offers until there is room or {@code timeout} has passed, retrying with a
     * short back-off on the scheduler (no thread waits). Completes with false on timeout; the
     * snapshot was then not queued and the caller counts it as rejected. Under {@code latest} the
     * first offer decides.
     */
    public CompletionStage<Offer> offerWithin(Snapshot snapshot, Duration timeout, ActorSystem<?> system) {
        CompletableFuture<Offer> done = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        attempt(snapshot, deadline, Duration.ofMillis(1), system, done);
        return done;
    }

    private void attempt(Snapshot snapshot, long deadline, Duration backoff, ActorSystem<?> system,
                         CompletableFuture<Offer> done) {
        try {
            Offer offer = offer(snapshot);
            if (offer != Offer.FULL || System.nanoTime() >= deadline) {
                done.complete(offer);
                return;
            }
        } catch (IllegalStateException closed) {
            done.completeExceptionally(closed);
            return;
        }
        Duration next = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        system.scheduler().scheduleOnce(backoff, () -> attempt(snapshot, deadline, next, system, done),
                system.executionContext());
    }

    /** Ends the stream: queued snapshots are still processed, new offers fail. */
    void complete() {
        queue.complete();
    }
}

package org.dysonmonitor.monitor;

import akka.actor.typed.ActorSystem;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.metrics.RunMetrics;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The entry of one (run, layer) stream: a bounded queue into the layer's spectrum actor, with the
 * run's overload policy and its accounting. Safe to use from any thread, and handed out by the run
 * registry (and its {@link ChannelDirectory}) to the HTTP routes, the checkpoint watchers and the
 * trainer actors. The layer's stream pulls from it ({@link #next}) as the actor has room.
 *
 * <p>Accounting: every snapshot is counted once as received, and ends as exactly one of processed,
 * dropped (the oldest queued, replaced by a newer one under {@code latest}) or rejected (with a
 * reason: refused at the door, {@code queue_full}, failed in the actor, {@code timeout},
 * {@code expired} when the layer is closed with it still queued or in the actor's mailbox,
 * {@code stream_failed}), so that received = processed + dropped + rejected. A queued snapshot is
 * ended exactly once: whichever of {@link #settle} and {@link #close} comes first takes it out of
 * the pending snapshots and counts it; bytes it reserved in the {@link InflightBudget} go back then.
 */
public final class LayerChannel {

    /** What became of an offer. */
    public enum Offer {
        /** In the queue (under {@code latest} possibly in place of the oldest queued, counted dropped). */
        QUEUED,
        /** Under {@code all}: the queue is full; nothing was counted, the caller may try again. */
        FULL,
        /** The layer was closed (its run expired or went idle); nothing was counted. */
        CLOSED
    }

    /** A snapshot the channel holds, with the bytes it reserved. */
    record Pending(long id, Snapshot snapshot, long reservedBytes) {
    }

    private final String run;
    private final String layer;
    private final int rows;
    private final int cols;
    private final OverloadPolicy policy;
    private final int capacity;
    private final FreeSlotSignal freeSlot = new FreeSlotSignal();
    private final RunMetrics metrics;
    private final InflightBudget budget;

    // Guarded by this.
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private final Map<Long, Pending> inActor = new HashMap<>();
    private CompletableFuture<Optional<Pending>> puller;
    private long ids;
    private boolean closed;
    private volatile long lastOfferNanos = System.nanoTime();

    LayerChannel(String run, String layer, int rows, int cols, OverloadPolicy policy, int capacity,
                 RunMetrics metrics, InflightBudget budget) {
        this.run = run;
        this.layer = layer;
        this.rows = rows;
        this.cols = cols;
        this.policy = policy;
        this.capacity = capacity;
        this.metrics = metrics;
        this.budget = budget;
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
        lastOfferNanos = System.nanoTime();
        metrics.received(layer);
    }

    /** Counts a received snapshot as rejected for {@code reason} (a fixed snake_case label). */
    public void rejected(String reason) {
        metrics.rejected(layer, reason);
    }

    /** Offers a snapshot that reserved nothing in the budget (built-in trainers, tests). */
    public Offer offer(Snapshot snapshot) {
        return offer(snapshot, 0);
    }

    /**
     * Offers a snapshot once, without waiting. Under {@code latest} a full queue drops its oldest
     * snapshot (counted) and queues this one: the newest is always kept. Under {@code all} a full
     * queue answers {@link Offer#FULL} and counts nothing. When the answer is {@link Offer#QUEUED}
     * the channel owns {@code reservedBytes} and releases them when the snapshot ends; otherwise
     * the caller still holds them.
     */
    public Offer offer(Snapshot snapshot, long reservedBytes) {
        Pending replaced = null;
        Pending p;
        CompletableFuture<Optional<Pending>> handTo = null;
        synchronized (this) {
            if (closed) {
                return Offer.CLOSED;
            }
            if (waiting.size() >= capacity) {
                if (policy == OverloadPolicy.ALL) {
                    return Offer.FULL;
                }
                replaced = waiting.pollFirst();
            }
            p = new Pending(++ids, snapshot, reservedBytes);
            if (puller != null) {
                handTo = puller;
                puller = null;
                inActor.put(p.id(), p);
            } else {
                waiting.addLast(p);
            }
        }
        if (replaced != null) {
            metrics.dropped(layer);
            budget.release(replaced.reservedBytes());
        }
        if (handTo != null) {
            handTo.complete(Optional.of(p));
        }
        return Offer.QUEUED;
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
        return offerWithin(snapshot, 0, timeout, system);
    }

    /** As {@link #offerWithin(Snapshot, Duration, ActorSystem)}, for a snapshot holding {@code reservedBytes}. */
    public CompletionStage<Offer> offerWithin(Snapshot snapshot, long reservedBytes, Duration timeout,
                                              ActorSystem<?> system) {
        CompletableFuture<Offer> done = new CompletableFuture<>();
        attempt(snapshot, reservedBytes, System.nanoTime() + timeout.toNanos(), system, done);
        return done;
    }

    private void attempt(Snapshot snapshot, long reservedBytes, long deadline, ActorSystem<?> system,
                         CompletableFuture<Offer> done) {
        CompletableFuture<Void> freed = freeSlot.next();
        Offer offer = offer(snapshot, reservedBytes);
        long left = deadline - System.nanoTime();
        if (offer != Offer.FULL || left <= 0) {
            done.complete(offer);
            return;
        }
        CompletableFuture<Void> wake = new CompletableFuture<>();
        freed.thenRun(() -> wake.complete(null));
        system.scheduler().scheduleOnce(Duration.ofNanos(left), () -> wake.complete(null), system.executionContext());
        wake.thenRun(() -> attempt(snapshot, reservedBytes, deadline, system, done));
    }

    /** When the last snapshot was received (System.nanoTime), for the idle timeout. */
    long lastOfferNanos() {
        return lastOfferNanos;
    }

    // ---- the layer's stream and the registry -------------------------------------------------------

    /**
     * The next snapshot for the spectrum actor, when there is one; empty once the channel is closed
     * and nothing waits. At most one pull is outstanding (the stream's source).
     */
    CompletionStage<Optional<Pending>> next() {
        Pending p;
        synchronized (this) {
            p = waiting.pollFirst();
            if (p == null) {
                if (closed) {
                    return CompletableFuture.completedFuture(Optional.empty());
                }
                puller = new CompletableFuture<>();
                return puller;
            }
            inActor.put(p.id(), p);
        }
        freeSlot.freed(); // a snapshot left the queue: wake a producer waiting under `all`
        return CompletableFuture.completedFuture(Optional.of(p));
    }

    /** Ends snapshot {@code id} with the actor's answer, unless {@link #close} ended it already. */
    void settle(long id, SpectrumActor.ProcessReply reply) {
        Pending p;
        synchronized (this) {
            p = inActor.remove(id);
        }
        if (p == null) {
            return;
        }
        if (reply instanceof SpectrumActor.Failed failed) {
            metrics.rejected(layer, failed.reason());
        } else {
            metrics.processed(layer);
        }
        budget.release(p.reservedBytes());
    }

    /**
     * Closes the channel: new offers answer {@link Offer#CLOSED}, the stream ends, and every snapshot
     * still queued or in the actor's mailbox is ended now as rejected for {@code reason} (its bytes
     * released: an ask to a stopped actor never holds them). Idempotent. Returns how many it ended.
     */
    int close(String reason) {
        List<Pending> ended;
        CompletableFuture<Optional<Pending>> wake;
        synchronized (this) {
            if (closed) {
                return 0;
            }
            closed = true;
            ended = new ArrayList<>(waiting);
            ended.addAll(inActor.values());
            waiting.clear();
            inActor.clear();
            wake = puller;
            puller = null;
        }
        if (wake != null) {
            wake.complete(Optional.empty());
        }
        for (Pending p : ended) {
            metrics.rejected(layer, reason);
            budget.release(p.reservedBytes());
        }
        freeSlot.freed(); // producers waiting under `all` try again and see CLOSED
        return ended.size();
    }

    /** Whether no snapshot is queued or in the actor (a finished run's stream can close without loss). */
    synchronized boolean drained() {
        return waiting.isEmpty() && inActor.isEmpty();
    }
}

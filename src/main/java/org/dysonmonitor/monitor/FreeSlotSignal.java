package org.dysonmonitor.monitor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Signals that a layer's queue has a free slot again, for producers waiting under the {@code all}
 * policy: the layer's stream calls {@link #freed()} each time it takes a snapshot off the queue. A
 * producer takes {@link #next()} <em>before</em> it offers, so a slot freed between a full offer and
 * the wait is never missed (at worst it wakes once for nothing and offers again). Thread-safe.
 */
final class FreeSlotSignal {

    private final AtomicReference<CompletableFuture<Void>> next = new AtomicReference<>(new CompletableFuture<>());

    /** Completes when the next slot is freed. */
    CompletableFuture<Void> next() {
        return next.get();
    }

    /** A snapshot has left the queue. */
    void freed() {
        next.getAndSet(new CompletableFuture<>()).complete(null);
    }
}

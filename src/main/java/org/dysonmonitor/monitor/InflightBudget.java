package org.dysonmonitor.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory budget for snapshot bytes in flight ({@code --max-inflight-bytes}): request bodies
 * being read and decoded, and decoded matrices waiting in the layers' queues or in a spectrum
 * actor's mailbox. A request reserves before it reads (from {@code Content-Length}, or chunk by
 * chunk while a chunked body streams); a reservation over the budget is refused, and the caller
 * answers 503 with Retry-After instead of allocating. A queued matrix's bytes are released when its
 * snapshot ends: processed, dropped, rejected, failed or expired ({@link LayerChannel}).
 *
 * <p>Gauges {@code dyson_inflight_bytes} and {@code dyson_inflight_limit_bytes}; counter
 * {@code dyson_inflight_refused_total} of refused reservations. Thread-safe (one atomic).
 */
public final class InflightBudget {

    /** The default share of the max heap: see the sizing rule in {@link #defaultLimit}. */
    public static final int DEFAULT_HEAP_DIVISOR = 4;

    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final Counter refused;

    /** @param limit bytes in flight at most; 0 for the default ({@link #defaultLimit}) */
    public InflightBudget(long limit, MeterRegistry meters) {
        if (limit < 0) {
            throw new IllegalArgumentException("the in-flight budget must be ≥ 0 (0: default), got " + limit);
        }
        this.limit = limit == 0 ? defaultLimit() : limit;
        Gauge.builder("dyson.inflight.bytes", used, AtomicLong::get)
                .description("Snapshot bytes in flight: bodies being read or decoded, matrices queued")
                .baseUnit("bytes").strongReference(true).register(meters);
        Gauge.builder("dyson.inflight.limit", this, b -> b.limit)
                .description("The in-flight budget (--max-inflight-bytes)")
                .baseUnit("bytes").strongReference(true).register(meters);
        this.refused = Counter.builder("dyson.inflight.refused")
                .description("Reservations refused because the in-flight budget was spent (answered 503)")
                .register(meters);
    }

    /**
     * A quarter of the max heap. A request holds at most twice what it reserved at its peak (the
     * body's chunks and the joined body while reading; the body and its decoded matrix while
     * decoding), so requests use at most half the heap and the statistics, series and Akka keep the rest.
     */
    public static long defaultLimit() {
        return Runtime.getRuntime().maxMemory() / DEFAULT_HEAP_DIVISOR;
    }

    public long limit() {
        return limit;
    }

    /** Bytes reserved now. */
    public long used() {
        return used.get();
    }

    /** Reserves {@code bytes} if they fit; false (and counted) if they do not. */
    public boolean tryAcquire(long bytes) {
        if (bytes <= 0) {
            return true;
        }
        long now;
        do {
            now = used.get();
            if (now + bytes > limit) {
                refused.increment();
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    /** Gives back bytes reserved by {@link #tryAcquire}. */
    public void release(long bytes) {
        if (bytes > 0) {
            used.addAndGet(-bytes);
        }
    }

    /** A new, empty reservation of one request. */
    public Reservation reservation() {
        return new Reservation();
    }

    /**
     * What one request holds of the budget: grown as its body arrives, resized to its decoded
     * matrices, handed over to the layers' queues snapshot by snapshot, and closed at the end of the
     * request, which releases whatever was not handed over, whichever way the request ended.
     */
    public final class Reservation implements AutoCloseable {

        private long held;

        private Reservation() {
        }

        /** Reserves {@code bytes} more; false (nothing reserved) when the budget has no room. */
        public synchronized boolean grow(long bytes) {
            if (!tryAcquire(bytes)) {
                return false;
            }
            held += Math.max(0, bytes);
            return true;
        }

        /** Holds exactly {@code bytes}: gives back the excess, or reserves the shortfall (false if no room). */
        public synchronized boolean resize(long bytes) {
            if (bytes <= held) {
                release(held - bytes);
                held = bytes;
                return true;
            }
            return grow(bytes - held);
        }

        /** Hands up to {@code bytes} over to a queued snapshot, which releases them when it ends. */
        public synchronized long take(long bytes) {
            long taken = Math.min(Math.max(0, bytes), held);
            held -= taken;
            return taken;
        }

        public synchronized long held() {
            return held;
        }

        @Override
        public synchronized void close() {
            release(held);
            held = 0;
        }
    }

    /** What a matrix holds in memory: 4 bytes a value in float32, 8 in float64. */
    public static long bytesOf(org.dysonmonitor.ingest.WeightMatrix m) {
        return (long) m.rows() * m.cols() * (m.float32() ? Float.BYTES : Double.BYTES);
    }
}

package org.dysonmonitor.store;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's counters, strongly held for gauges and function counters: points written, writes
 * dropped (a full queue, or a failed transaction), failed transactions, writes waiting, and the
 * bytes the database holds. Updated by the store's threads, read by any.
 */
public final class StoreCounters {

    final AtomicLong pointsWritten = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong writeErrors = new AtomicLong();
    final AtomicLong queued = new AtomicLong();
    final AtomicLong databaseBytes = new AtomicLong();
    final AtomicLong pointsThinned = new AtomicLong();
    final AtomicLong transactions = new AtomicLong();

    /** Transactions committed (each holds every write the writer found queued, up to a few thousand). */
    public long transactions() {
        return transactions.get();
    }

    /** History points committed. */
    public long pointsWritten() {
        return pointsWritten.get();
    }

    /** Writes that never reached the disk: the queue was full, or their transaction failed. */
    public long dropped() {
        return dropped.get();
    }

    /** Transactions that failed (a full or read-only disk); their writes count in {@link #dropped()}. */
    public long writeErrors() {
        return writeErrors.get();
    }

    /** Writes waiting for the writer. */
    public long queued() {
        return queued.get();
    }

    /** Bytes of the database in use (pages in use × page size), as of the last commit or maintenance. */
    public long databaseBytes() {
        return databaseBytes.get();
    }

    /** Points removed by retention and thinning. */
    public long pointsThinned() {
        return pointsThinned.get();
    }
}

package org.dysonmonitor.store;

import org.dysonmonitor.rmt.CpuPace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The writes of a {@link SqlHistoryStore}: two bounded queues, one for history points and one for
 * everything else (runs, layers, checkpoints, files), so a flood of points never crowds out a run's
 * metadata, and one writer thread of its own that drains both (the other writes first) into one
 * transaction at most every {@code commitInterval}: a report is committed within commitInterval plus
 * one transaction of being offered, and a crash of the process loses at most that. {@link #flush()}
 * completes after the commit of what was offered before it and after any maintenance that commit made
 * due. A full queue drops the write and counts it; a failed transaction (a full or read-only disk, a
 * database that went away) is rolled back, its writes counted as dropped, logged at most every 10 s,
 * and the writer carries on, on a new connection when the old one is no longer valid; a transaction
 * that lost a deadlock to another writer of the same database is run again (up to 3 times). A full
 * database is thinned at once.
 *
 * <p><b>Maintenance</b> ({@link HistoryMaintenance}) runs on the writer's thread between two
 * transactions, when the store opens and then every {@code maintenanceInterval}, by one writer of
 * the database at a time ({@link SqlDialect#lockMaintenance}).
 */
final class SqlHistoryWriter {

    private static final Logger LOG = LoggerFactory.getLogger(SqlHistoryWriter.class);
    private static final int MAX_BATCH = 4096;
    private static final int ATTEMPTS = 3;
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final StoreSettings settings;
    private final CpuPace checkpointPace;
    private final SqlDialect dialect;
    private final StoreCounters counters;
    private final ArrayBlockingQueue<HistoryWrites.Write> points;
    private final ArrayBlockingQueue<HistoryWrites.Write> control;
    private final AtomicLong pointsAccepted = new AtomicLong();
    private final AtomicLong controlAccepted = new AtomicLong();
    private final ConcurrentLinkedQueue<Flush> flushes = new ConcurrentLinkedQueue<>();
    private Thread writer;
    private Runnable afterLastCommit;
    private volatile boolean closing;
    private volatile boolean maintenanceDue = true;
    /** The writer's connection and what is prepared on it; replaced when it is no longer valid. */
    private Connection writerConnection;
    private HistoryWrites writes;
    private HistoryMaintenance maintenance;
    private long pointsDone;
    private long controlDone;
    private long lastErrorLog;

    private record Flush(long points, long control, CompletableFuture<Void> done) {
    }

    /**
     * Takes over the connection (its schema created) and reads the database's size; {@link #start}
     * starts the thread.
     *
     * @throws SQLException when the database cannot be read (the caller closes the connection)
     */
    SqlHistoryWriter(StoreSettings settings, SqlDialect dialect, StoreCounters counters, Connection connection,
                     CpuPace checkpointPace) throws SQLException {
        this.settings = settings;
        this.checkpointPace = checkpointPace;
        this.dialect = dialect;
        this.counters = counters;
        this.points = new ArrayBlockingQueue<>(settings.pointQueue());
        this.control = new ArrayBlockingQueue<>(settings.controlQueue());
        useConnection(connection);
        counters.databaseBytes.set(dialect.bytesInUse(connection));
    }

    /** Starts the writer thread; {@code afterLastCommit} runs on it once it has closed its connection. */
    void start(String threadName, Runnable afterLastCommit) {
        this.afterLastCommit = afterLastCommit;
        this.writer = SqlHistoryStore.daemon(this::writeLoop, threadName);
        this.writer.start();
    }

    /** Whether {@link #close} has begun: every offer from then on is dropped. */
    boolean closing() {
        return closing;
    }

    /** Queues a history point; false (and counted as dropped) when its queue is full or the store closing. */
    boolean offerPoint(HistoryWrites.Write write) {
        return enqueue(points, pointsAccepted, write);
    }

    /** Queues a run, layer, checkpoint or file write; false (and counted as dropped) as {@link #offerPoint}. */
    boolean offerControl(HistoryWrites.Write write) {
        return enqueue(control, controlAccepted, write);
    }

    private boolean enqueue(ArrayBlockingQueue<HistoryWrites.Write> queue, AtomicLong accepted,
                            HistoryWrites.Write write) {
        // Counted under the queue's own lock order: accepted before the writer can finish the write.
        synchronized (accepted) {
            if (closing || !queue.offer(write)) {
                counters.dropped.incrementAndGet();
                return false;
            }
            accepted.incrementAndGet();
        }
        counters.queued.incrementAndGet();
        return true;
    }

    /** Completes after the commit of every write accepted before it (and the maintenance that commit made due). */
    CompletionStage<Void> flush() {
        Flush f;
        synchronized (pointsAccepted) {
            synchronized (controlAccepted) {
                f = new Flush(pointsAccepted.get(), controlAccepted.get(), new CompletableFuture<>());
            }
        }
        flushes.add(f);
        LockSupport.unpark(writer);
        return f.done();
    }

    /** Stops taking writes, commits what is queued and waits for the writer up to {@code waitMillis}. */
    void close(long waitMillis) {
        synchronized (pointsAccepted) {
            synchronized (controlAccepted) {
                closing = true;
            }
        }
        LockSupport.unpark(writer);
        try {
            writer.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.warn("history store: the writer did not finish within {} ms; {} writes not committed",
                    waitMillis, counters.queued());
        }
    }

    private void useConnection(Connection c) throws SQLException {
        writerConnection = c;
        writes = new HistoryWrites(c, settings.maxEigenvalues(), checkpointPace);
        maintenance = new HistoryMaintenance(c, dialect, counters);
    }

    private void writeLoop() {
        List<HistoryWrites.Write> batch = new ArrayList<>();
        long nextMaintenance = System.nanoTime();
        long commitNanos = settings.commitInterval().toNanos();
        while (true) {
            long start = System.nanoTime();
            boolean stopping = closing;
            batch.clear();
            control.drainTo(batch);
            int controlTaken = batch.size();
            points.drainTo(batch, MAX_BATCH);
            if (!batch.isEmpty()) {
                commit(batch, controlTaken);
            }
            if (maintenanceDue || start - nextMaintenance >= 0) {
                maintain();
                nextMaintenance = System.nanoTime() + settings.maintenanceInterval().toNanos();
            }
            completeFlushes();
            if (stopping && points.isEmpty() && control.isEmpty()) {
                break;
            }
            if (batch.size() < MAX_BATCH && !stopping && flushes.isEmpty()) {
                LockSupport.parkNanos(commitNanos - (System.nanoTime() - start));
            }
        }
        SqlHistoryStore.closeQuietly(writerConnection);
        afterLastCommit.run();
    }

    private void commit(List<HistoryWrites.Write> batch, int controlTaken) {
        int pointCount = batch.size() - controlTaken;
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    transaction(batch);
                    break;
                } catch (SQLException | RuntimeException e) {
                    if (attempt >= ATTEMPTS || !dialect.isRetryable(e)) {
                        throw e;
                    }
                }
            }
            counters.transactions.incrementAndGet();
            counters.pointsWritten.addAndGet(pointCount);
            if (dialect.sizeAtEveryCommit()) {
                counters.databaseBytes.set(dialect.bytesInUse(writerConnection));
                if (counters.databaseBytes() > settings.maxBytes()) {
                    maintenanceDue = true;
                }
            }
        } catch (SQLException | RuntimeException e) {
            counters.writeErrors.incrementAndGet();
            counters.dropped.addAndGet(batch.size());
            logError("a transaction of " + batch.size() + " writes failed and was dropped", e);
            if (dialect.isFull(e)) {
                maintenanceDue = true;
            }
            reconnectIfInvalid();
        } finally {
            counters.queued.addAndGet(-batch.size());
            pointsDone += pointCount;
            controlDone += controlTaken;
        }
    }

    /** One transaction of the batch; rolled back (and the cached ids forgotten) when it fails. */
    private void transaction(List<HistoryWrites.Write> batch) throws SQLException {
        try {
            writerConnection.setAutoCommit(false);
            for (HistoryWrites.Write w : batch) {
                writes.apply(w);
            }
            writes.finishTransaction();
            writerConnection.commit();
        } catch (SQLException | RuntimeException e) {
            rollback();
            writes.forgetIds();
            throw e;
        } finally {
            try {
                writerConnection.setAutoCommit(true);
            } catch (SQLException e) {
                logError("cannot leave the failed transaction", e);
            }
        }
    }

    /** A connection the database closed (a restart, a network cut) is replaced; a failure to is retried later. */
    private void reconnectIfInvalid() {
        try {
            if (writerConnection.isValid(2)) {
                return;
            }
        } catch (SQLException e) {
            LOG.debug("history store: checking the connection: {}", e.getMessage());
        }
        SqlHistoryStore.closeQuietly(writerConnection);
        try {
            useConnection(dialect.connect(true));
            LOG.info("history store: reconnected to {}", dialect.describe());
        } catch (SQLException e) {
            logError("cannot reconnect to " + dialect.describe(), e);
        }
    }

    private void completeFlushes() {
        for (Flush f = flushes.peek(); f != null && f.points() <= pointsDone && f.control() <= controlDone;
             f = flushes.peek()) {
            flushes.poll();
            f.done().complete(null);
        }
        if (!flushes.isEmpty() && points.isEmpty() && control.isEmpty()) {
            // Every accepted write is done; flushes taken after a dropped offer complete too.
            Flush f;
            while ((f = flushes.poll()) != null) {
                f.done().complete(null);
            }
        }
    }

    private void maintain() {
        maintenanceDue = false;
        boolean locked = false;
        try {
            locked = dialect.lockMaintenance(writerConnection);
            if (!locked) {
                return;
            }
            if (maintenance.retain(System.currentTimeMillis(), settings.retention().toMillis())) {
                writes.forgetIds();
            }
            long thinned = maintenance.capSize(settings.maxBytes());
            if (thinned > 0) {
                LOG.info("history store: thinned {} old points to stay below {} bytes", thinned, settings.maxBytes());
            }
            counters.databaseBytes.set(dialect.bytesInUse(writerConnection));
        } catch (SQLException | RuntimeException e) {
            counters.writeErrors.incrementAndGet();
            logError("retention and size maintenance failed", e);
            rollback();
            reconnectIfInvalid();
        } finally {
            if (locked) {
                unlockMaintenance();
            }
        }
    }

    private void unlockMaintenance() {
        try {
            dialect.unlockMaintenance(writerConnection);
        } catch (SQLException e) {
            // The lock belongs to the session: a connection that failed has given it back already.
            LOG.debug("history store: maintenance unlock: {}", e.getMessage());
        }
    }

    private void rollback() {
        try {
            if (!writerConnection.getAutoCommit()) {
                writerConnection.rollback();
            }
        } catch (SQLException e) {
            // SQLite rolls back by itself on some errors (SQLITE_FULL among them), a lost connection
            // has nothing to roll back: nothing is left to undo.
            LOG.debug("history store: rollback: {}", e.getMessage());
        }
    }

    private void logError(String what, Exception e) {
        long now = System.nanoTime();
        if (lastErrorLog == 0 || now - lastErrorLog >= LOG_EVERY_NANOS) {
            lastErrorLog = now;
            LOG.error("history store: {}: {} ({} writes dropped so far, {} failed transactions; "
                    + "logged at most every 10 s)", what, dialect.explain(e), counters.dropped(), counters.writeErrors());
        }
    }
}

package org.dysonmonitor.store;

import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The history store in one SQLite file, {@code DIR/dyson.db} (see {@link SqliteSchema} for its
 * settings, {@link HistoryMaintenance} for what is kept how long).
 *
 * <p><b>Writes.</b> Two bounded queues, one for history points and one for everything else (runs,
 * layers, checkpoints, files), so a flood of points never crowds out a run's metadata. One writer
 * thread of its own drains both (the other writes first) into one transaction at most every
 * {@code commitInterval}: a report is committed within commitInterval plus one transaction of
 * being offered, and a crash of the process loses at most that. {@link #flush()} completes after
 * the commit of what was offered before it and after any maintenance that commit made due. A full queue drops the write and
 * counts it; a failed transaction (a full or read-only disk) is rolled back, its writes counted as
 * dropped, logged at most every 10 s, and the writer carries on; on SQLITE_FULL it thins at once.
 *
 * <p><b>Reads</b> run on one reader thread of their own with its own connection (WAL: readers do not
 * wait for the writer), behind a bounded queue of 64 requests; a full queue fails the stage
 * ({@link HistoryReader}).
 */
public final class SqliteHistoryStore implements HistoryStore {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteHistoryStore.class);
    private static final int MAX_BATCH = 4096;
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long CLOSE_WAIT_MILLIS = 10_000;
    /** The hard limit, above the cap that maintenance keeps: writes fail rather than grow the file. */
    private static final double HARD_LIMIT = 1.25;

    private final StoreSettings settings;
    private final StoreCounters counters = new StoreCounters();
    private final ArrayBlockingQueue<HistoryWrites.Write> points;
    private final ArrayBlockingQueue<HistoryWrites.Write> control;
    private final AtomicLong pointsAccepted = new AtomicLong();
    private final AtomicLong controlAccepted = new AtomicLong();
    private final ConcurrentLinkedQueue<Flush> flushes = new ConcurrentLinkedQueue<>();
    private final Connection writerConnection;
    private final HistoryWrites writes;
    private final HistoryMaintenance maintenance;
    private final HistoryReader reader;
    private final Thread writer;
    private final long maxPages;
    private volatile boolean closing;
    private volatile boolean maintenanceDue = true;
    private long pointsDone;
    private long controlDone;
    private long lastErrorLog;

    private record Flush(long points, long control, CompletableFuture<Void> done) {
    }

    private SqliteHistoryStore(StoreSettings settings, Connection connection, long maxPages) throws SQLException {
        this.settings = settings;
        this.points = new ArrayBlockingQueue<>(settings.pointQueue());
        this.control = new ArrayBlockingQueue<>(settings.controlQueue());
        this.writerConnection = connection;
        this.maxPages = maxPages;
        this.writes = new HistoryWrites(connection, settings.maxEigenvalues());
        this.maintenance = new HistoryMaintenance(connection, new HistoryMaintenance.Space() {
            @Override
            public long bytesInUse(Connection c) throws SQLException {
                return SqliteSchema.bytesInUse(c);
            }

            @Override
            public void reclaim(Connection c) throws SQLException {
                SqliteSchema.reclaim(c);
            }
        }, counters);
        this.counters.databaseBytes.set(SqliteSchema.bytesInUse(connection));
        this.reader = new HistoryReader(settings, () -> closing);
        this.writer = daemon(this::writeLoop, "dyson-history-writer");
    }

    /**
     * Opens (or creates) {@code DIR/dyson.db} and starts the writer.
     *
     * @throws HistoryStoreException with a message fit for the user when the directory cannot be
     *                               made or written, or the file is not a database of ours
     */
    public static SqliteHistoryStore open(StoreSettings settings) {
        Path dir = settings.dataDirectory().toAbsolutePath();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new HistoryStoreException("data directory " + dir + " is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new HistoryStoreException("cannot create the data directory " + dir + ": " + reason(e), e);
        }
        Path file = settings.databaseFile().toAbsolutePath();
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new HistoryStoreException("history database " + file + " is not a regular file");
        }
        Connection c = null;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + file);
            SqliteSchema.create(c);
            long maxPages = (long) Math.ceil(HARD_LIMIT * settings.maxBytes() / SqliteSchema.pageSize(c));
            SqliteSchema.configure(c, maxPages);
            SqliteHistoryStore store = new SqliteHistoryStore(settings, c, maxPages);
            store.writer.start();
            return store;
        } catch (SQLException e) {
            closeQuietly(c);
            throw new HistoryStoreException("cannot open the history database " + file + ": " + SqliteErrors.explain(e)
                    + " (choose another --data-dir, or run with --no-store)", e);
        }
    }

    public StoreSettings settings() {
        return settings;
    }

    @Override
    public boolean offer(LayerReport report, long timestampMillis) {
        return enqueue(points, pointsAccepted, new HistoryWrites.PointWrite(report, timestampMillis));
    }

    @Override
    public boolean offerRun(StoredRun run) {
        return enqueue(control, controlAccepted, new HistoryWrites.RunWrite(run));
    }

    @Override
    public boolean offerLayer(String run, StoredLayer layer) {
        return enqueue(control, controlAccepted, new HistoryWrites.LayerWrite(run, layer, System.currentTimeMillis()));
    }

    @Override
    public boolean offerCheckpoint(String run, String layer, long step, LayerStatistics.State state) {
        return enqueue(control, controlAccepted,
                new HistoryWrites.CheckpointWrite(run, layer, step, System.currentTimeMillis(), state));
    }

    @Override
    public boolean offerProcessedFile(String run, FileIdentity file) {
        return enqueue(control, controlAccepted, new HistoryWrites.FileWrite(run, file, System.currentTimeMillis()));
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

    @Override
    public CompletionStage<List<HistoryPoint>> history(String run, String layer, long fromStep, long toStep,
                                                       int maxPoints) {
        return reader.read(r -> r.history(run, layer, fromStep, toStep, maxPoints));
    }

    @Override
    public CompletionStage<List<StoredRun>> runs() {
        return reader.read(HistoryReads::runs);
    }

    @Override
    public CompletionStage<Optional<Checkpoint>> latestCheckpoint(String run, String layer) {
        return reader.read(r -> r.latestCheckpoint(run, layer));
    }

    @Override
    public CompletionStage<Map<String, Long>> lastSteps() {
        return reader.read(HistoryReads::lastSteps);
    }

    @Override
    public CompletionStage<Set<FileIdentity>> processedFiles(String run) {
        return reader.read(r -> r.processedFiles(run));
    }

    @Override
    public CompletionStage<Void> flush() {
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

    @Override
    public StoreCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        synchronized (pointsAccepted) {
            synchronized (controlAccepted) {
                closing = true;
            }
        }
        LockSupport.unpark(writer);
        try {
            writer.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.warn("history store: the writer did not finish within {} ms; {} writes not committed",
                    CLOSE_WAIT_MILLIS, counters.queued());
        }
        reader.shutdown(CLOSE_WAIT_MILLIS);
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
        closeQuietly(writerConnection);
        reader.closeConnection();
    }

    private void commit(List<HistoryWrites.Write> batch, int controlTaken) {
        int pointCount = batch.size() - controlTaken;
        try {
            writerConnection.setAutoCommit(false);
            for (HistoryWrites.Write w : batch) {
                writes.apply(w);
            }
            writes.finishTransaction();
            writerConnection.commit();
            counters.transactions.incrementAndGet();
            counters.pointsWritten.addAndGet(pointCount);
            counters.databaseBytes.set(SqliteSchema.bytesInUse(writerConnection));
            if (counters.databaseBytes() > settings.maxBytes()) {
                maintenanceDue = true;
            }
        } catch (SQLException | RuntimeException e) {
            counters.writeErrors.incrementAndGet();
            counters.dropped.addAndGet(batch.size());
            logError("a transaction of " + batch.size() + " writes failed and was dropped", e);
            rollback();
            writes.forgetIds();
            if (e instanceof SQLiteException s && s.getResultCode() == SQLiteErrorCode.SQLITE_FULL) {
                maintenanceDue = true;
            }
        } finally {
            try {
                writerConnection.setAutoCommit(true);
            } catch (SQLException e) {
                logError("cannot leave the failed transaction", e);
            }
            counters.queued.addAndGet(-batch.size());
            pointsDone += pointCount;
            controlDone += controlTaken;
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
        try {
            if (maintenance.retain(System.currentTimeMillis(), settings.retention().toMillis())) {
                writes.forgetIds();
            }
            long thinned = maintenance.capSize(settings.maxBytes());
            if (thinned > 0) {
                LOG.info("history store: thinned {} old points to stay below {} bytes", thinned, settings.maxBytes());
            }
            counters.databaseBytes.set(SqliteSchema.bytesInUse(writerConnection));
        } catch (SQLException | RuntimeException e) {
            counters.writeErrors.incrementAndGet();
            logError("retention and size maintenance failed", e);
            rollback();
        }
    }

    private void rollback() {
        try {
            if (!writerConnection.getAutoCommit()) {
                writerConnection.rollback();
            }
        } catch (SQLException e) {
            // SQLite rolls back by itself on some errors (SQLITE_FULL among them): nothing is left to undo.
            LOG.debug("history store: rollback: {}", e.getMessage());
        }
    }

    private void logError(String what, Exception e) {
        long now = System.nanoTime();
        if (lastErrorLog == 0 || now - lastErrorLog >= LOG_EVERY_NANOS) {
            lastErrorLog = now;
            LOG.error("history store: {}: {} ({} writes dropped so far, {} failed transactions; "
                    + "logged at most every 10 s)", what, SqliteErrors.explain(e), counters.dropped(), counters.writeErrors());
        }
    }

    /** The page limit given to the writer's connection (the hard size limit). */
    long maxPages() {
        return maxPages;
    }

    private static String reason(IOException e) {
        return e.getClass().getSimpleName().replace("Exception", "") + " " + e.getMessage();
    }

    static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.warn("history store: closing a connection failed: {}", e.getMessage());
        }
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}

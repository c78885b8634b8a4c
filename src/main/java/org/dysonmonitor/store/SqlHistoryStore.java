package org.dysonmonitor.store;

import org.dysonmonitor.rmt.CpuPace;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A history store in an SQL database, whichever its {@link SqlDialect}: what {@link SqliteHistoryStore}
 * and {@link PostgresHistoryStore} share. Offers go to the {@link SqlHistoryWriter} (two bounded queues,
 * one writer thread, a transaction at most every {@code commitInterval}, and the retention and size
 * maintenance between two transactions); a full queue drops the write and counts it.
 *
 * <p><b>Reads</b> run on one reader thread of their own with its own connection, behind a bounded
 * queue of 64 requests; a full queue fails the stage ({@link HistoryReader}).
 */
public abstract class SqlHistoryStore implements HistoryStore {

    private static final Logger LOG = LoggerFactory.getLogger(SqlHistoryStore.class);
    private static final long CLOSE_WAIT_MILLIS = 10_000;
    /**
     * The share of one core that writing checkpoints (encoding and inserting them) takes at most. When they
     * were gzip, a 128-wide layer's statistics with full dynamics windows took 61 ms to encode, so 17 such
     * layers every 5 s took a fifth of a core; as {@link CheckpointEncoding} writes them now, 2.4 MB in ≈ 3 ms.
     */
    static final double CHECKPOINT_CPU_SHARE = 0.02;

    /**
     * The bytes per second all layers' checkpoints write at most: at 3 ms per 2.4 MB the CPU share alone would
     * let 17 large layers write 16 MB/s. A checkpoint of b bytes is charged as b·share/rate seconds when that is
     * more than its CPU, so the pace's waits keep the sum at this rate.
     */
    static final double CHECKPOINT_BYTES_PER_SECOND = 1 << 20;

    private final StoreSettings settings;
    private final StoreCounters counters = new StoreCounters();
    private final SqlHistoryWriter writer;
    private final HistoryReader reader;
    private final CpuPace checkpointPace = new CpuPace(CHECKPOINT_CPU_SHARE);

    /**
     * Takes over the writer's connection (its schema created) and starts the writer.
     *
     * @throws SQLException when the database cannot be read (the caller closes the connection)
     */
    SqlHistoryStore(StoreSettings settings, SqlDialect dialect, Connection connection, String threadName)
            throws SQLException {
        this.settings = settings;
        this.writer = new SqlHistoryWriter(settings, dialect, counters, connection, checkpointPace);
        this.reader = new HistoryReader(dialect, settings.maxEigenvalues(), writer::closing, threadName + "-reader");
        this.writer.start(threadName + "-writer", reader::closeConnection);
    }

    public StoreSettings settings() {
        return settings;
    }

    @Override
    public boolean offer(LayerReport report, long timestampMillis) {
        return writer.offerPoint(new HistoryWrites.PointWrite(report, timestampMillis));
    }

    @Override
    public boolean offerRun(StoredRun run) {
        return writer.offerControl(new HistoryWrites.RunWrite(run));
    }

    @Override
    public boolean offerLayer(String run, StoredLayer layer) {
        return writer.offerControl(new HistoryWrites.LayerWrite(run, layer, System.currentTimeMillis()));
    }

    @Override
    public boolean offerCheckpoint(String run, String layer, long step, LayerStatistics.State state) {
        return writer.offerControl(new HistoryWrites.CheckpointWrite(run, layer, step, System.currentTimeMillis(), state));
    }

    @Override
    public double checkpointWait(String run, String layer) {
        return checkpointPace.waitOf(HistoryWrites.checkpointKey(run, layer));
    }

    @Override
    public boolean offerProcessedFile(String run, FileIdentity file) {
        return writer.offerControl(new HistoryWrites.FileWrite(run, file, System.currentTimeMillis()));
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
        return writer.flush();
    }

    @Override
    public StoreCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        if (writer.closing()) {
            return;
        }
        writer.close(CLOSE_WAIT_MILLIS);
        reader.shutdown(CLOSE_WAIT_MILLIS);
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

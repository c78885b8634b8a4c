package org.dysonmonitor.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dysonmonitor.rmt.CpuPace;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The writer's side of the store: one write of each kind as portable SQL (standard DML with
 * {@code ON CONFLICT}, which SQLite and PostgreSQL share) on the writer's own connection, with the
 * ids of runs, layers and statistic-name lists cached. Not thread-safe: the writer thread owns it.
 */
final class HistoryWrites {

    /** What the writer is asked to do. Immutable. */
    sealed interface Write {
    }

    record PointWrite(LayerReport report, long timeMillis) implements Write {
    }

    record RunWrite(StoredRun run) implements Write {
    }

    record LayerWrite(String run, StoredLayer layer, long timeMillis) implements Write {
    }

    record CheckpointWrite(String run, String layer, long step, long timeMillis, LayerStatistics.State state)
            implements Write {
    }

    record FileWrite(String run, FileIdentity file, long timeMillis) implements Write {
    }

    /** Newest checkpoints kept per layer: the latest, and one before it in case the latest is damaged. */
    static final int CHECKPOINTS_KEPT = 2;

    static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;
    private final CpuPace checkpointPace;
    private final int maxEigenvalues;
    private final Map<String, Long> runIds = new HashMap<>();
    private final Map<String, Long> layerIds = new HashMap<>();
    private final Map<List<String>, Long> nameIds = new HashMap<>();
    /**
     * Runs that received points in the current transaction, with the newest point time; by id, so
     * that writers of one database lock the runs' rows in one order (no deadlock between them).
     */
    private final Map<Long, Long> touchedRuns = new TreeMap<>();
    /** Points are inserted as one batch at the end of the transaction: one round trip to a server, not one each. */
    private final PreparedStatement insertPoint;
    private int batchedPoints;

    HistoryWrites(Connection connection, int maxEigenvalues, CpuPace checkpointPace) throws SQLException {
        this.connection = connection;
        this.checkpointPace = checkpointPace;
        this.maxEigenvalues = maxEigenvalues;
        this.insertPoint = connection.prepareStatement("INSERT INTO points "
                + "(layer_id, seq, step, time_ms, names_id, eigenvalues, statistics) VALUES (?, ?, ?, ?, ?, ?, ?)");
    }

    /** Applies one write inside the current transaction. */
    void apply(Write write) throws SQLException {
        if (write instanceof PointWrite p) {
            point(p);
        } else if (write instanceof RunWrite r) {
            run(r.run());
        } else if (write instanceof LayerWrite l) {
            layer(l);
        } else if (write instanceof CheckpointWrite c) {
            checkpoint(c);
        } else if (write instanceof FileWrite f) {
            file(f);
        }
    }

    /** Ends the transaction's writes: inserts the batched points, stamps the runs that received them. */
    void finishTransaction() throws SQLException {
        if (batchedPoints > 0) {
            batchedPoints = 0;
            executeBatch(insertPoint);
        }
        if (touchedRuns.isEmpty()) {
            return;
        }
        try (PreparedStatement s = connection.prepareStatement("UPDATE runs SET updated_ms = ?, "
                + "status = CASE WHEN status = 'idle' THEN 'active' ELSE status END WHERE id = ?")) {
            for (Map.Entry<Long, Long> e : touchedRuns.entrySet()) {
                s.setLong(1, e.getValue());
                s.setLong(2, e.getKey());
                s.addBatch();
            }
            executeBatch(s);
        }
        touchedRuns.clear();
    }

    /** Forgets cached ids and batched points (after a rollback, or after maintenance removed runs). */
    void forgetIds() {
        if (batchedPoints > 0) {
            batchedPoints = 0;
            try {
                insertPoint.clearBatch();
            } catch (SQLException e) {
                // A statement that cannot clear its batch belongs to a connection that is replaced next.
                throw new IllegalStateException("cannot clear the points of a failed transaction", e);
            }
        }
        runIds.clear();
        layerIds.clear();
        nameIds.clear();
        touchedRuns.clear();
    }

    private void point(PointWrite p) throws SQLException {
        LayerReport r = p.report();
        long runId = runId(r.run(), p.timeMillis());
        long layerId = layerId(runId, r.run(), StoredLayer.ofShape(r.layer(), r.rows(), r.cols()));
        ReportEncoding.Encoded e = ReportEncoding.encode(r, maxEigenvalues);
        insertPoint.setLong(1, layerId);
        insertPoint.setLong(2, r.snapshots());
        insertPoint.setLong(3, r.step());
        insertPoint.setLong(4, p.timeMillis());
        insertPoint.setLong(5, namesId(e.names()));
        insertPoint.setBytes(6, e.eigenvalues());
        insertPoint.setBytes(7, e.statistics());
        insertPoint.addBatch();
        batchedPoints++;
        touchedRuns.merge(runId, p.timeMillis(), Math::max);
    }

    private void run(StoredRun run) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO runs "
                + "(name, status, learning_rate, batch_size, policy, targets, created_ms, updated_ms) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET status = excluded.status, "
                + "learning_rate = excluded.learning_rate, batch_size = excluded.batch_size, "
                + "policy = excluded.policy, targets = excluded.targets, updated_ms = excluded.updated_ms")) {
            s.setString(1, run.run());
            s.setString(2, run.status());
            if (Double.isFinite(run.learningRate())) {
                s.setDouble(3, run.learningRate());
            } else {
                s.setNull(3, java.sql.Types.DOUBLE);
            }
            s.setInt(4, run.batchSize());
            s.setString(5, run.policy());
            s.setString(6, json(run.targets()));
            s.setLong(7, run.createdMillis());
            s.setLong(8, run.updatedMillis());
            s.executeUpdate();
        }
    }

    private void layer(LayerWrite w) throws SQLException {
        long runId = runId(w.run(), w.timeMillis());
        StoredLayer l = w.layer();
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO layers "
                + "(run_id, name, n_rows, n_cols, received, processed, dropped, rejected) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, name) DO UPDATE SET "
                + "n_rows = excluded.n_rows, n_cols = excluded.n_cols, received = excluded.received, "
                + "processed = excluded.processed, dropped = excluded.dropped, rejected = excluded.rejected")) {
            s.setLong(1, runId);
            s.setString(2, l.layer());
            s.setInt(3, l.rows());
            s.setInt(4, l.cols());
            s.setLong(5, l.received());
            s.setLong(6, l.processed());
            s.setLong(7, l.dropped());
            s.setLong(8, l.rejected());
            s.executeUpdate();
        }
        layerIds.remove(w.run() + '\u0000' + l.layer());
    }

    /** A layer's key in the checkpoints' {@link CpuPace}. */
    static String checkpointKey(String run, String layer) {
        return run + '\u0000' + layer;
    }

    private void checkpoint(CheckpointWrite c) throws SQLException {
        long runId = runId(c.run(), c.timeMillis());
        LayerStatistics.State state = c.state();
        long layerId = layerId(runId, c.run(), StoredLayer.ofShape(c.layer(), state.rows(), state.cols()));
        long cpu = checkpointPace.cpuNanos();
        byte[] encoded = CheckpointEncoding.encode(state);
        try (PreparedStatement s = connection.prepareStatement(
                "INSERT INTO checkpoints (layer_id, step, time_ms, state) VALUES (?, ?, ?, ?)")) {
            s.setLong(1, layerId);
            s.setLong(2, c.step());
            s.setLong(3, c.timeMillis());
            s.setBytes(4, encoded);
            s.executeUpdate();
        }
        try (PreparedStatement s = connection.prepareStatement("DELETE FROM checkpoints WHERE layer_id = ? AND id < "
                + "(SELECT MIN(id) FROM (SELECT id FROM checkpoints WHERE layer_id = ? ORDER BY id DESC LIMIT "
                + CHECKPOINTS_KEPT + ") newest)")) {
            s.setLong(1, layerId);
            s.setLong(2, layerId);
            s.executeUpdate();
        }
        // Charged its CPU, or its bytes at the store's write rate when more: all layers' checkpoints then take
        // at most the pace's share of a core and write at most that rate.
        double cost = Math.max((checkpointPace.cpuNanos() - cpu) * 1e-9,
                encoded.length * checkpointPace.share() / SqlHistoryStore.CHECKPOINT_BYTES_PER_SECOND);
        checkpointPace.worked(checkpointKey(c.run(), c.layer()), cost, System.nanoTime() * 1e-9);
    }

    private void file(FileWrite f) throws SQLException {
        long runId = runId(f.run(), f.timeMillis());
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO processed_files "
                + "(run_id, path, size, modified_ms, processed_ms) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT (run_id, path, size, modified_ms) DO NOTHING")) {
            s.setLong(1, runId);
            s.setString(2, f.file().path());
            s.setLong(3, f.file().size());
            s.setLong(4, f.file().modifiedMillis());
            s.setLong(5, f.timeMillis());
            s.executeUpdate();
        }
    }

    /** The id of a run, stored as active with unknown metadata if it is new. */
    private long runId(String run, long timeMillis) throws SQLException {
        Long id = runIds.get(run);
        if (id != null) {
            return id;
        }
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO runs "
                + "(name, status, batch_size, policy, targets, created_ms, updated_ms) "
                + "VALUES (?, 'active', 0, 'latest', '{}', ?, ?) ON CONFLICT (name) DO NOTHING")) {
            s.setString(1, run);
            s.setLong(2, timeMillis);
            s.setLong(3, timeMillis);
            s.executeUpdate();
        }
        id = selectId("SELECT id FROM runs WHERE name = ?", run);
        runIds.put(run, id);
        return id;
    }

    private long layerId(long runId, String run, StoredLayer shape) throws SQLException {
        String key = run + '\u0000' + shape.layer();
        Long id = layerIds.get(key);
        if (id != null) {
            return id;
        }
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO layers (run_id, name, n_rows, n_cols) "
                + "VALUES (?, ?, ?, ?) ON CONFLICT (run_id, name) DO NOTHING")) {
            s.setLong(1, runId);
            s.setString(2, shape.layer());
            s.setInt(3, shape.rows());
            s.setInt(4, shape.cols());
            s.executeUpdate();
        }
        try (PreparedStatement s = connection.prepareStatement("SELECT id FROM layers WHERE run_id = ? AND name = ?")) {
            s.setLong(1, runId);
            s.setString(2, shape.layer());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        layerIds.put(key, id);
        return id;
    }

    private long namesId(List<String> names) throws SQLException {
        Long id = nameIds.get(names);
        if (id != null) {
            return id;
        }
        String text = json(names);
        try (PreparedStatement s = connection.prepareStatement(
                "INSERT INTO statistic_names (names) VALUES (?) ON CONFLICT (names) DO NOTHING")) {
            s.setString(1, text);
            s.executeUpdate();
        }
        id = selectId("SELECT id FROM statistic_names WHERE names = ?", text);
        nameIds.put(names, id);
        return id;
    }

    private long selectId(String sql, String key) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no row for " + key + " right after inserting it");
                }
                return rs.getLong(1);
            }
        }
    }

    /**
     * {@code s.executeBatch()}, where PostgreSQL's driver, run with assertions enabled, reports a
     * connection lost in the middle of a batch as an AssertionError: it becomes the SQLException
     * (SQLSTATE 08006, connection failure) that it is.
     */
    static int[] executeBatch(PreparedStatement s) throws SQLException {
        try {
            return s.executeBatch();
        } catch (AssertionError e) {
            throw new SQLException("the connection failed during a batch: " + e.getMessage(), "08006", e);
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

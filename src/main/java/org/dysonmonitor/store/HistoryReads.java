package org.dysonmonitor.store;

import com.fasterxml.jackson.core.type.TypeReference;
import org.dysonmonitor.rmt.LayerStatistics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reader's side of the store: queries in portable SQL (window functions, which SQLite ≥ 3.25
 * and PostgreSQL share) on the reader's own connection. Not thread-safe: the reader thread owns it.
 */
final class HistoryReads {

    private static final TypeReference<List<String>> NAMES = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, double[]>> TARGETS = new TypeReference<>() {
    };

    private final Connection connection;
    private final int maxEigenvalues;
    private final Map<Long, List<String>> names = new HashMap<>();

    HistoryReads(Connection connection, int maxEigenvalues) {
        this.connection = connection;
        this.maxEigenvalues = maxEigenvalues;
    }

    /**
     * Points with from ≤ step ≤ to, every k-th of them (k = ⌈count/maxPoints⌉), and the newest one
     * too when it is not among them and there is room. The thinning happens in the database: the
     * row numbers come from the (layer, step) index alone, and only the chosen rows are read.
     */
    List<HistoryPoint> history(String run, String layer, long from, long to, int maxPoints) throws SQLException {
        Optional<long[]> ids = layer(run, layer);
        if (ids.isEmpty() || maxPoints < 1) {
            return List.of();
        }
        long layerId = ids.get()[0];
        int modes = (int) ids.get()[1];
        long count;
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT COUNT(*) FROM points WHERE layer_id = ? AND step BETWEEN ? AND ?")) {
            s.setLong(1, layerId);
            s.setLong(2, from);
            s.setLong(3, to);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                count = rs.getLong(1);
            }
        }
        if (count == 0) {
            return List.of();
        }
        long stride = (count + maxPoints - 1) / maxPoints;
        long chosen = (count + stride - 1) / stride;
        long last = (count - 1) % stride == 0 || chosen >= maxPoints ? 0 : count - 1;
        int[] modeIndex = ReportEncoding.keptModes(modes, maxEigenvalues);
        List<HistoryPoint> out = new ArrayList<>((int) Math.min(count, maxPoints));
        try (PreparedStatement s = connection.prepareStatement("SELECT p.step, p.time_ms, p.eigenvalues, "
                + "p.names_id, p.statistics FROM points p JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY step, id) - 1 "
                + "AS k FROM points WHERE layer_id = ? AND step BETWEEN ? AND ?) numbered ON numbered.id = p.id "
                + "WHERE numbered.k % ? = 0 OR numbered.k = ? ORDER BY p.step, p.id")) {
            s.setLong(1, layerId);
            s.setLong(2, from);
            s.setLong(3, to);
            s.setLong(4, stride);
            s.setLong(5, last);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    double[] eigenvalues = ReportEncoding.doubles(rs.getBytes(3));
                    int[] kept = eigenvalues.length == modeIndex.length ? modeIndex
                            : ReportEncoding.keptModes(eigenvalues.length, eigenvalues.length);
                    Map<String, Object> statistics = ReportEncoding.statistics(names(rs.getLong(4)),
                            ReportEncoding.doubles(rs.getBytes(5)));
                    out.add(new HistoryPoint(rs.getLong(1), rs.getLong(2), eigenvalues, kept, statistics));
                }
            }
        }
        return out;
    }

    /** Every run with its layers, by name. */
    List<StoredRun> runs() throws SQLException {
        Map<Long, List<StoredLayer>> layers = new HashMap<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT run_id, name, n_rows, n_cols, received, "
                + "processed, dropped, rejected FROM layers ORDER BY run_id, name");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                layers.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new StoredLayer(rs.getString(2),
                        rs.getInt(3), rs.getInt(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)));
            }
        }
        List<StoredRun> out = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT id, name, status, learning_rate, batch_size, "
                + "policy, targets, created_ms, updated_ms FROM runs ORDER BY name");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                double lr = rs.getDouble(4);
                if (rs.wasNull()) {
                    lr = Double.NaN;
                }
                out.add(new StoredRun(rs.getString(2), rs.getString(3), lr, rs.getInt(5), rs.getString(6),
                        parse(rs.getString(7), TARGETS), rs.getLong(8), rs.getLong(9),
                        layers.getOrDefault(rs.getLong(1), List.of())));
            }
        }
        return out;
    }

    /** A MAX per layer: each one a lookup in the (layer_id, step) index, not a scan of the points. */
    Map<String, Long> lastSteps() throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT r.name, (SELECT MAX(p.step) FROM points p "
                + "WHERE p.layer_id = l.id) FROM layers l JOIN runs r ON r.id = l.run_id");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                long step = rs.getLong(2);
                if (!rs.wasNull()) {
                    out.merge(rs.getString(1), step, Math::max);
                }
            }
        }
        return out;
    }

    Optional<HistoryStore.Checkpoint> latestCheckpoint(String run, String layer) throws SQLException {
        Optional<long[]> ids = layer(run, layer);
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT step, time_ms, state FROM checkpoints WHERE layer_id = ? ORDER BY id DESC LIMIT 1")) {
            s.setLong(1, ids.get()[0]);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new HistoryStore.Checkpoint(rs.getLong(1), rs.getLong(2),
                        CheckpointEncoding.decode(rs.getBytes(3))));
            }
        }
    }

    Set<FileIdentity> processedFiles(String run) throws SQLException {
        Set<FileIdentity> out = new LinkedHashSet<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT f.path, f.size, f.modified_ms FROM "
                + "processed_files f JOIN runs r ON r.id = f.run_id WHERE r.name = ? ORDER BY f.processed_ms")) {
            s.setString(1, run);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new FileIdentity(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return out;
    }

    /** The layer's id and its number of modes, if stored. */
    private Optional<long[]> layer(String run, String layer) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT l.id, l.n_rows, l.n_cols FROM layers l "
                + "JOIN runs r ON r.id = l.run_id WHERE r.name = ? AND l.name = ?")) {
            s.setString(1, run);
            s.setString(2, layer);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new long[] {rs.getLong(1), Math.min(rs.getInt(2), rs.getInt(3))});
            }
        }
    }

    private List<String> names(long id) throws SQLException {
        List<String> cached = names.get(id);
        if (cached != null) {
            return cached;
        }
        try (PreparedStatement s = connection.prepareStatement("SELECT names FROM statistic_names WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("statistic names " + id + " are missing");
                }
                List<String> list = List.copyOf(parse(rs.getString(1), NAMES));
                names.put(id, list);
                return list;
            }
        }
    }

    private static <T> T parse(String json, TypeReference<T> type) {
        try {
            return HistoryWrites.JSON.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

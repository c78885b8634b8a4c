package org.dysonmonitor.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Keeps the store bounded, in portable SQL; how the database measures and returns space is its
 * dialect's ({@link SqlDialect#bytesInUse}, {@link SqlDialect#reclaim}).
 *
 * <p><b>Retention.</b> Points older than the retention are deleted; so are checkpoints older than it
 * (but the newest of each layer), and runs not written for that long that are not active, with
 * their layers, checkpoints and processed files.
 *
 * <p><b>Size cap.</b> While the database holds more than {@code maxBytes}, the older half of the
 * points (by insertion order) is thinned: of the points there, those whose per-layer sequence number
 * is not a multiple of 2 are deleted, or, when that removes nothing (the older half is already
 * thinned that far), not a multiple of 4, 8, …. Each pass moves the boundary of the older half
 * towards the present, so the store settles into a geometric profile: the newest half of the points
 * at full resolution, the quarter before it at every 2nd point, the eighth before that at every 4th,
 * and so on. Only when the older half cannot be thinned further (one point in 2⁴⁰ left) is it
 * deleted outright. It stops at 80% of the cap, so that it does not run at every commit.
 *
 * <p>Runs on the writer's thread and connection, between two transactions.
 */
final class HistoryMaintenance {

    private static final double LOW_WATER = 0.8;
    private static final int MAX_THINNING_POWER = 40;

    private final Connection connection;
    private final SqlDialect space;
    private final StoreCounters counters;

    HistoryMaintenance(Connection connection, SqlDialect space, StoreCounters counters) {
        this.connection = connection;
        this.space = space;
        this.counters = counters;
    }

    /**
     * Enforces the retention at {@code nowMillis}; returns whether runs were removed (cached ids are
     * then stale).
     */
    boolean retain(long nowMillis, long retentionMillis) throws SQLException {
        long cutoff = nowMillis - retentionMillis;
        long firstKept = firstPointAtOrAfter(cutoff);
        boolean runsRemoved;
        connection.setAutoCommit(false);
        try {
            long deleted = update("DELETE FROM points WHERE id < ?", firstKept);
            counters.pointsThinned.addAndGet(deleted);
            update("DELETE FROM checkpoints WHERE time_ms < ? AND id NOT IN "
                    + "(SELECT MAX(id) FROM checkpoints GROUP BY layer_id)", cutoff);
            String oldRuns = "SELECT id FROM runs WHERE updated_ms < ? AND status <> 'active'";
            update("DELETE FROM processed_files WHERE run_id IN (" + oldRuns + ")", cutoff);
            String oldLayers = "SELECT id FROM layers WHERE run_id IN (" + oldRuns + ")";
            counters.pointsThinned.addAndGet(update("DELETE FROM points WHERE layer_id IN (" + oldLayers + ")", cutoff));
            update("DELETE FROM checkpoints WHERE layer_id IN (" + oldLayers + ")", cutoff);
            update("DELETE FROM layers WHERE run_id IN (" + oldRuns + ")", cutoff);
            runsRemoved = update("DELETE FROM runs WHERE updated_ms < ? AND status <> 'active'", cutoff) > 0;
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
        if (firstKept > 0 || runsRemoved) {
            space.reclaim(connection);
        }
        return runsRemoved;
    }

    /** Thins old points until the database is below 80% of {@code maxBytes}; returns points deleted. */
    long capSize(long maxBytes) throws SQLException {
        long deleted = 0;
        long bytes = space.bytesInUse(connection);
        if (bytes <= maxBytes) {
            return 0;
        }
        while (bytes > LOW_WATER * maxBytes) {
            long count = scalar("SELECT COUNT(*) FROM points");
            if (count < 2) {
                break;
            }
            long middle = scalar("SELECT id FROM points ORDER BY id LIMIT 1 OFFSET " + count / 2);
            long removed = 0;
            for (int power = 1; power <= MAX_THINNING_POWER && removed == 0; power++) {
                removed = update("DELETE FROM points WHERE id < ? AND seq % " + (1L << power) + " <> 0", middle);
            }
            if (removed == 0) {
                removed = update("DELETE FROM points WHERE id < ?", middle);
            }
            deleted += removed;
            space.reclaim(connection);
            bytes = space.bytesInUse(connection);
        }
        counters.pointsThinned.addAndGet(deleted);
        counters.databaseBytes.set(bytes);
        return deleted;
    }

    /**
     * The smallest point id whose time is at or after {@code cutoff}, by bisection on the id:
     * points are inserted in time order by one writer, so time grows with the id, and the search
     * reads O(log n) rows instead of an index on time in every point. (Several writers of one
     * database take ids from one sequence as they insert: time grows with the id up to the
     * writers' commit interval and clock skew, the precision of the cutoff.)
     */
    private long firstPointAtOrAfter(long cutoff) throws SQLException {
        long lo = scalar("SELECT COALESCE(MIN(id), 0) FROM points");
        long hi = scalar("SELECT COALESCE(MAX(id), 0) FROM points") + 1;
        if (lo == 0 || timeAtOrAfter(lo) >= cutoff) {
            return 0;
        }
        // Invariant: the first point at or after lo is older than the cutoff; none at or after hi is.
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            long t = timeAtOrAfter(mid);
            if (t < cutoff) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** The time of the first point with an id ≥ id (Long.MAX_VALUE if none). */
    private long timeAtOrAfter(long id) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT time_ms FROM points WHERE id >= ? ORDER BY id LIMIT 1")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
            }
        }
    }

    private long update(String sql, long parameter) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            int n = sql.length() - sql.replace("?", "").length();
            for (int i = 1; i <= n; i++) {
                s.setLong(i, parameter);
            }
            return s.executeUpdate();
        }
    }

    private long scalar(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}

package org.dysonmonitor.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The store's tables, one DDL for every database with the column types of its {@link SqlDialect}
 * (with SQLite's types it is, character for character, the DDL of the first SQLite stores).
 * Points: one row per report; their blobs are little-endian float64 (numpy {@code "<f8"}).
 */
final class HistorySchema {

    static final int SCHEMA_VERSION = 1;

    private static final String[] TABLES = {
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS runs (id %ID%, name TEXT NOT NULL UNIQUE, "
            + "status TEXT NOT NULL, learning_rate %REAL%, batch_size %INT% NOT NULL, policy TEXT NOT NULL, "
            + "targets TEXT NOT NULL, created_ms %INT% NOT NULL, updated_ms %INT% NOT NULL)",
        "CREATE TABLE IF NOT EXISTS layers (id %ID%, run_id %INT% NOT NULL REFERENCES runs (id), "
            + "name TEXT NOT NULL, n_rows %INT% NOT NULL, n_cols %INT% NOT NULL, "
            + "received %INT% NOT NULL DEFAULT 0, processed %INT% NOT NULL DEFAULT 0, "
            + "dropped %INT% NOT NULL DEFAULT 0, rejected %INT% NOT NULL DEFAULT 0, UNIQUE (run_id, name))",
        "CREATE TABLE IF NOT EXISTS statistic_names (id %ID%, names TEXT NOT NULL UNIQUE)",
        "CREATE TABLE IF NOT EXISTS points (id %ID%, layer_id %INT% NOT NULL, "
            + "seq %INT% NOT NULL, step %INT% NOT NULL, time_ms %INT% NOT NULL, names_id %INT% NOT NULL, "
            + "eigenvalues %BLOB% NOT NULL, statistics %BLOB% NOT NULL)",
        "CREATE INDEX IF NOT EXISTS points_by_layer_step ON points (layer_id, step)",
        "CREATE TABLE IF NOT EXISTS checkpoints (id %ID%, layer_id %INT% NOT NULL, "
            + "step %INT% NOT NULL, time_ms %INT% NOT NULL, state %BLOB% NOT NULL)",
        "CREATE INDEX IF NOT EXISTS checkpoints_by_layer ON checkpoints (layer_id, id)",
        "CREATE TABLE IF NOT EXISTS processed_files (run_id %INT% NOT NULL, path TEXT NOT NULL, "
            + "size %INT% NOT NULL, modified_ms %INT% NOT NULL, processed_ms %INT% NOT NULL, "
            + "PRIMARY KEY (run_id, path, size, modified_ms))",
    };

    /** The tables whose rows the store writes (for a database that measures its size per table). */
    static final String[] TABLE_NAMES = {"meta", "runs", "layers", "statistic_names", "points", "checkpoints",
        "processed_files"};

    private HistorySchema() {
    }

    /**
     * Creates the missing tables and checks the schema version, inside the caller's transaction
     * (so two processes creating them at once see all or nothing of each other's).
     */
    static void create(Statement s, SqlDialect.Types types) throws SQLException {
        for (String ddl : TABLES) {
            s.execute(ddl.replace("%ID%", types.id()).replace("%INT%", types.integer())
                    .replace("%REAL%", types.real()).replace("%BLOB%", types.blob()));
        }
        s.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '" + SCHEMA_VERSION + "') "
                + "ON CONFLICT (key) DO NOTHING");
        try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
            rs.next();
            int version = Integer.parseInt(rs.getString(1));
            if (version != SCHEMA_VERSION) {
                throw new SQLException("the database has schema version " + version + ", this monitor reads "
                        + SCHEMA_VERSION);
            }
        }
    }

    /** A run active in an earlier process is idle until it receives again (one writer per database only). */
    static void idleActiveRuns(Statement s) throws SQLException {
        s.execute("UPDATE runs SET status = 'idle' WHERE status = 'active'");
    }

    /** Runs {@code body} in one transaction on {@code c}, rolled back if it fails. */
    static void inTransaction(Connection c, SqlBody body) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            body.run(s);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Statements on one connection. */
    interface SqlBody {
        void run(Statement s) throws SQLException;
    }
}

package org.dysonmonitor.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SQLite specifics of the store: the connection settings and the tables' DDL.
 *
 * <p>Pragmas: WAL, so the reader never waits for the writer and a crash of the process loses
 * nothing committed; {@code synchronous = NORMAL}, durable against a crash of the process (a
 * power cut may lose the last commits, never corrupt the file); incremental auto-vacuum, so thinned
 * points return their pages to the file system; a journal size limit that truncates the WAL after
 * checkpoints; {@code max_page_count} as the hard size limit (1.25 × the cap), above which a write
 * fails with SQLITE_FULL instead of filling the disk.
 */
final class SqliteSchema {

    static final int SCHEMA_VERSION = 1;

    /** Points: one row per report. Blobs are little-endian float64 (numpy {@code "<f8"}). */
    private static final String[] TABLES = {
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
            + "status TEXT NOT NULL, learning_rate REAL, batch_size INTEGER NOT NULL, policy TEXT NOT NULL, "
            + "targets TEXT NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS layers (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs (id), "
            + "name TEXT NOT NULL, n_rows INTEGER NOT NULL, n_cols INTEGER NOT NULL, "
            + "received INTEGER NOT NULL DEFAULT 0, processed INTEGER NOT NULL DEFAULT 0, "
            + "dropped INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0, UNIQUE (run_id, name))",
        "CREATE TABLE IF NOT EXISTS statistic_names (id INTEGER PRIMARY KEY, names TEXT NOT NULL UNIQUE)",
        "CREATE TABLE IF NOT EXISTS points (id INTEGER PRIMARY KEY, layer_id INTEGER NOT NULL, "
            + "seq INTEGER NOT NULL, step INTEGER NOT NULL, time_ms INTEGER NOT NULL, names_id INTEGER NOT NULL, "
            + "eigenvalues BLOB NOT NULL, statistics BLOB NOT NULL)",
        "CREATE INDEX IF NOT EXISTS points_by_layer_step ON points (layer_id, step)",
        "CREATE TABLE IF NOT EXISTS checkpoints (id INTEGER PRIMARY KEY, layer_id INTEGER NOT NULL, "
            + "step INTEGER NOT NULL, time_ms INTEGER NOT NULL, state BLOB NOT NULL)",
        "CREATE INDEX IF NOT EXISTS checkpoints_by_layer ON checkpoints (layer_id, id)",
        "CREATE TABLE IF NOT EXISTS processed_files (run_id INTEGER NOT NULL, path TEXT NOT NULL, "
            + "size INTEGER NOT NULL, modified_ms INTEGER NOT NULL, processed_ms INTEGER NOT NULL, "
            + "PRIMARY KEY (run_id, path, size, modified_ms))",
    };

    private SqliteSchema() {
    }

    /** Settings of every connection; {@code maxPages} ≤ 0 leaves the page limit alone (readers). */
    static void configure(Connection c, long maxPages) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            s.execute("PRAGMA synchronous = NORMAL");
            s.execute("PRAGMA journal_size_limit = " + (64L << 20));
            if (maxPages > 0) {
                s.execute("PRAGMA max_page_count = " + maxPages);
            }
        }
    }

    /** Creates the tables of a new file (WAL, incremental vacuum) or checks an existing one's version. */
    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            // auto_vacuum takes effect only before the first table exists.
            s.execute("PRAGMA auto_vacuum = INCREMENTAL");
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                if (!rs.next() || !"wal".equalsIgnoreCase(rs.getString(1))) {
                    throw new SQLException("the file system does not support SQLite's write-ahead log");
                }
            }
            c.setAutoCommit(false);
            for (String ddl : TABLES) {
                s.execute(ddl);
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
            // A run active in an earlier process is idle until it receives again.
            s.execute("UPDATE runs SET status = 'idle' WHERE status = 'active'");
            c.commit();
            c.setAutoCommit(true);
        }
    }

    /** Pages in use × page size: what the database holds, whatever the file's free pages. */
    static long bytesInUse(Connection c) throws SQLException {
        return (pragma(c, "page_count") - pragma(c, "freelist_count")) * pragma(c, "page_size");
    }

    static long pageSize(Connection c) throws SQLException {
        return pragma(c, "page_size");
    }

    /** Returns free pages to the file system and truncates the WAL. */
    static void reclaim(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA incremental_vacuum");
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    private static long pragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}

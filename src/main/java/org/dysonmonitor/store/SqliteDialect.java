package org.dysonmonitor.store;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SQLite specifics of the store: the connection settings, the column types of the shared DDL
 * ({@link HistorySchema}) and how its size is measured.
 *
 * <p>Pragmas: WAL, so the reader never waits for the writer and a crash of the process loses
 * nothing committed; {@code synchronous = NORMAL}, durable against a crash of the process (a
 * power cut may lose the last commits, never corrupt the file); incremental auto-vacuum, so thinned
 * points return their pages to the file system; a journal size limit that truncates the WAL after
 * checkpoints; {@code max_page_count} on the writer's connection as the hard size limit
 * (1.25 × the cap), above which a write fails with SQLITE_FULL instead of filling the disk.
 *
 * <p>One process writes the file: maintenance needs no lock, and a run active in an earlier process
 * is marked idle when the file is opened.
 */
final class SqliteDialect implements SqlDialect {

    /** INTEGER PRIMARY KEY is SQLite's rowid; its INTEGER holds 64 bits. */
    static final Types TYPES = new Types("INTEGER PRIMARY KEY", "INTEGER", "REAL", "BLOB");

    private final Path file;
    private final long maxBytes;
    private final double hardLimit;

    /** @param hardLimit the page limit as a multiple of {@code maxBytes} */
    SqliteDialect(Path file, long maxBytes, double hardLimit) {
        this.file = file.toAbsolutePath();
        this.maxBytes = maxBytes;
        this.hardLimit = hardLimit;
    }

    @Override
    public String describe() {
        return "the history database " + file;
    }

    @Override
    public Types types() {
        return TYPES;
    }

    @Override
    public Connection connect(boolean writer) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            s.execute("PRAGMA synchronous = NORMAL");
            s.execute("PRAGMA journal_size_limit = " + (64L << 20));
            if (writer) {
                s.execute("PRAGMA max_page_count = " + maxPages(c));
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** The page limit of the writer's connection: the hard size limit. */
    long maxPages(Connection c) throws SQLException {
        return (long) Math.ceil(hardLimit * maxBytes / pragma(c, "page_size"));
    }

    /** Creates the tables of a new file (WAL, incremental vacuum) or checks an existing one's version. */
    @Override
    public void createSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            // auto_vacuum takes effect only before the first table exists.
            s.execute("PRAGMA auto_vacuum = INCREMENTAL");
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                if (!rs.next() || !"wal".equalsIgnoreCase(rs.getString(1))) {
                    throw new SQLException("the file system does not support SQLite's write-ahead log");
                }
            }
        }
        HistorySchema.inTransaction(c, s -> {
            HistorySchema.create(s, TYPES);
            HistorySchema.idleActiveRuns(s);
        });
    }

    /** Pages in use × page size: what the database holds, whatever the file's free pages. */
    @Override
    public long bytesInUse(Connection c) throws SQLException {
        return (pragma(c, "page_count") - pragma(c, "freelist_count")) * pragma(c, "page_size");
    }

    /** Three pragmas. */
    @Override
    public boolean sizeAtEveryCommit() {
        return true;
    }

    /** Returns free pages to the file system and truncates the WAL. */
    @Override
    public void reclaim(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA incremental_vacuum");
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    @Override
    public boolean lockMaintenance(Connection c) {
        return true;
    }

    @Override
    public void unlockMaintenance(Connection c) {
    }

    @Override
    public boolean isFull(Exception e) {
        return e instanceof SQLiteException s && s.getResultCode() == SQLiteErrorCode.SQLITE_FULL;
    }

    /** One writer per file: nothing to race with (a lock held elsewhere has waited out busy_timeout). */
    @Override
    public boolean isRetryable(Exception e) {
        return false;
    }

    @Override
    public String explain(Exception e) {
        return SqliteErrors.explain(e);
    }

    private static long pragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}

package org.dysonmonitor.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The history store in one SQLite file, {@code DIR/dyson.db}, written by one process (see
 * {@link SqliteDialect} for its settings, {@link SqlHistoryStore} for the queues and threads,
 * {@link HistoryMaintenance} for what is kept how long).
 *
 * <p>A failed transaction is typically a full or read-only disk; on SQLITE_FULL (the hard size
 * limit, 1.25 × the cap, or the file system) it thins at once. Reads run on their own connection:
 * in WAL mode they never wait for the writer.
 */
public final class SqliteHistoryStore extends SqlHistoryStore {

    /** The hard limit, above the cap that maintenance keeps: writes fail rather than grow the file. */
    private static final double HARD_LIMIT = 1.25;

    private SqliteHistoryStore(StoreSettings settings, SqliteDialect dialect, Connection connection)
            throws SQLException {
        super(settings, dialect, connection, "dyson-history");
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
        SqliteDialect dialect = new SqliteDialect(file, settings.maxBytes(), HARD_LIMIT);
        Connection c = null;
        try {
            c = dialect.connect(true);
            dialect.createSchema(c);
            return new SqliteHistoryStore(settings, dialect, c);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new HistoryStoreException("cannot open the history database " + file + ": " + SqliteErrors.explain(e)
                    + " (choose another --data-dir, or run with --no-store)", e);
        }
    }

    private static String reason(IOException e) {
        return e.getClass().getSimpleName().replace("Exception", "") + " " + e.getMessage();
    }
}

package org.dysonmonitor.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The history store in a PostgreSQL database that several monitor nodes share (a cluster), with the
 * semantics of {@link SqliteHistoryStore}: bounded queues, its own writer thread committing a batch
 * per transaction, its own reader thread, the same counters and {@link #flush()}, the same tables and
 * queries ({@link SqlHistoryStore}, {@link HistorySchema}, {@link HistoryReads}).
 *
 * <p><b>Several writers.</b> Every write is an upsert ({@code INSERT ... ON CONFLICT}) or an insert
 * of a new row: two nodes writing the same run never conflict, and a node's transaction commits or
 * fails whole. Two transactions that lock the same runs' rows in opposite orders (two nodes creating
 * the same new runs at once) may deadlock: PostgreSQL aborts one, which runs again.
 *
 * <p><b>What differs from SQLite.</b> A commit is durable when the server acknowledges it: a
 * monitor killed with {@code kill -9} loses only what it had not yet committed (its queues and at
 * most one commit interval), and the server's own {@code synchronous_commit}/{@code fsync} settle the
 * rest. Runs are not marked idle when a node opens the store (other nodes may be writing them).
 * The size cap is an estimate of what the rows hold, checked at maintenance only (no hard limit:
 * see {@link PostgresDialect}); retention and the cap run on one node at a time. A lost connection
 * (the server restarted) fails the transaction in progress, counted as dropped; the writer and the
 * reader then connect again.
 */
public final class PostgresHistoryStore extends SqlHistoryStore {

    private final PostgresSettings database;

    private PostgresHistoryStore(StoreSettings settings, PostgresSettings database, PostgresDialect dialect,
                                 Connection connection) throws SQLException {
        super(settings, dialect, connection, "dyson-history-pg");
        this.database = database;
    }

    /**
     * Connects, creates the tables if they are missing, and starts the writer. {@code settings}'
     * data directory is not used.
     *
     * @throws HistoryStoreException with a message fit for the user: the server cannot be reached,
     *                               refuses the login, has no such database, or the user may not
     *                               create the tables
     */
    public static PostgresHistoryStore open(PostgresSettings database, StoreSettings settings) {
        PostgresDialect dialect = new PostgresDialect(database);
        Connection c = null;
        try {
            c = dialect.connect(true);
            dialect.createSchema(c);
            return new PostgresHistoryStore(settings, database, dialect, c);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new HistoryStoreException("cannot open the history store " + database + ": "
                    + dialect.explain(e), e);
        }
    }

    /** The database, without its password. */
    public PostgresSettings database() {
        return database;
    }
}

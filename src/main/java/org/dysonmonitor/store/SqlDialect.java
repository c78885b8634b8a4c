package org.dysonmonitor.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What differs between the databases behind {@link SqlHistoryStore}; everything else (the DML of
 * {@link HistoryWrites}, the queries of {@link HistoryReads}, the maintenance of
 * {@link HistoryMaintenance}, the tables of {@link HistorySchema}) is one portable SQL for all.
 *
 * <p>Implementations: {@link SqliteDialect}, {@link PostgresDialect}. Called from the store's own
 * threads only.
 */
interface SqlDialect {

    /** The column types of the shared DDL. */
    record Types(String id, String integer, String real, String blob) {
    }

    /** A short name for logs and messages, e.g. {@code the history database /data/dyson.db}. */
    String describe();

    Types types();

    /** A new connection, configured for reading or (with {@code writer}) for the store's writer. */
    Connection connect(boolean writer) throws SQLException;

    /** Creates the tables if they are missing, and checks the schema version; on the writer's connection. */
    void createSchema(Connection c) throws SQLException;

    /** Bytes the store's rows occupy, as the size cap counts them. */
    long bytesInUse(Connection c) throws SQLException;

    /**
     * Whether {@link #bytesInUse} is cheap enough to run after every commit (else only at
     * maintenance, and the cap is checked no more often).
     */
    boolean sizeAtEveryCommit();

    /** Makes the space of deleted rows reusable (or returns it to the file system). */
    void reclaim(Connection c) throws SQLException;

    /**
     * Takes the right to run retention and the size cap, on the writer's connection outside a
     * transaction; false when another writer of the same database holds it now.
     */
    boolean lockMaintenance(Connection c) throws SQLException;

    /** Gives back what {@link #lockMaintenance} took. */
    void unlockMaintenance(Connection c) throws SQLException;

    /** The database is full: thin at once rather than at the next maintenance. */
    boolean isFull(Exception e);

    /** The transaction lost a race with another writer (a deadlock): worth running again as it was. */
    boolean isRetryable(Exception e);

    /** The user's reading of a failed call. */
    String explain(Exception e);
}

package org.dysonmonitor.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The {@link SnapshotLedger} in PostgreSQL, table {@code snapshot_ledger}, keyed (node, run, layer).
 *
 * <p><b>Writes.</b> {@link #add} sums into the pending deltas, one entry per (run, layer). The
 * writer thread takes the whole map as soon as its previous transaction ended and commits it as
 * one transaction of upserts ({@code INSERT ... ON CONFLICT (node, run, layer) DO UPDATE SET
 * received = received + excluded.received, ...}); nodes write only their own rows, so they never
 * conflict. A failed transaction puts its deltas back (nothing counted is lost while the process
 * lives), fails the {@link #committed()} stages that waited for it, and is tried again after a
 * back-off of 0.1 s doubling up to 5 s, on a new connection when the old one is gone.
 *
 * <p><b>Queries</b> ({@link #reconcile}, {@link #totals}) run on one thread of their own with its
 * own connection, behind a bounded queue of 64; a full queue fails the stage. Reconciling is one
 * conditional {@code UPDATE ... WHERE node = ? AND reconciled_by IS NULL RETURNING ...}: under
 * READ COMMITTED a second caller waits for the first's row locks, re-reads the rows, finds them
 * reconciled and returns nothing, so exactly one caller wins each row.
 */
public final class PostgresSnapshotLedger implements SnapshotLedger {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSnapshotLedger.class);
    static final long SCHEMA_LOCK = 0x6479_736f_6e00_0003L;
    private static final long CLOSE_WAIT_MILLIS = 10_000;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private static final String TABLE = "CREATE TABLE IF NOT EXISTS snapshot_ledger (node TEXT NOT NULL, "
            + "run TEXT NOT NULL, layer TEXT NOT NULL, received BIGINT NOT NULL DEFAULT 0, "
            + "processed BIGINT NOT NULL DEFAULT 0, dropped BIGINT NOT NULL DEFAULT 0, "
            + "rejected BIGINT NOT NULL DEFAULT 0, lost BIGINT NOT NULL DEFAULT 0, reconciled_by TEXT, "
            + "reconciled_ms BIGINT, updated_ms BIGINT NOT NULL, PRIMARY KEY (node, run, layer))";
    /** A late count of a reconciled row recomputes its loss, so that its identity stays exact. */
    private static final String UPSERT = "INSERT INTO snapshot_ledger AS l (node, run, layer, received, processed, "
            + "dropped, rejected, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (node, run, layer) DO UPDATE SET "
            + "received = l.received + excluded.received, processed = l.processed + excluded.processed, "
            + "dropped = l.dropped + excluded.dropped, rejected = l.rejected + excluded.rejected, "
            + "lost = CASE WHEN l.reconciled_by IS NULL THEN l.lost ELSE (l.received + excluded.received) "
            + "- (l.processed + excluded.processed) - (l.dropped + excluded.dropped) "
            + "- (l.rejected + excluded.rejected) END, updated_ms = excluded.updated_ms";
    private static final String RECONCILE = "UPDATE snapshot_ledger SET lost = received - processed - dropped "
            + "- rejected, reconciled_by = ?, reconciled_ms = ? WHERE node = ? AND reconciled_by IS NULL "
            + "RETURNING run, layer, received, processed, dropped, rejected, lost";
    private static final String TOTALS = "SELECT run, layer, SUM(received), SUM(processed), SUM(dropped), "
            + "SUM(rejected), SUM(lost) FROM snapshot_ledger %s GROUP BY run, layer ORDER BY run, layer";

    private record Key(String run, String layer) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = run.compareTo(o.run);
            return c != 0 ? c : layer.compareTo(o.layer);
        }
    }

    private record Waiter(long upTo, CompletableFuture<Void> done) {
    }

    private interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    private final PostgresSettings database;
    private final String node;
    private final Object lock = new Object();
    /** Guarded by lock: the deltas not yet taken by the writer, the adds made, those committed. */
    private Map<Key, long[]> pending = new TreeMap<>();
    private long added;
    private long committedUpTo;
    private final List<Waiter> waiters = new ArrayList<>();
    private boolean closing;
    private final Thread writer;
    private final ThreadPoolExecutor queries;
    /** Owned by the writer thread and the query thread respectively. */
    private Connection writerConnection;
    private Connection queryConnection;

    private PostgresSnapshotLedger(PostgresSettings database, String node, Connection connection) {
        this.database = database;
        this.node = node;
        this.writerConnection = connection;
        this.queries = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(64),
                r -> SqlHistoryStore.daemon(r, "dyson-ledger-queries"));
        this.writer = SqlHistoryStore.daemon(this::writeLoop, "dyson-ledger-writer");
        this.writer.start();
    }

    /**
     * Connects, creates the table if it is missing (under an advisory lock: nodes starting together
     * do not race), and starts the writer.
     *
     * @param node this node's unique name, e.g. the Akka node's address with its uid
     * @throws HistoryStoreException with a message fit for the user when the database cannot be used
     */
    public static PostgresSnapshotLedger open(PostgresSettings database, String node) {
        Connection c = null;
        try {
            c = connect(database, "dyson-monitor ledger writer");
            HistorySchema.inTransaction(c, s -> {
                s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
                s.execute(TABLE);
            });
            return new PostgresSnapshotLedger(database, node, c);
        } catch (SQLException e) {
            SqlHistoryStore.closeQuietly(c);
            throw new HistoryStoreException("cannot open the snapshot ledger in " + database + ": "
                    + PostgresErrors.explain(e, database), e);
        }
    }

    public String node() {
        return node;
    }

    @Override
    public void add(String run, String layer, long received, long processed, long dropped, long rejected) {
        synchronized (lock) {
            long[] d = pending.computeIfAbsent(new Key(run, layer), k -> new long[4]);
            d[0] += received;
            d[1] += processed;
            d[2] += dropped;
            d[3] += rejected;
            added++;
            lock.notifyAll();
        }
    }

    @Override
    public CompletionStage<Void> committed() {
        synchronized (lock) {
            if (committedUpTo >= added) {
                return CompletableFuture.completedFuture(null);
            }
            if (closing && !writer.isAlive()) {
                return CompletableFuture.failedFuture(new HistoryStoreException("the snapshot ledger is closed"));
            }
            Waiter w = new Waiter(added, new CompletableFuture<>());
            waiters.add(w);
            return w.done();
        }
    }

    @Override
    public CompletionStage<List<LedgerRow>> reconcile(String deadNode, String byNode) {
        return query(c -> {
            for (int attempt = 1; ; attempt++) {
                try (PreparedStatement s = c.prepareStatement(RECONCILE)) {
                    s.setString(1, byNode);
                    s.setLong(2, System.currentTimeMillis());
                    s.setString(3, deadNode);
                    try (ResultSet rs = s.executeQuery()) {
                        return rows(rs);
                    }
                } catch (SQLException e) {
                    // Two reconcilers locking the rows in different orders: PostgreSQL aborts one; it runs again.
                    if (attempt >= 3 || !"40P01".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        });
    }

    @Override
    public CompletionStage<List<LedgerRow>> totals(String run) {
        return query(c -> {
            try (PreparedStatement s = c.prepareStatement(String.format(TOTALS, run == null ? "" : "WHERE run = ?"))) {
                if (run != null) {
                    s.setString(1, run);
                }
                try (ResultSet rs = s.executeQuery()) {
                    return rows(rs);
                }
            }
        });
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            lock.notifyAll();
        }
        try {
            writer.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            failWaiters(Long.MAX_VALUE, new HistoryStoreException("the snapshot ledger closed before the commit"));
            if (!pending.isEmpty()) {
                LOG.warn("snapshot ledger: closed with the counts of {} layers not committed", pending.size());
            }
        }
        try {
            queries.execute(() -> SqlHistoryStore.closeQuietly(queryConnection));
        } catch (RejectedExecutionException e) {
            LOG.warn("snapshot ledger: too many queries waiting to close the query connection after them");
        }
        queries.shutdown();
        try {
            queries.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeLoop() {
        long backoff = 0;
        while (true) {
            Map<Key, long[]> batch;
            long upTo;
            boolean last;
            synchronized (lock) {
                while (pending.isEmpty() && !closing) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (pending.isEmpty()) {
                    break;
                }
                batch = pending;
                pending = new TreeMap<>();
                upTo = added;
                last = closing;
            }
            try {
                commit(batch);
                backoff = 0;
                synchronized (lock) {
                    committedUpTo = upTo;
                    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                        Waiter w = it.next();
                        if (w.upTo() <= upTo) {
                            it.remove();
                            w.done().complete(null);
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                String reason = PostgresErrors.explain(e, database);
                LOG.warn("snapshot ledger: a commit of {} layers' counts failed, kept for the next: {}", batch.size(), reason);
                synchronized (lock) {
                    batch.forEach((k, d) -> {
                        long[] p = pending.computeIfAbsent(k, x -> new long[4]);
                        for (int i = 0; i < 4; i++) {
                            p[i] += d[i];
                        }
                    });
                    failWaiters(upTo, new HistoryStoreException("the snapshot ledger cannot commit: " + reason, e));
                }
                SqlHistoryStore.closeQuietly(writerConnection);
                writerConnection = null;
                if (last) {
                    break;
                }
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff == 0 ? 100 : 2 * backoff);
                sleep(backoff);
            }
        }
        SqlHistoryStore.closeQuietly(writerConnection);
    }

    private void commit(Map<Key, long[]> batch) throws SQLException {
        if (writerConnection == null) {
            writerConnection = connect(database, "dyson-monitor ledger writer");
        }
        Connection c = writerConnection;
        long now = System.currentTimeMillis();
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement(UPSERT)) {
            for (Map.Entry<Key, long[]> e : batch.entrySet()) {
                long[] d = e.getValue();
                s.setString(1, node);
                s.setString(2, e.getKey().run());
                s.setString(3, e.getKey().layer());
                for (int i = 0; i < 4; i++) {
                    s.setLong(4 + i, d[i]);
                }
                s.setLong(8, now);
                s.addBatch();
            }
            HistoryWrites.executeBatch(s);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // The connection is closed next: nothing of the transaction remains.
                LOG.debug("snapshot ledger: rollback: {}", ignored.getMessage());
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException e) {
                LOG.debug("snapshot ledger: leaving the transaction: {}", e.getMessage());
            }
        }
    }

    /** Guarded by lock. */
    private void failWaiters(long upTo, Exception cause) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.upTo() <= upTo) {
                it.remove();
                w.done().completeExceptionally(cause);
            }
        }
    }

    private <T> CompletionStage<T> query(Query<T> q) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            queries.execute(() -> {
                try {
                    if (queryConnection == null) {
                        queryConnection = connect(database, "dyson-monitor ledger queries");
                    }
                    result.complete(q.run(queryConnection));
                } catch (SQLException | RuntimeException e) {
                    result.completeExceptionally(new HistoryStoreException("snapshot ledger query failed: "
                            + PostgresErrors.explain(e, database), e));
                    dropQueryConnectionIfInvalid();
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new HistoryStoreException(queries.isShutdown()
                    ? "the snapshot ledger is closed" : "the snapshot ledger is busy: too many queries waiting", e));
        }
        return result;
    }

    private void dropQueryConnectionIfInvalid() {
        try {
            if (queryConnection == null || queryConnection.isValid(2)) {
                return;
            }
        } catch (SQLException e) {
            LOG.debug("snapshot ledger: checking the connection: {}", e.getMessage());
        }
        SqlHistoryStore.closeQuietly(queryConnection);
        queryConnection = null;
    }

    private static List<LedgerRow> rows(ResultSet rs) throws SQLException {
        List<LedgerRow> out = new ArrayList<>();
        while (rs.next()) {
            out.add(new LedgerRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                    rs.getLong(6), rs.getLong(7)));
        }
        return out;
    }

    private static Connection connect(PostgresSettings database, String name) throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), database.properties(name));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

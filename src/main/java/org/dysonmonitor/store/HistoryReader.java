package org.dysonmonitor.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of {@link SqlHistoryStore}: one reader thread of its own with its own connection
 * (SQLite's WAL and PostgreSQL's MVCC: readers do not wait for the writer), behind a bounded queue
 * of 64 requests; a full queue fails the stage. The connection is opened on the reader thread at
 * its first query, closed on it too, and opened again after a failed query left it invalid.
 */
final class HistoryReader {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryReader.class);

    /** One query against the reader's connection. */
    interface Query<T> {
        T run(HistoryReads reads) throws SQLException;
    }

    private final SqlDialect dialect;
    private final int maxEigenvalues;
    private final BooleanSupplier closing;
    private final ThreadPoolExecutor reader;
    /** Touched on the reader thread only. */
    private Connection readerConnection;
    private HistoryReads reads;

    /** @param closing whether the store is closing (a rejected read then says "closed", not "busy") */
    HistoryReader(SqlDialect dialect, int maxEigenvalues, BooleanSupplier closing, String threadName) {
        this.dialect = dialect;
        this.maxEigenvalues = maxEigenvalues;
        this.closing = closing;
        this.reader = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(64),
                r -> SqlHistoryStore.daemon(r, threadName));
    }

    /** Runs {@code query} on the reader thread; a failed query or a full queue fails the stage. */
    <T> CompletionStage<T> read(Query<T> query) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            reader.execute(() -> {
                try {
                    result.complete(query.run(reads()));
                } catch (SQLException | RuntimeException e) {
                    result.completeExceptionally(new HistoryStoreException("history store read failed: "
                            + dialect.explain(e), e));
                    dropIfInvalid();
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new HistoryStoreException(closing.getAsBoolean()
                    ? "the history store is closed"
                    : "the history store is busy: too many reads waiting", e));
        }
        return result;
    }

    /** Closes the reader's connection on the reader thread, after the reads queued before. */
    void closeConnection() {
        try {
            reader.execute(() -> SqlHistoryStore.closeQuietly(readerConnection));
        } catch (RejectedExecutionException e) {
            LOG.warn("history store: the reader stopped before its connection could be closed");
        }
    }

    /** Stops taking reads and waits up to {@code waitMillis} for the queued ones. */
    void shutdown(long waitMillis) {
        reader.shutdown();
        try {
            reader.awaitTermination(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The reader's connection, opened on the reader thread at its first query. */
    private HistoryReads reads() throws SQLException {
        if (reads == null) {
            readerConnection = dialect.connect(false);
            reads = new HistoryReads(readerConnection, maxEigenvalues);
        }
        return reads;
    }

    /** After a failed query: a connection the database closed is let go, the next query opens another. */
    private void dropIfInvalid() {
        try {
            if (readerConnection == null || readerConnection.isValid(2)) {
                return;
            }
        } catch (SQLException e) {
            LOG.debug("history store: checking the reader's connection: {}", e.getMessage());
        }
        SqlHistoryStore.closeQuietly(readerConnection);
        readerConnection = null;
        reads = null;
    }
}

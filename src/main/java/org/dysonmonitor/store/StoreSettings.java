package org.dysonmonitor.store;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the history store.
 *
 * @param dataDirectory       the directory of {@code dyson.db}
 * @param retention           points older than this are deleted, and runs not written for as long
 * @param maxBytes            the database is kept below this by thinning old points (hard limit 1.25×)
 * @param pointQueue          history points waiting for the writer before new ones are dropped
 * @param controlQueue        other writes (runs, layers, checkpoints, files) waiting, likewise
 * @param commitInterval      the writer commits at most this often: the loss bound of a crash
 * @param maintenanceInterval how often retention and the size cap are enforced
 * @param maxEigenvalues      eigenvalues kept per point; above, an evenly spaced subset
 */
public record StoreSettings(Path dataDirectory, Duration retention, long maxBytes, int pointQueue, int controlQueue,
                            Duration commitInterval, Duration maintenanceInterval, int maxEigenvalues) {

    public static final String DATABASE_FILE = "dyson.db";
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    public static final long DEFAULT_MAX_BYTES = 2L << 30;

    public StoreSettings {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("history retention must be positive, got " + retention);
        }
        if (maxBytes < (1L << 20)) {
            throw new IllegalArgumentException("max database size must be at least 1 MiB, got " + maxBytes + " bytes");
        }
        if (pointQueue < 1 || controlQueue < 1 || maxEigenvalues < 2) {
            throw new IllegalArgumentException("queues must hold at least 1 write and points at least 2 eigenvalues");
        }
        if (commitInterval.isNegative() || maintenanceInterval.isNegative() || maintenanceInterval.isZero()) {
            throw new IllegalArgumentException("commit and maintenance intervals must be positive");
        }
    }

    /**
     * Defaults: 30 days, 2 GiB, 16 384 points queued (a few seconds of the fastest ingest), 1 024
     * other writes, a commit every 250 ms, maintenance every minute, 1 024 eigenvalues per point.
     */
    public static StoreSettings defaults(Path dataDirectory) {
        return new StoreSettings(dataDirectory, DEFAULT_RETENTION, DEFAULT_MAX_BYTES, 16_384, 1_024,
                Duration.ofMillis(250), Duration.ofMinutes(1), 1024);
    }

    public StoreSettings withRetention(Duration value) {
        return new StoreSettings(dataDirectory, value, maxBytes, pointQueue, controlQueue, commitInterval,
                maintenanceInterval, maxEigenvalues);
    }

    public StoreSettings withMaxBytes(long value) {
        return new StoreSettings(dataDirectory, retention, value, pointQueue, controlQueue, commitInterval,
                maintenanceInterval, maxEigenvalues);
    }

    public StoreSettings withQueues(int points, int control) {
        return new StoreSettings(dataDirectory, retention, maxBytes, points, control, commitInterval,
                maintenanceInterval, maxEigenvalues);
    }

    public StoreSettings withMaintenanceInterval(Duration value) {
        return new StoreSettings(dataDirectory, retention, maxBytes, pointQueue, controlQueue, commitInterval,
                value, maxEigenvalues);
    }

    public Path databaseFile() {
        return dataDirectory.resolve(DATABASE_FILE);
    }
}

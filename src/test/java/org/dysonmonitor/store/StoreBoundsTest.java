package org.dysonmonitor.store;

import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.RunningMoments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store stays bounded: retention, the size cap with its thinning, and a full database. */
class StoreBoundsTest {

    private static final long NOW = System.currentTimeMillis();
    private static final long DAY = Duration.ofDays(1).toMillis();

    @TempDir
    Path dir;

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void pointsAndRunsOlderThanTheRetentionGo() throws Exception {
        StoreSettings settings = StoreSettings.defaults(dir).withRetention(Duration.ofDays(30));
        Reports live = new Reports("live", "W", 1);
        Reports old = new Reports("old", "W", 2);
        try (SqliteHistoryStore store = SqliteHistoryStore.open(settings)) {
            // 40 … 21 days ago, one point a day, in time order, for a run that goes on and one that finished.
            for (int d = 40; d > 20; d--) {
                store.offer(live.next(), NOW - d * DAY);
                store.offer(old.next(), NOW - d * DAY);
            }
            store.offerRun(new StoredRun("old", StoredRun.FINISHED, 0.1, 16, "latest", Map.of(),
                    NOW - 40 * DAY, NOW - 21 * DAY, List.of()));
            store.offer(live.next(), NOW);
            await(store.flush());
        }
        // Maintenance runs when a store opens (and then every minute).
        try (SqliteHistoryStore store = SqliteHistoryStore.open(settings)) {
            await(store.flush());
            List<Long> steps = await(store.history("live", "W", 0, Long.MAX_VALUE, 100)).stream()
                    .map(HistoryPoint::step).toList();
            // Days 40 … 31 ago were steps 0 … 9: gone; days 30 … 21 (the 30th is just past the cutoff) remain.
            assertEquals(List.of(11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L), steps);
            List<StoredRun> runs = await(store.runs());
            assertEquals(List.of("live", "old"), runs.stream().map(StoredRun::run).toList(),
                    "a finished run last written 21 days ago is within the retention of 30 days");
        }
        try (SqliteHistoryStore store = SqliteHistoryStore.open(settings.withRetention(Duration.ofDays(20)))) {
            await(store.flush());
            assertEquals(List.of(20L), await(store.history("live", "W", 0, Long.MAX_VALUE, 100)).stream()
                    .map(HistoryPoint::step).toList());
            assertEquals(List.of("live"), await(store.runs()).stream().map(StoredRun::run).toList(),
                    "the finished run, last written 21 days ago, goes; the idle one written now stays");
        }
    }

    @Test
    void theSizeCapThinsOldPointsAndKeepsRecentOnes() throws Exception {
        long cap = 1L << 20;
        StoreSettings settings = StoreSettings.defaults(dir).withMaxBytes(cap);
        Reports reports = new Reports("r", "W", 3);
        int total = 6_000;
        try (SqliteHistoryStore store = SqliteHistoryStore.open(settings)) {
            for (int i = 0; i < total; i++) {
                store.offer(reports.next(), NOW + i);
                if (i % 300 == 299) {
                    // A transaction of 300 points (~0.2 MB) stays below the hard limit of 1.25 MB.
                    await(store.flush());
                    assertTrue(store.counters().databaseBytes() <= cap,
                            store.counters().databaseBytes() + " bytes after " + (i + 1) + " points");
                }
            }
            await(store.flush());
            assertEquals(0, store.counters().writeErrors());
            assertEquals(0, store.counters().dropped());
            List<Long> steps = await(store.history("r", "W", 0, Long.MAX_VALUE, total)).stream()
                    .map(HistoryPoint::step).toList();
            assertTrue(steps.size() < total / 4, steps.size() + " points kept of " + total);
            assertEquals(total - 1, steps.get(steps.size() - 1));
            // The newest points are all there: at least the last 20% of what the cap holds.
            int recent = steps.size() / 5;
            for (int k = 1; k <= recent; k++) {
                assertEquals(total - k, steps.get(steps.size() - k), "recent point " + k + " from the end");
            }
            // Older points are thinned geometrically: the older half of what is kept is at least
            // twice as sparse as the newer half, the very oldest at least 4 times.
            int half = steps.size() / 2;
            double olderSpacing = (double) (steps.get(half) - steps.get(0)) / half;
            double newerSpacing = (double) (steps.get(steps.size() - 1) - steps.get(half)) / (steps.size() - 1 - half);
            assertTrue(olderSpacing >= 2 * newerSpacing, "spacing older " + olderSpacing + ", newer " + newerSpacing);
            assertTrue(steps.get(1) - steps.get(0) >= 4, "oldest gap " + (steps.get(1) - steps.get(0)));
            assertTrue(Files.size(settings.databaseFile()) <= 1.25 * cap + 64 * 1024,
                    "file " + Files.size(settings.databaseFile()));
        }
    }

    /**
     * A full disk, honestly: SQLite's max_page_count (the store's hard limit, 1.25 × the cap) makes
     * a write fail with SQLITE_FULL exactly as a full file system does. A single checkpoint larger
     * than the limit cannot be written: it is counted as dropped with a failed transaction, and the
     * store carries on with what fits.
     */
    @Test
    void aFullDatabaseIsACountedDegradationNotACrash() throws Exception {
        StoreSettings settings = StoreSettings.defaults(dir).withMaxBytes(1L << 20);
        // A layer of 2048 modes whose window ring holds 100 spectra of random doubles, 8 bytes each
        // in the checkpoint: 1.6 MB.
        LayerStatistics.State empty = new LayerStatistics("r", "big", 2048, 2048, null,
                LayerStatistics.Config.defaults()).state();
        java.util.SplittableRandom rng = new java.util.SplittableRandom(4);
        double[] ring = new double[100 * 2048];
        for (int i = 0; i < ring.length; i++) {
            ring[i] = rng.nextDouble();
        }
        RunningMoments.State m = empty.moments();
        LayerStatistics.State state = new LayerStatistics.State(empty.run(), empty.layer(), empty.rows(), empty.cols(),
                empty.config(), empty.target(), new RunningMoments.State(m.modes(), m.window(), m.reference(),
                m.mean(), m.m2(), ring, 100, 0), empty.stationarity(), empty.pairs(), 100, empty.histogram(),
                empty.histogramAt(), empty.pairsLearningRate(), empty.pairsBatchSize());
        assertTrue(CheckpointEncoding.encode(state).length > 1.25 * (1 << 20), "the checkpoint must exceed the limit");
        Reports small = new Reports("r", "W", 5);
        try (SqliteHistoryStore store = SqliteHistoryStore.open(settings)) {
            assertTrue(store.offerCheckpoint("r", "big", 99, state), "offering never fails for the disk");
            await(store.flush());
            assertEquals(1, store.counters().writeErrors());
            assertEquals(1, store.counters().dropped());
            assertFalse(await(store.latestCheckpoint("r", "big")).isPresent());
            for (int i = 0; i < 10; i++) {
                store.offer(small.next(), NOW + i);
            }
            await(store.flush());
            assertEquals(10, await(store.history("r", "W", 0, Long.MAX_VALUE, 100)).size());
            assertEquals(1, store.counters().writeErrors(), "the store goes on writing what fits");
        }
    }
}

package org.dysonmonitor.store;

import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.PairReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link HistoryStore} does, run against each implementation on a real database: the
 * SQLite store on a file in a temporary directory, the PostgreSQL store on a server of its own.
 * Each test starts from an empty database.
 */
abstract class HistoryStoreContract {

    /** The default settings of a new, empty database of this implementation. */
    protected abstract StoreSettings settings() throws Exception;

    /** Opens (again) the store of {@code settings}' database. */
    protected abstract HistoryStore open(StoreSettings settings);

    /** Rows of a table, read on a connection of the test's own. */
    protected abstract long rows(String table) throws Exception;

    /** Holds the lock the store's writer needs, until closed: a disk (or a server) that does not answer. */
    protected abstract AutoCloseable blockWriter(StoreSettings settings) throws Exception;

    /** The status of a run that was active when the store was closed, once it is opened again. */
    protected abstract String statusAfterReopen();

    private HistoryStore open() throws Exception {
        return open(settings());
    }

    /** Points are stamped now: the default 30-day retention would remove points of 1970. */
    private static final long NOW = System.currentTimeMillis();

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void everyReportComesBackWithItsEigenvaluesAndStatistics() throws Exception {
        Reports reports = new Reports("r", "W", 1);
        List<LayerReport> sent = new ArrayList<>();
        try (HistoryStore store = open()) {
            for (int i = 0; i < 300; i++) {
                LayerReport r = reports.next();
                sent.add(r);
                assertTrue(store.offer(r, NOW + i));
            }
            await(store.flush());
            List<HistoryPoint> points = await(store.history("r", "W", 0, Long.MAX_VALUE, 1000));
            assertEquals(300, points.size());
            for (int i = 0; i < sent.size(); i++) {
                LayerReport r = sent.get(i);
                HistoryPoint p = points.get(i);
                assertEquals(r.step(), p.step());
                assertEquals(NOW + i, p.timestampMillis());
                assertArrayEquals(r.eigenvalues(), p.eigenvalues(), 0.0);
                assertEquals(r.spacingRatioMean(), (double) p.statistics().get("spacing_ratio_mean"), 0.0);
                assertEquals(r.stationary(), p.statistics().get("stationary"));
                assertEquals(r.snapshots(), p.statistics().get("snapshots"));
                assertEquals((long) r.mpSpikes(), p.statistics().get("mp_spikes"));
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> pairs = (List<Map<String, Object>>) p.statistics().get("pairs");
                assertEquals(r.pairs().size(), pairs.size());
                for (int k = 0; k < pairs.size(); k++) {
                    PairReport pair = r.pairs().get(k);
                    Map<String, Object> stored = pairs.get(k);
                    assertEquals(pair.pair(), stored.get("pair"));
                    assertEquals(pair.sigmaSquared(), (double) stored.get("sigma_squared"), 0.0);
                    assertEquals(pair.binderCumulantError(), (double) stored.get("binder_cumulant_error"), 0.0);
                    assertEquals(pair.samples(), stored.get("samples"));
                }
            }
            assertEquals(4, sent.get(299).pairs().size(), "the RBM target has four pairs");
            assertTrue(sent.get(299).stationary(), "reports must include stationary ones with pooled pairs");
            assertEquals(300, store.counters().pointsWritten());
            assertEquals(0, store.counters().dropped());
        }
    }

    @Test
    void aBurstIsWrittenInAFewTransactions() throws Exception {
        Reports reports = new Reports("r", "W", 2);
        try (HistoryStore store = open()) {
            for (int i = 0; i < 5000; i++) {
                store.offer(reports.next(), NOW + i);
            }
            await(store.flush());
            assertEquals(5000, store.counters().pointsWritten());
            // Writes come in one by one while the writer commits; whatever is queued at each commit
            // (up to 4096) goes into one transaction, so 5000 points take far fewer than 5000.
            assertTrue(store.counters().transactions() < 100,
                    store.counters().transactions() + " transactions for 5000 points");
        }
    }

    /**
     * Another connection holds the database's write lock (a disk that does not answer): offers
     * still return at once, the queue fills, further points are dropped and counted. When the lock
     * goes, what was queued is written.
     */
    @Test
    void aStuckDiskDropsPointsAndNeverBlocksTheCaller() throws Exception {
        Reports reports = new Reports("r", "W", 3);
        StoreSettings settings = settings().withQueues(50, 10);
        try (HistoryStore store = open(settings)) {
            store.offer(reports.next(), NOW + 0);
            await(store.flush());
            int accepted = 0;
            try (AutoCloseable blocker = blockWriter(settings)) {
                for (int i = 1; i <= 1000; i++) {
                    accepted += store.offer(reports.next(), NOW + i) ? 1 : 0;
                }
                // All 1000 offers returned while the database was locked: none waited for the disk.
                assertTrue(accepted <= 50 + 4096, "accepted " + accepted);
                assertTrue(store.counters().dropped() >= 1000 - accepted);
            }
            await(store.flush());
            StoreCounters c = store.counters();
            assertEquals(1001, c.pointsWritten() + c.dropped(), "every point is written or counted as dropped");
            assertTrue(c.dropped() > 0, "a queue of 50 cannot take 1000 points of a stuck disk");
            List<HistoryPoint> points = await(store.history("r", "W", 0, Long.MAX_VALUE, 5000));
            assertEquals(c.pointsWritten(), points.size());
        }
    }

    @Test
    void historyIsThinnedEvenlyInTheDatabase() throws Exception {
        Reports reports = new Reports("r", "W", 4);
        try (HistoryStore store = open()) {
            for (int i = 0; i < 1000; i++) {
                store.offer(reports.next(), NOW + i);
            }
            await(store.flush());
            List<HistoryPoint> hundred = await(store.history("r", "W", 0, 999, 100));
            assertEquals(100, hundred.size());
            for (int i = 0; i < 100; i++) {
                assertEquals(10L * i, hundred.get(i).step());
            }
            // 100 points in [100, 199], at most 7: every 15th (7 of them), no room for the newest.
            assertEquals(List.of(100L, 115L, 130L, 145L, 160L, 175L, 190L),
                    await(store.history("r", "W", 100, 199, 7)).stream().map(HistoryPoint::step).toList());
            // At most 30: every 4th (25 points) and the newest, 199.
            List<Long> thirty = await(store.history("r", "W", 100, 199, 30)).stream().map(HistoryPoint::step).toList();
            assertEquals(26, thirty.size());
            assertEquals(196L, thirty.get(24));
            assertEquals(199L, thirty.get(25));
            assertEquals(List.of(), await(store.history("r", "nope", 0, 999, 10)));
            assertEquals(List.of(), await(store.history("r", "W", 2000, 3000, 10)));
        }
    }

    @Test
    void aLargeLayerKeepsAnEvenlySpacedSubsetOfItsEigenvalues() throws Exception {
        int n = 1500;
        Reports reports = new Reports("r", "big", n, null, 5);
        LayerReport r = reports.next();
        try (HistoryStore store = open()) {
            store.offer(r, NOW + 0);
            await(store.flush());
            HistoryPoint p = await(store.history("r", "big", 0, 0, 10)).get(0);
            int[] modes = p.modes();
            assertEquals(1024, modes.length);
            assertEquals(0, modes[0]);
            assertEquals(n - 1, modes[1023]);
            for (int i = 0; i < modes.length; i++) {
                assertEquals(r.eigenvalue(modes[i]), p.eigenvalues()[i], 0.0);
                if (i > 0) {
                    int gap = modes[i] - modes[i - 1];
                    assertTrue(gap == 1 || gap == 2, "modes evenly spaced: gap " + gap + " at " + i);
                }
            }
        }
    }

    @Test
    void runsLayersCheckpointsAndFilesSurviveAReopen() throws Exception {
        Reports reports = new Reports("r", "W", 6);
        for (int i = 0; i < 250; i++) {
            reports.next();
        }
        LayerStatistics.State state = reports.statistics().state();
        FileIdentity file = new FileIdentity("/ckpt/step-100.safetensors", 12345, 1_700_000_000_000L);
        StoreSettings settings = settings();
        try (HistoryStore store = open(settings)) {
            store.offerRun(new StoredRun("r", StoredRun.ACTIVE, 0.1, 16, "all",
                    Map.of("W", Reports.RBM_TARGET), NOW, NOW, List.of()));
            store.offerRun(new StoredRun("done", StoredRun.FINISHED, Double.NaN, 0, "latest", Map.of(), NOW, NOW,
                    List.of()));
            store.offerLayer("r", new StoredLayer("W", 10, 10, 300, 250, 40, 10));
            store.offer(reports.next(), NOW + 40);
            store.offerCheckpoint("r", "W", 249, state);
            store.offerProcessedFile("r", file);
            await(store.flush());
            assertEquals(StoredRun.ACTIVE, await(store.runs()).stream().filter(x -> x.run().equals("r"))
                    .findFirst().orElseThrow().status());
        }
        try (HistoryStore store = open(settings)) {
            List<StoredRun> runs = await(store.runs());
            assertEquals(List.of("done", "r"), runs.stream().map(StoredRun::run).toList());
            StoredRun done = runs.get(0);
            StoredRun r = runs.get(1);
            assertEquals(StoredRun.FINISHED, done.status());
            assertTrue(Double.isNaN(done.learningRate()));
            assertEquals(statusAfterReopen(), r.status(), "an active run of an earlier process");
            assertEquals(0.1, r.learningRate());
            assertEquals(16, r.batchSize());
            assertEquals("all", r.policy());
            assertArrayEquals(Reports.RBM_TARGET, r.target("W"), 0.0);
            assertEquals(List.of(new StoredLayer("W", 10, 10, 300, 250, 40, 10)), r.layers());

            Optional<HistoryStore.Checkpoint> checkpoint = await(store.latestCheckpoint("r", "W"));
            assertTrue(checkpoint.isPresent());
            assertEquals(249, checkpoint.get().step());
            assertEquals(HistoryWrites.json(state), HistoryWrites.json(checkpoint.get().state()));
            assertFalse(await(store.latestCheckpoint("r", "other")).isPresent());
            assertEquals(Set.of(file), await(store.processedFiles("r")));
            assertEquals(Set.of(), await(store.processedFiles("done")));

            store.offer(reports.next(), NOW + 50);
            await(store.flush());
            assertEquals(StoredRun.ACTIVE, await(store.runs()).get(1).status(), "a new point makes it active again");
            assertEquals(2, await(store.history("r", "W", 0, Long.MAX_VALUE, 10)).size());
        }
    }

    @Test
    void onlyTheNewestCheckpointsOfALayerAreKept() throws Exception {
        Reports reports = new Reports("r", "W", 7);
        StoreSettings settings = settings();
        try (HistoryStore store = open(settings)) {
            for (int i = 0; i < 5; i++) {
                reports.next();
                store.offerCheckpoint("r", "W", i, reports.statistics().state());
            }
            await(store.flush());
            assertEquals(4, await(store.latestCheckpoint("r", "W")).orElseThrow().step());
        }
        assertEquals(HistoryWrites.CHECKPOINTS_KEPT, rows("checkpoints"));
    }

    /**
     * The store charges each checkpoint's encoding to its layer: one layer checkpointing alone waits c/0.02 s
     * after a checkpoint of c seconds of CPU (c > 0: encoding takes time), another layer nothing yet.
     */
    @Test
    void aCheckpointMakesItsLayerWaitInProportionToItsCostOrItsBytes() throws Exception {
        Reports reports = new Reports("r", "W", 9);
        try (HistoryStore store = open()) {
            assertEquals(0, store.checkpointWait("r", "W"));
            for (int i = 0; i < 60; i++) {
                reports.next();
            }
            LayerStatistics.State state = reports.statistics().state();
            store.offerCheckpoint("r", "W", 60, state);
            await(store.flush());
            double wait = store.checkpointWait("r", "W");
            // The only layer checkpointing (N = 1): it waits its cost over the share, at least its bytes at the rate.
            double bytesWait = CheckpointEncoding.encode(state).length / SqlHistoryStore.CHECKPOINT_BYTES_PER_SECOND;
            assertTrue(wait >= bytesWait * (1 - 1e-9), "at least " + bytesWait + " s for the bytes: " + wait);
            assertTrue(wait < 1 / SqlHistoryStore.CHECKPOINT_CPU_SHARE, "under a second of work: " + wait);
            assertEquals(0, store.checkpointWait("r", "V"), "a layer that never checkpointed");
            assertEquals(0, store.checkpointWait("s", "W"), "the same layer name in another run");
        }
    }

    @Test
    void offersAfterCloseAreDroppedAndCounted() throws Exception {
        HistoryStore store = open();
        store.close();
        assertFalse(store.offer(new Reports("r", "W", 8).next(), NOW));
        assertEquals(1, store.counters().dropped());
    }
}

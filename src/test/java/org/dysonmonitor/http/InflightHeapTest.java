package org.dysonmonitor.http;

import com.sun.management.GarbageCollectionNotificationInfo;
import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.ingest.WeightMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heap under a flood of large bodies against a small {@code --max-inflight-bytes}: 24 clients at
 * once, each posting 1024×1024 float32 bodies (4 MiB, 8 MiB reserved at their peak), to one layer,
 * against a 16 MiB budget. Every 20 ms a sampler collects the garbage and reads what the collection
 * left, the live set: it must stay within the budget of the heap measured before the flood, plus a
 * stated overhead. Without the budget the 24 concurrent bodies would hold 24 × 8 MiB = 192 MiB.
 */
class InflightHeapTest {

    private static final int SIDE = 1024;
    private static final long BUDGET = 16L << 20;
    private static final int CLIENTS = 24;
    private static final int ROUNDS = 3;
    /**
     * What may be live beyond the budget: the socket data Akka HTTP has read for connections whose
     * body is not yet admitted or is being discarded (24 connections, each holding at most a few
     * 64 KiB reads before it backpressures: under 8 MiB), the layer's statistics growing with its
     * ≤ 72 processed snapshots (1024 eigenvalues × 8 bytes × a few accumulators each: under 4 MiB),
     * and the 24 client threads and sockets on the test side (their one body array is shared and
     * already in the baseline): 16 MiB in all. The layer's solver workspace and its first
     * report are already in the baseline, measured after one snapshot was processed.
     */
    private static final long OVERHEAD = 16L << 20;
    private static LiveMonitor live;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        live = LiveMonitor.start("heap", Map.of("dyson.max-inflight-bytes", BUDGET));
        api = live.serve(32L << 20);
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    @Test
    void theLiveHeapStaysWithinTheBudgetPlusItsOverheadDuringAFlood() throws Exception {
        assertEquals(200, api.put("/api/v1/runs/heap", "{\"policy\": \"latest\"}").status());
        byte[] big = NpyEncoder.encode(random(SIDE, SIDE, 11), true, false, ByteOrder.LITTLE_ENDIAN);
        // Warm the layer up (actor, solver workspace, first report), then measure the baseline.
        assertEquals(202, api.snapshot("heap", "W", "step=0", big).status());
        Eventually.until("the first snapshot processed", () -> api.scrape()
                .sum("dyson_snapshots_processed_total", Map.of("run", "heap")), n -> n == 1);
        long baseline = liveHeap();

        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong peak = new AtomicLong();
        AtomicInteger samples = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
        Future<?> sampler = pool.submit(() -> {
            while (flooding.get()) {
                peak.accumulateAndGet(liveHeap(), Math::max);
                samples.incrementAndGet();
                pause(20);
            }
        });
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Integer>>> floods = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            floods.add(pool.submit(() -> {
                go.await();
                List<Integer> statuses = new ArrayList<>();
                // Raw sockets writing from the one shared array: the test's clients hold no copy of a body
                // (HttpClient's byte-array publisher copies each body whole), so the heap measured is the monitor's.
                for (int round = 0; round < ROUNDS; round++) {
                    try (RawHttpConnection conn = new RawHttpConnection(java.net.URI.create(api.url()).getPort())) {
                        conn.send("POST", ApiClient.snapshotPath("heap", "W", "step=" + (1 + client * ROUNDS + round)),
                                big, false);
                        statuses.add(conn.read().status());
                    }
                }
                return statuses;
            }));
        }
        go.countDown();
        int accepted = 0;
        int overloaded = 0;
        for (Future<List<Integer>> f : floods) {
            for (int status : f.get(180, TimeUnit.SECONDS)) {
                assertTrue(status == 202 || status == 503, "status " + status);
                if (status == 202) {
                    accepted++;
                } else {
                    overloaded++;
                }
            }
        }
        Eventually.until("nothing in flight", api::scrape, s -> s.value("dyson_inflight_bytes", Map.of()) == 0);
        flooding.set(false);
        sampler.get(60, TimeUnit.SECONDS);
        pool.shutdown();

        long over = peak.get() - baseline;
        System.out.printf("heap figures: %d clients × %d POSTs of %d MiB, %d accepted, %d answered 503; live heap "
                        + "%d MiB before, peak %d MiB (+%.1f MiB) over %d samples; budget %d MiB, bound +%d MiB%n",
                CLIENTS, ROUNDS, big.length >> 20, accepted, overloaded, baseline >> 20, peak.get() >> 20,
                over / 1048576.0, samples.get(), BUDGET >> 20, (BUDGET + OVERHEAD) >> 20);
        assertTrue(overloaded > 0, "24 bodies of 8 MiB at once must overrun a 16 MiB budget");
        assertTrue(samples.get() >= 5, "the sampler saw the flood: " + samples.get() + " samples");
        assertTrue(over <= BUDGET + OVERHEAD, "live heap grew by " + (over >> 20) + " MiB, over the budget of "
                + (BUDGET >> 20) + " MiB plus " + (OVERHEAD >> 20) + " MiB");
    }

    /**
     * The heap in use right after a full collection, as that collection left it (the collector's own
     * figure, summed over the heap pools): what is really held, without what other threads allocate
     * after it. {@code System.gc()} collects nothing while a thread is inside a JNI critical region (the
     * native BLAS/LAPACK calls of the spectrum solver are the likely holder): the heap in use then is
     * mostly garbage, so the sample asks again until a collection caused by {@code System.gc()} ran.
     * The collector announces each collection with its cause; a young collection that the JNI region
     * triggered leaves the old generation's garbage, so only {@code System.gc()}'s own count.
     */
    private static long liveHeap() {
        long deadline = System.nanoTime() + Eventually.HANG_GUARD.toNanos();
        long seen = EXPLICIT_COLLECTIONS.get();
        while (true) {
            long collections = collectionCount();
            System.gc();
            if (collectionCount() > collections) {
                // The announcement comes on the JMX notification thread, just after the collection.
                for (int wait = 0; wait < 50 && EXPLICIT_COLLECTIONS.get() == seen; wait++) {
                    pause(2);
                }
            }
            if (EXPLICIT_COLLECTIONS.get() != seen) {
                return LIVE_AFTER_EXPLICIT.get();
            }
            assertTrue(System.nanoTime() < deadline, "no System.gc() collected anything within "
                    + Eventually.HANG_GUARD.toSeconds() + " s");
            pause(2);
        }
    }

    /** Collections so far, of every collector: it rises before System.gc() returns if it collected. */
    private static long collectionCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static final AtomicLong EXPLICIT_COLLECTIONS = new AtomicLong();
    private static final AtomicLong LIVE_AFTER_EXPLICIT = new AtomicLong();

    static {
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    return;
                }
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                        (CompositeData) notification.getUserData());
                if ("System.gc()".equals(info.getGcCause())) {
                    long used = 0;
                    for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        used += heapPools.contains(pool.getKey()) ? pool.getValue().getUsed() : 0;
                    }
                    LIVE_AFTER_EXPLICIT.set(used);
                    EXPLICIT_COLLECTIONS.incrementAndGet();
                }
            }, null, null);
        }
    }

    private static WeightMatrix random(int rows, int cols, long seed) {
        Random rng = new Random(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return WeightMatrix.of(rows, cols, v);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.dysonmonitor.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.dysonmonitor.ingest.WeightMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The floods of a careless or hostile client against a real server, while a good run keeps posting:
 * concurrent large bodies against a small in-flight budget (503 with Retry-After, counted, never an
 * OutOfMemoryError), and thousands of rejected snapshots to distinct layer names (no series of theirs).
 */
class FloodTest {

    /** 1024×1024 float32: 4 MiB a body, 8 MiB reserved at its peak; the budget holds two. */
    private static final int SIDE = 1024;
    private static final long BUDGET = 16L << 20;
    private static LiveMonitor live;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        live = LiveMonitor.start("flood", Map.of("dyson.max-inflight-bytes", BUDGET));
        api = live.serve(32L << 20);
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    @Test
    void concurrentLargeBodiesOverTheBudgetAre503WhileTheMonitorAndAGoodRunCarryOn() throws Exception {
        assertEquals(200, api.put("/api/v1/runs/flood", "{\"policy\": \"latest\"}").status());
        assertEquals(200, api.put("/api/v1/runs/good", "{\"policy\": \"all\"}").status());
        byte[] big = org.dysonmonitor.ingest.NpyEncoder.encode(random(SIDE, SIDE, 7), true, false,
                java.nio.ByteOrder.LITTLE_ENDIAN);
        byte[] small = NpyFiles.npy(NpyFiles.diagonal(1, 2, 3, 4));
        int clients = 12;
        int rounds = 3;
        ExecutorService pool = Executors.newFixedThreadPool(clients + 2);
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger healthFailures = new AtomicInteger();
        AtomicInteger healthChecks = new AtomicInteger();
        Future<?> health = pool.submit(() -> {
            while (flooding.get()) {
                healthChecks.incrementAndGet();
                if (api.get("/healthz").status() != 200) {
                    healthFailures.incrementAndGet();
                }
                pause(20);
            }
        });
        AtomicInteger goodPosted = new AtomicInteger();
        Future<?> good = pool.submit(() -> {
            for (int step = 1; flooding.get() || step <= 5; step++) {
                ApiClient.Reply r;
                // As a client does: a 503 (the budget is spent by the flood) is sent again after a pause.
                while ((r = api.snapshot("good", "W", "step=" + step, small)).status() == 503) {
                    pause(50);
                }
                assertEquals(202, r.status(), r.toString());
                goodPosted.incrementAndGet();
                pause(10);
            }
        });
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<ApiClient.Reply>>> floods = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String layer = "big" + c % 3;
            floods.add(pool.submit(() -> {
                go.await();
                List<ApiClient.Reply> replies = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    replies.add(api.snapshot("flood", layer, "step=" + round, big));
                }
                return replies;
            }));
        }
        go.countDown();
        int accepted = 0;
        int overloaded = 0;
        for (Future<List<ApiClient.Reply>> f : floods) {
            for (ApiClient.Reply r : f.get(120, TimeUnit.SECONDS)) {
                if (r.status() == 503) {
                    overloaded++;
                    assertTrue(r.error().contains("(--max-inflight-bytes): retry after 1 s"), r::toString);
                    assertEquals("1", r.headers().firstValue("Retry-After").orElse(""), r::toString);
                } else {
                    assertEquals(202, r.status(), r::toString);
                    accepted++;
                }
            }
        }
        flooding.set(false);
        good.get(60, TimeUnit.SECONDS);
        health.get(60, TimeUnit.SECONDS);
        pool.shutdown();

        System.out.printf("flood figures: %d large POSTs, %d accepted, %d answered 503; good run %d snapshots; "
                + "/healthz %d checks, all 200; max heap %d MiB%n", clients * rounds, accepted, overloaded,
                goodPosted.get(), healthChecks.get(), Runtime.getRuntime().maxMemory() >> 20);
        assertTrue(overloaded > 0, "12 clients posting 8 MiB reservations at once must overrun a 16 MiB budget");
        assertTrue(accepted > 0, "the budget admits what fits");
        assertEquals(0, healthFailures.get(), "/healthz answered 200 throughout (" + healthChecks.get() + " checks)");
        // Every refusal counted under its reason (the flood run exists, its layers may not: layer _invalid).
        int expected503 = overloaded;
        Scrape settled = Eventually.until("the flood settled: every snapshot accounted for, nothing in flight",
                api::scrape, s -> s.value("dyson_inflight_bytes", Map.of()) == 0
                        && s.sum("dyson_snapshots_received_total", Map.of("run", "flood"))
                        == s.sum("dyson_snapshots_processed_total", Map.of("run", "flood"))
                        + s.sum("dyson_snapshots_dropped_total", Map.of("run", "flood"))
                        + s.sum("dyson_snapshots_rejected_total", Map.of("run", "flood")));
        assertEquals(expected503, settled.sum("dyson_snapshots_rejected_total", Map.of("run", "flood", "reason", "overloaded")));
        assertEquals(clients * rounds, (int) settled.sum("dyson_snapshots_received_total", Map.of("run", "flood")));
        assertTrue(settled.sum("dyson_inflight_refused_total", Map.of()) >= overloaded);
        // The good run lost nothing: policy all, every snapshot processed, the last one's spectrum reported.
        Eventually.until("the good run processed", () -> api.scrape()
                .sum("dyson_snapshots_processed_total", Map.of("run", "good")), n -> n == goodPosted.get());
        JsonNode report = api.getJson("/api/v1/runs/good/layers/W");
        assertEquals(goodPosted.get(), report.get("step").asLong());
    }

    @Test
    void threeThousandRejectedPostsToDistinctLayerNamesLeaveTheSeriesBounded() throws Exception {
        assertEquals(200, api.put("/api/v1/runs/junk", "{\"policy\": \"latest\"}").status());
        assertEquals(202, api.snapshot("junk", "W", "step=1", NpyFiles.npy(NpyFiles.diagonal(1, 2))).status());
        Eventually.until("the junk run's layer processed", () -> api.scrape()
                .sum("dyson_snapshots_processed_total", Map.of("run", "junk")), n -> n == 1);
        int before = seriesCount();
        byte[] junk = "not an npy file".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int posts = 3000;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < posts; i++) {
            String layer = "junk.layer." + i;
            statuses.add(pool.submit(() -> api.snapshot("junk", layer, "step=1", junk).status()));
        }
        for (Future<Integer> s : statuses) {
            assertEquals(415, s.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        Scrape scrape = Eventually.until("every rejection counted", api::scrape,
                s -> s.sum("dyson_snapshots_rejected_total", Map.of("run", "junk")) == posts);
        int after = seriesCount();
        System.out.printf("series figures: %d rejected POSTs to distinct layers, series %d before, %d after%n",
                posts, before, after);
        // The rejections add one layer label, _invalid, of the junk run: its received, processed and
        // dropped counters and one rejected counter for the reason.
        assertTrue(after - before <= 4, "series grew from " + before + " to " + after);
        assertEquals(posts, scrape.value("dyson_snapshots_rejected_total",
                Map.of("run", "junk", "layer", "_invalid", "reason", "bad_magic")));
        assertEquals(0, scrape.sum("dyson_snapshots_received_total", Map.of("layer", "junk.layer.7")));
    }

    /** Sample lines of a real scrape. */
    private static int seriesCount() {
        String text = api.get("/metrics").body();
        int n = 0;
        for (String line : text.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                n++;
            }
        }
        return n;
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

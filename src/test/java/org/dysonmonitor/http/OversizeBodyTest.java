package org.dysonmonitor.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a client sees when its body is refused while it is still sending it: Akka HTTP's entity size
 * limit (a Content-Length over {@code --max-body}, or a chunked body that grows past it) and the
 * in-flight budget (a chunked body that outgrows it). Each answer must arrive whole, as JSON, and the
 * connection must then either stay usable or close cleanly (an announced {@code Connection: close}
 * and an EOF, never a reset before the answer), whether the client reads while it sends (a raw
 * socket), only after it sent everything, or is {@link HttpClient}.
 */
class OversizeBodyTest {

    private static final long MAX_BODY = 1L << 20;
    /** The second server's limit, far above its monitor's budget, so that the budget refuses first. */
    private static final long LARGE_MAX_BODY = 256L << 20;
    private static final long BUDGET = 8L << 20;
    private static LiveMonitor live;
    private static ApiClient api;
    private static ApiClient large;

    @BeforeAll
    static void start() {
        live = LiveMonitor.start("oversize", Map.of("dyson.max-inflight-bytes", BUDGET));
        api = live.serve(MAX_BODY);
        large = live.serve(LARGE_MAX_BODY);
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    @Test
    void aKeepAliveClientGetsAWhole413AfterAGoodSnapshotAndTheConnectionClosesCleanly() throws Exception {
        byte[] good = NpyFiles.npy(NpyFiles.diagonal(1, 2, 3));
        try (RawHttpConnection c = new RawHttpConnection(port(api))) {
            c.send("POST", ApiClient.snapshotPath("keep", "W", "step=1"), good, false).get(30, TimeUnit.SECONDS);
            RawHttpConnection.Answer first = c.read();
            assertEquals(202, first.status(), first::toString);
            assertTrue(!"close".equals(first.headers().get("connection")), first::toString);
            // The same connection, now with 8 MiB announced against a 1 MiB limit: refused before the read.
            CompletableFuture<Long> sent = c.send("POST", ApiClient.snapshotPath("keep", "W", "step=2"),
                    new byte[8 << 20], false);
            RawHttpConnection.Answer refused = c.read();
            assertRefused(refused, "body of 8388608 bytes is over the limit of 1048576 bytes (--max-body)");
            assertEquals(RawHttpConnection.After.CLOSED_CLEANLY, c.after(5000));
            assertEquals(8 << 20, sent.get(30, TimeUnit.SECONDS), "the server read and dropped the refused body");
        }
        // A new connection is served as usual.
        assertEquals(200, api.get("/healthz").status());
    }

    @Test
    void aChunkedBodyThatGrowsPastTheLimitGetsAWhole413AndACleanClose() throws Exception {
        for (int size : new int[] {(int) MAX_BODY + 1, 64 << 20}) {
            try (RawHttpConnection c = new RawHttpConnection(port(api))) {
                CompletableFuture<Long> sent = c.send("POST", ApiClient.snapshotPath("chunky", "W", "step=1"),
                        new byte[size], true);
                assertRefused(c.read(), "body is over the limit of 1048576 bytes (--max-body)");
                assertEquals(RawHttpConnection.After.CLOSED_CLEANLY, c.after(5000));
                sent.get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aClientThatReadsOnlyAfterSendingStillGetsThe413() throws Exception {
        // It writes the whole body, then reads: the server drops what it sends after the answer, so the
        // connection closes with nothing unread (a FIN, not a reset that could overtake the answer).
        try (RawHttpConnection c = new RawHttpConnection(port(api))) {
            long taken = c.send("POST", ApiClient.snapshotPath("late", "W", "step=1"), new byte[64 << 20], false)
                    .get(60, TimeUnit.SECONDS);
            assertEquals(64 << 20, taken, "the server read and dropped the whole refused body");
            assertRefused(c.read(), "body of 67108864 bytes is over the limit of 1048576 bytes (--max-body)");
            assertEquals(RawHttpConnection.After.CLOSED_CLEANLY, c.after(5000));
        }
    }

    @Test
    void httpClientGets413ForEveryOversizeBodyAndItsNextRequestWorks() throws Exception {
        // java.net.http reads the answer only once it has sent the body, and fails the exchange on a
        // broken pipe: it gets the 413 only because the server drops the body rather than close on it.
        // Five rounds, since a close under the sender lost the answer only now and then.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int size : new int[] {(int) MAX_BODY + 1, 8 << 20, 64 << 20, 8 << 20, 64 << 20, 8 << 20, 64 << 20,
                                   8 << 20, 64 << 20, 8 << 20, 64 << 20}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                    URI.create(api.url() + ApiClient.snapshotPath("java", "W", "step=1")))
                            .header("Content-Type", ApiClient.NPY)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[size])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, r.statusCode(), r::body);
            assertEquals("{\"error\":\"body of " + size + " bytes is over the limit of 1048576 bytes (--max-body)\"}",
                    r.body());
            assertEquals("close", r.headers().firstValue("Connection").orElse(""));
            HttpResponse<String> next = http.send(HttpRequest.newBuilder(URI.create(api.url() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, next.statusCode());
        }
    }

    @Test
    void aChunkedBodyThatOutgrowsTheBudgetGetsAWhole503WithRetryAfter() throws Exception {
        // 2 bytes reserved per body byte as it streams: 16 MiB cannot fit in 8 MiB; --max-body is 256 MiB.
        // (The run exists, so the refusal counts under its name rather than _invalid.)
        assertEquals(200, api.put("/api/v1/runs/budget", "{\"policy\": \"latest\"}").status());
        try (RawHttpConnection c = new RawHttpConnection(port(large))) {
            CompletableFuture<Long> sent = c.send("POST", ApiClient.snapshotPath("budget", "W", "step=1"),
                    new byte[16 << 20], true);
            RawHttpConnection.Answer a = c.read();
            assertEquals(503, a.status(), a::toString);
            assertEquals("1", a.headers().get("retry-after"), a::toString);
            assertTrue(a.body().contains("(--max-inflight-bytes): retry after 1 s"), a::toString);
            RawHttpConnection.After after = c.after(5000);
            assertTrue(after != RawHttpConnection.After.RESET, "a reset after the 503");
            sent.get(30, TimeUnit.SECONDS);
        }
        Scrape s = Eventually.until("nothing in flight", api::scrape, x -> x.value("dyson_inflight_bytes", Map.of()) == 0);
        assertEquals(1, s.sum("dyson_snapshots_rejected_total", Map.of("run", "budget", "reason", "overloaded")));
    }

    @Test
    void everyRefusalIsCountedTooLarge() throws Exception {
        assertEquals(200, api.put("/api/v1/runs/counted", "{\"policy\": \"latest\"}").status());
        try (RawHttpConnection c = new RawHttpConnection(port(api))) {
            c.send("POST", ApiClient.snapshotPath("counted", "W", "step=1"), new byte[4 << 20], false);
            assertEquals(413, c.read().status());
        }
        try (RawHttpConnection c = new RawHttpConnection(port(api))) {
            c.send("POST", ApiClient.snapshotPath("counted", "W", "step=2"), new byte[4 << 20], true);
            assertEquals(413, c.read().status());
        }
        Scrape s = Eventually.until("both refusals counted", api::scrape,
                x -> x.sum("dyson_snapshots_rejected_total", Map.of("run", "counted", "reason", "too_large")) == 2);
        assertEquals(2, s.sum("dyson_snapshots_received_total", Map.of("run", "counted")));
    }

    private static void assertRefused(RawHttpConnection.Answer a, String message) {
        assertEquals(413, a.status(), a::toString);
        assertEquals("application/json", a.headers().get("content-type"), a::toString);
        assertEquals("{\"error\":\"" + message + "\"}", a.body());
        // Announced, so a client knows the connection ends here rather than finding out on its next request.
        assertEquals("close", a.headers().get("connection"), a::toString);
    }

    private static int port(ApiClient client) {
        return URI.create(client.url()).getPort();
    }
}

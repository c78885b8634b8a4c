package org.dysonmonitor.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.dysonmonitor.http.SnapshotApiTest.assertClose;
import static org.dysonmonitor.http.SnapshotApiTest.doubles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /api/v1/stream}: Server-Sent Events of the reports of posted snapshots, read by a real client. */
class StreamApiTest {

    /** At most this many snapshots are posted while waiting for the first event. */
    private static final int MAX_POSTS = 300;

    private static LiveMonitor live;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        live = LiveMonitor.start("stream-api-test", Map.of());
        api = live.serve(1 << 20);
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    @Test
    void aPostedSnapshotArrivesAsAReportEvent() throws Exception {
        HttpResponse<Stream<String>> response = api.lines("/api/v1/stream?run=sse");
        try (Stream<String> lines = response.body()) {
            assertEquals(200, response.statusCode());
            assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse(""));
            CompletableFuture<Map<String, String>> event = CompletableFuture.supplyAsync(() -> firstEvent(lines.iterator()));
            // The subscription is live once the response has started; until the first event arrives,
            // keep posting (a bounded number of snapshots), so no fixed wait is needed.
            int posts = 0;
            while (!event.isDone() && posts < MAX_POSTS) {
                posts++;
                ApiClient.Reply reply = api.snapshot("sse", "W", "step=" + posts, NpyFiles.npy(NpyFiles.diagonal(1, 2, 3)));
                assertEquals(202, reply.status(), reply::toString);
                Thread.sleep(20);
            }
            Map<String, String> fields = event.get(Eventually.HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
            assertEquals("report", fields.get("event"), fields::toString);
            JsonNode report = ApiClient.JSON.readTree(fields.get("data"));
            assertEquals("sse", report.get("run").asText());
            assertEquals("W", report.get("layer").asText());
            long step = report.get("step").asLong();
            assertTrue(step >= 1 && step <= posts, () -> "step " + step + " of " + report);
            assertEquals(3, report.get("rows").asInt());
            assertClose(new double[] {1, 4, 9}, doubles(report.get("eigenvalues")), "eigenvalues");
            assertTrue(report.has("spacing_ratio_mean"), report::toString);
        }
    }

    /** The fields of the first event that has data (comments and heartbeats skipped). */
    private static Map<String, String> firstEvent(Iterator<String> lines) {
        Map<String, String> fields = new HashMap<>();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (fields.containsKey("data")) {
                    return fields;
                }
                fields.clear();
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String name = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            fields.merge(name, value.startsWith(" ") ? value.substring(1) : value, (a, b) -> a + "\n" + b);
        }
        return fields;
    }
}

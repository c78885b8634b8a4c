package org.dysonmonitor.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A run whose client keeps sending is not idle, even when the monitor refuses every snapshot it
 * sends: here an in-flight budget of 64 bytes refuses every body (413, it can never fit), as a flood
 * answers a run's every snapshot 503 {@code overloaded}. The run stays active for three idle timeouts
 * while its client posts, and goes idle once it stops.
 */
class IdleRefusedRunTest {

    private static final long IDLE_MILLIS = 2000;

    @Test
    void aRunWhoseEverySnapshotIsRefusedStaysActiveWhileItPostsAndGoesIdleAfter() throws Exception {
        try (LiveMonitor live = LiveMonitor.start("idle-refused", Map.of("dyson.max-inflight-bytes", 64,
                "dyson.idle-timeout", IDLE_MILLIS + "ms"))) {
            ApiClient api = live.serve(1L << 20);
            assertEquals(200, api.put("/api/v1/runs/refused", "{\"policy\": \"latest\"}").status());
            byte[] body = NpyFiles.npy(NpyFiles.diagonal(1, 2, 3));
            long end = System.nanoTime() + 3 * IDLE_MILLIS * 1_000_000;
            int posted = 0;
            while (System.nanoTime() < end) {
                ApiClient.Reply refused = api.snapshot("refused", "W", "step=" + posted, body);
                assertEquals(413, refused.status(), refused::toString);
                posted++;
                assertEquals("active", status(api), "after " + posted + " refused snapshots");
                Thread.sleep(100);
            }
            JsonNode run = find(api);
            assertEquals(0, run.get("layers").size(), "no refused snapshot created a layer: " + run);
            int refused = posted;
            Eventually.until("every refused snapshot counted under its run", () -> api.scrape()
                    .sum("dyson_snapshots_rejected_total", Map.of("run", "refused")), n -> n == refused);
            Eventually.until("the run idle after its client stopped", () -> status(api), "idle"::equals);
        }
    }

    private static String status(ApiClient api) {
        JsonNode run = find(api);
        return run == null ? "absent" : run.get("status").asText();
    }

    private static JsonNode find(ApiClient api) {
        for (JsonNode r : api.getJson("/api/v1/runs").get("runs")) {
            if ("refused".equals(r.get("run").asText())) {
                return r;
            }
        }
        return null;
    }
}

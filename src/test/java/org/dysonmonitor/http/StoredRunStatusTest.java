package org.dysonmonitor.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Runs of an earlier process in {@code GET /api/v1/runs}, on a monitor restarted on the same store:
 * the last stored step and the stored status; a run finished before the restart stays finished and
 * refuses snapshots (409) as a live finished run does, while an idle run takes snapshots again.
 */
class StoredRunStatusTest {

    private static final String REFUSAL = "run done is finished and accepts no more snapshots; use a new run name";

    @TempDir
    Path data;

    @Test
    void aRunFinishedBeforeARestartStaysFinished() {
        try (LiveDemo first = LiveDemo.startWithStore(data)) {
            ApiClient api = new ApiClient(first.url(), Optional.empty());
            for (int step = 10; step <= 30; step += 10) {
                assertEquals(202, api.snapshot("done", "W", "step=" + step, NpyFiles.npy(NpyFiles.diagonal(1, 2))).status());
                assertEquals(202, api.snapshot("open", "W", "step=" + (step + 5), NpyFiles.npy(NpyFiles.diagonal(1, 2))).status());
            }
            Eventually.until("all six processed", () -> processed(api, "done") + processed(api, "open"), n -> n == 6);
            assertEquals(200, api.post("/api/v1/runs/done/finish").status());
        }
        try (LiveDemo second = LiveDemo.startWithStore(data)) {
            ApiClient api = new ApiClient(second.url(), Optional.empty());
            JsonNode done = findRun(api, "done");
            assertEquals("finished", done.get("status").asText(), done::toString);
            assertEquals(30, done.get("step").asLong(), "the last stored step: " + done);
            JsonNode open = findRun(api, "open");
            assertEquals("idle", open.get("status").asText(), open::toString);
            assertEquals(35, open.get("step").asLong(), open::toString);

            ApiClient.Reply late = api.snapshot("done", "W", "step=40", NpyFiles.npy(NpyFiles.diagonal(1, 2)));
            assertEquals(409, late.status(), late::toString);
            assertEquals(REFUSAL, late.error());
            ApiClient.Reply put = api.put("/api/v1/runs/done", "{\"learning_rate\": 0.1}");
            assertEquals(409, put.status(), put::toString);
            assertEquals(REFUSAL, put.error());
            assertEquals("finished", findRun(api, "done").get("status").asText(), "still finished after the refusals");

            Scrape scrape = api.scrape();
            for (String name : org.dysonmonitor.metrics.MetricNames.STORE_SAMPLE_NAMES) {
                assertFalse(scrape.samples(name, java.util.Map.of()).isEmpty(), name + " in the scrape of a monitor with a store");
            }
            // A snapshot of another layer revives the run; its stored layer is still listed (its history can be found).
            assertEquals(202, api.snapshot("open", "V", "step=40", NpyFiles.npy(NpyFiles.diagonal(1, 3))).status());
            JsonNode revived = Eventually.until("the run active again with its new layer", () -> findRun(api, "open"),
                    r -> "active".equals(r.get("status").asText()) && r.get("layers").size() == 2);
            assertEquals("V", revived.get("layers").get(0).get("layer").asText(), revived::toString);
            assertEquals("W", revived.get("layers").get(1).get("layer").asText(), revived::toString);
            assertEquals(2, revived.get("layers").get(1).get("rows").asInt(), "W's stored shape: " + revived);
            assertEquals(202, api.snapshot("open", "W", "step=45", NpyFiles.npy(NpyFiles.diagonal(1, 2))).status());
            Eventually.until("the idle run active again at step 45", () -> findRun(api, "open"),
                    r -> "active".equals(r.get("status").asText()) && r.get("step").asLong() == 45);
        }
    }

    private static long processed(ApiClient api, String run) {
        JsonNode r = findRun(api, run);
        return r == null || r.get("layers").isEmpty() ? 0 : r.get("layers").get(0).get("processed").asLong();
    }

    private static JsonNode findRun(ApiClient api, String run) {
        for (JsonNode r : api.getJson("/api/v1/runs").get("runs")) {
            if (r.get("run").asText().equals(run)) {
                return r;
            }
        }
        return null;
    }
}

package org.dysonmonitor.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.dysonmonitor.http.SnapshotApiTest.assertClose;
import static org.dysonmonitor.http.SnapshotApiTest.doubles;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs through the API: metadata ({@code PUT}), listing, targets, finishing, the caps on runs and
 * layers, and the retention of a finished run's series, each against a real server.
 */
class RunApiTest {

    private static final long MAX_BODY = 1 << 20;

    /** Defaults (retention 5 min): a finished run stays, refusing snapshots. */
    private static LiveMonitor plain;
    private static ApiClient api;
    /** At most 2 runs. */
    private static LiveMonitor capped;
    private static ApiClient cappedApi;
    /** Finished runs are removed after 1 s; at most 2 layers per run. */
    private static LiveMonitor brief;
    private static ApiClient briefApi;

    @BeforeAll
    static void start() {
        plain = LiveMonitor.start("run-api-test", Map.of());
        api = plain.serve(MAX_BODY);
        capped = LiveMonitor.start("run-api-test-capped", Map.of("dyson.max-runs", 2));
        cappedApi = capped.serve(MAX_BODY);
        brief = LiveMonitor.start("run-api-test-brief", Map.of("dyson.retention", "1s", "dyson.max-layers-per-run", 2));
        briefApi = brief.serve(MAX_BODY);
    }

    @AfterAll
    static void stop() {
        plain.close();
        capped.close();
        brief.close();
    }

    @Test
    void metadataIsListedAndTheTargetReachesTheReport() {
        ApiClient.Reply put = api.put("/api/v1/runs/meta",
                "{\"learning_rate\": 0.1, \"batch_size\": 16, \"policy\": \"latest\", \"targets\": {\"W\": [9, 1, 4, 1]}}");
        assertEquals(200, put.status(), put::toString);
        assertEquals("meta", put.json().get("run").asText());
        assertEquals("run meta created", put.json().get("message").asText());

        JsonNode listed = findRun(api, "meta");
        assertAll(
                () -> assertEquals("active", listed.get("status").asText()),
                () -> assertEquals(0.1, listed.get("learning_rate").asDouble()),
                () -> assertEquals(16, listed.get("batch_size").asInt()),
                () -> assertEquals("latest", listed.get("policy").asText()),
                () -> assertTrue(listed.get("layers").isEmpty(), listed::toString));

        // diag(1, 1, 2, 3): the spectrum is the target itself, so the distance is exactly 0.
        // One at a time: under the policy latest, a snapshot posted while another waits replaces it.
        for (int step = 1; step <= 3; step++) {
            post(api, "meta", "W", step, NpyFiles.diagonal(1, 1, 2, 3));
            awaitSnapshots(api, "meta", "W", step);
        }
        JsonNode report = awaitSnapshots(api, "meta", "W", 3);
        assertAll(
                () -> assertClose(new double[] {1, 1, 4, 9}, doubles(report.get("target")), "target (sorted)"),
                () -> assertTrue(report.get("target_distance").isNumber(), report::toString),
                () -> assertEquals(0.0, report.get("target_distance").asDouble(), 1e-12),
                () -> assertEquals(0.1, report.get("learning_rate").asDouble(), "α from the run's metadata"),
                () -> assertEquals(16, report.get("batch_size").asInt(), "|B| from the run's metadata"),
                () -> assertEquals(1, report.get("pairs").size(), report::toString),
                () -> assertEquals("0-1", report.get("pairs").get(0).get("pair").asText()),
                () -> assertEquals(1.0, report.get("pairs").get(0).get("centre").asDouble()));
        JsonNode layer = findRun(api, "meta").get("layers").get(0);
        assertEquals("W", layer.get("layer").asText());
        assertTrue(layer.get("has_target").asBoolean(), layer::toString);

        ApiClient.Reply update = api.put("/api/v1/runs/meta", "{\"learning_rate\": 0.2, \"batch_size\": 16}");
        assertEquals(200, update.status(), update::toString);
        assertEquals("run meta updated", update.json().get("message").asText());
        assertEquals(0.2, findRun(api, "meta").get("learning_rate").asDouble());

        ApiClient.Reply policyChange = api.put("/api/v1/runs/meta", "{\"policy\": \"all\"}");
        assertEquals(409, policyChange.status(), policyChange::toString);
        assertEquals("the policy of a run cannot change once its layers stream (is latest, asked all)",
                policyChange.error());
    }

    @Test
    void aTargetOfTheWrongLengthIs422() {
        assertEquals(200, api.put("/api/v1/runs/mismatch", "{\"targets\": {\"V\": [1, 2]}}").status());
        ApiClient.Reply reply = api.snapshot("mismatch", "V", "step=1", NpyFiles.npy(NpyFiles.diagonal(1, 2, 3)));
        assertEquals(422, reply.status(), reply::toString);
        assertEquals("the target of layer V has 2 eigenvalues, but a 3×3 matrix has 3", reply.error());
    }

    @Test
    void aFinishedRunRefusesSnapshotsWith409() {
        post(api, "done", "W", 1, NpyFiles.diagonal(1, 2));
        ApiClient.Reply finish = api.post("/api/v1/runs/done/finish");
        assertEquals(200, finish.status(), finish::toString);
        assertEquals("run done finished; its series are removed in 300 s", finish.json().get("message").asText());
        assertEquals(200, api.post("/api/v1/runs/done/finish").status(), "finishing twice is harmless");

        ApiClient.Reply late = api.snapshot("done", "W", "step=2", NpyFiles.npy(NpyFiles.diagonal(1, 2)));
        ApiClient.Reply newLayer = api.snapshot("done", "V", "step=2", NpyFiles.npy(NpyFiles.diagonal(1, 2)));
        ApiClient.Reply put = api.put("/api/v1/runs/done", "{\"learning_rate\": 0.1}");
        String refusal = "run done is finished and accepts no more snapshots; use a new run name";
        assertAll(
                () -> assertEquals(409, late.status(), late::toString),
                () -> assertEquals(refusal, late.error()),
                () -> assertEquals(409, newLayer.status(), newLayer::toString),
                () -> assertEquals(refusal, newLayer.error()),
                () -> assertEquals(409, put.status(), put::toString),
                () -> assertEquals(refusal, put.error()));
        JsonNode run = findRun(api, "done");
        assertEquals("finished", run.get("status").asText());
        JsonNode layer = Eventually.until("the refusal counted", () -> findRun(api, "done").get("layers").get(0),
                l -> l.get("rejected").asLong() == 1);
        assertEquals(1, layer.get("processed").asLong(), layer::toString);
        assertEquals(2, layer.get("received").asLong(), layer::toString);
        assertEquals(1, api.getJson("/api/v1/runs/done/layers/W").get("step").asLong(), "the last report stays");
    }

    @Test
    void theRunCapRefusesAThirdRunWhileTheFirstTwoKeepWorking() {
        post(cappedApi, "first", "W", 1, NpyFiles.diagonal(1, 2));
        awaitSnapshots(cappedApi, "first", "W", 1);
        assertEquals(200, cappedApi.put("/api/v1/runs/second", "{\"learning_rate\": 0.1}").status());

        ApiClient.Reply third = cappedApi.snapshot("third", "W", "step=1", NpyFiles.npy(NpyFiles.diagonal(1, 2)));
        ApiClient.Reply thirdPut = cappedApi.put("/api/v1/runs/fourth", "{}");
        assertAll(
                () -> assertEquals(409, third.status(), third::toString),
                () -> assertEquals("the monitor already holds 2 runs, the cap (--max-runs); finish a run or raise "
                        + "the cap. Run third was not added", third.error()),
                () -> assertEquals(409, thirdPut.status(), thirdPut::toString),
                () -> assertTrue(thirdPut.error().contains("the cap (--max-runs)"), thirdPut::error));

        post(cappedApi, "first", "W", 2, NpyFiles.diagonal(3, 4));
        post(cappedApi, "second", "W", 1, NpyFiles.diagonal(5, 6));
        assertClose(new double[] {9, 16}, doubles(awaitSnapshots(cappedApi, "first", "W", 2).get("eigenvalues")), "first");
        assertClose(new double[] {25, 36}, doubles(awaitSnapshots(cappedApi, "second", "W", 1).get("eigenvalues")), "second");
        List<String> names = new ArrayList<>();
        cappedApi.getJson("/api/v1/runs").get("runs").forEach(r -> names.add(r.get("run").asText()));
        assertEquals(List.of("first", "second"), names);
        assertEquals(404, cappedApi.get("/api/v1/runs/third/layers/W").status());
    }

    @Test
    void theLayerCapRefusesAThirdLayerWhileTheFirstTwoKeepWorking() {
        post(briefApi, "layered", "L1", 1, NpyFiles.diagonal(1, 2));
        post(briefApi, "layered", "L2", 1, NpyFiles.diagonal(1, 2, 3));
        awaitSnapshots(briefApi, "layered", "L1", 1);
        awaitSnapshots(briefApi, "layered", "L2", 1);
        ApiClient.Reply third = briefApi.snapshot("layered", "L3", "step=1", NpyFiles.npy(NpyFiles.diagonal(1, 2)));
        assertEquals(409, third.status(), third::toString);
        assertEquals("run layered already has 2 layers, the cap (--max-layers); layer L3 was not added", third.error());

        post(briefApi, "layered", "L1", 2, NpyFiles.diagonal(2, 2));
        post(briefApi, "layered", "L2", 2, NpyFiles.diagonal(1, 1, 1));
        assertClose(new double[] {4, 4}, doubles(awaitSnapshots(briefApi, "layered", "L1", 2).get("eigenvalues")), "L1");
        assertClose(new double[] {1, 1, 1}, doubles(awaitSnapshots(briefApi, "layered", "L2", 2).get("eigenvalues")), "L2");
        assertEquals(2, findRun(briefApi, "layered").get("layers").size());
    }

    @Test
    void aFinishedRunsSeriesAndListingVanishAfterTheRetentionTime() {
        post(briefApi, "short-lived", "W", 1, NpyFiles.diagonal(1, 2));
        post(briefApi, "staying", "W", 1, NpyFiles.diagonal(1, 2));
        awaitSnapshots(briefApi, "short-lived", "W", 1);
        awaitSnapshots(briefApi, "staying", "W", 1);
        Scrape before = Eventually.until("series of both runs", briefApi::scrape,
                s -> s.anyLabelled("run", "short-lived") && s.anyLabelled("run", "staying"));
        assertFalse(before.samples("dyson_eigenvalue", Map.of("run", "short-lived")).isEmpty());

        ApiClient.Reply finish = briefApi.post("/api/v1/runs/short-lived/finish");
        assertEquals(200, finish.status(), finish::toString);
        assertEquals("run short-lived finished; its series are removed in 1 s", finish.json().get("message").asText());

        Scrape after = Eventually.until("no series of run short-lived", briefApi::scrape,
                s -> !s.anyLabelled("run", "short-lived"));
        Eventually.until("run short-lived unlisted", () -> briefApi.getJson("/api/v1/runs").toString(),
                runs -> !runs.contains("\"short-lived\""));
        assertAll(
                () -> assertFalse(after.samples("dyson_eigenvalue", Map.of("run", "staying")).isEmpty(),
                        "the other run keeps its series"),
                () -> assertEquals(1.0, after.value("dyson_snapshots_processed_total", Map.of("run", "staying", "layer", "W"))),
                () -> assertEquals(404, briefApi.get("/api/v1/runs/short-lived/layers/W").status()),
                () -> assertEquals("active", findRun(briefApi, "staying").get("status").asText()));
    }

    // ---- plumbing ------------------------------------------------------------------------------------

    private static void post(ApiClient client, String run, String layer, long step, org.dysonmonitor.ingest.WeightMatrix w) {
        ApiClient.Reply reply = client.snapshot(run, layer, "step=" + step, NpyFiles.npy(w));
        assertEquals(202, reply.status(), () -> run + "/" + layer + " step " + step + ": " + reply);
    }

    static JsonNode awaitSnapshots(ApiClient client, String run, String layer, long snapshots) {
        String path = "/api/v1/runs/" + run + "/layers/" + layer;
        return Eventually.until(snapshots + " snapshots of " + run + "/" + layer, () -> client.get(path),
                r -> r.status() == 200 && r.json().get("snapshots").asLong() >= snapshots).json();
    }

    static JsonNode findRun(ApiClient client, String name) {
        for (JsonNode run : client.getJson("/api/v1/runs").get("runs")) {
            if (run.get("run").asText().equals(name)) {
                return run;
            }
        }
        return org.junit.jupiter.api.Assertions.fail("GET /api/v1/runs does not list " + name);
    }

}

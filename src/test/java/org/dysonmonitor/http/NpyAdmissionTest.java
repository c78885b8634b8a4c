package org.dysonmonitor.http;

import org.dysonmonitor.ingest.WeightMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A single-layer {@code .npy} snapshot is admitted from its header before its values are decoded: a
 * body whose header is valid and whose every value is NaN gets the admission's answer (layer cap,
 * shape, finished run), not 422 {@code non_finite}, which it gets only once admitted.
 */
class NpyAdmissionTest {

    private static final int MAX_LAYERS = 2;

    private static LiveMonitor live;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        live = LiveMonitor.start("npy-admission-test", Map.of("dyson.max-layers-per-run", MAX_LAYERS));
        api = live.serve(1 << 20);
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    private static byte[] good(int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sin(1.0 + i);
        }
        return NpyFiles.npy(WeightMatrix.of(rows, cols, v, false));
    }

    private static byte[] allNaN(int rows, int cols) {
        double[] v = new double[rows * cols];
        Arrays.fill(v, Double.NaN);
        return NpyFiles.npy(WeightMatrix.of(rows, cols, v, false));
    }

    @Test
    void aLayerOverTheCapIsRefusedFromItsHeaderNotItsJunkValues() {
        String run = "npy-cap";
        assertEquals(202, api.snapshot(run, "a.weight", "step=1", good(4, 3)).status());
        assertEquals(202, api.snapshot(run, "b.weight", "step=1", good(4, 3)).status());
        ApiClient.Reply capped = api.snapshot(run, "c.weight", "step=1", allNaN(4, 3));
        assertEquals(409, capped.status(), capped::toString);
        assertEquals("run " + run + " already has " + MAX_LAYERS + " layers, the cap (--max-layers); layer c.weight was not added",
                capped.error());
        // The same body in a run with room is admitted (the layer exists) and then refused by its values.
        ApiClient.Reply fresh = api.snapshot("npy-cap-fresh", "c.weight", "step=1", allNaN(4, 3));
        assertEquals(422, fresh.status(), fresh::toString);
        assertTrue(fresh.error().contains("NaN") || fresh.error().contains("finite"), fresh::toString);
        // A refused new layer gets no series of its own: it counts under its run's layer="_invalid".
        // (The count reaches the registry as a message after the answer: wait for the scrape to show it.)
        assertRejected(Map.of("run", run, "layer", "_invalid", "reason", "layer_cap"));
        assertRejected(Map.of("run", "npy-cap-fresh", "layer", "c.weight", "reason", "non_finite"));
    }

    @Test
    void aShapeChangeIsRefusedFromItsHeaderNotItsJunkValues() {
        String run = "npy-shape";
        assertEquals(202, api.snapshot(run, "a.weight", "step=1", good(4, 3)).status());
        ApiClient.Reply changed = api.snapshot(run, "a.weight", "step=2", allNaN(3, 4));
        assertEquals(422, changed.status(), changed::toString);
        assertTrue(changed.error().contains("a.weight") && !changed.error().contains("NaN"), changed::toString);
        assertRejected(Map.of("run", run, "layer", "a.weight", "reason", "shape_mismatch"));
    }

    @Test
    void aFinishedRunRefusesFromTheHeaderNotTheJunkValues() {
        String run = "npy-finished";
        assertEquals(202, api.snapshot(run, "a.weight", "step=1", good(4, 3)).status());
        ApiClient.Reply finish = api.post("/api/v1/runs/" + run + "/finish");
        assertTrue(finish.status() / 100 == 2, finish::toString);
        ApiClient.Reply late = api.snapshot(run, "a.weight", "step=2", allNaN(4, 3));
        assertEquals(409, late.status(), late::toString);
        assertTrue(late.error().contains("is finished"), late::toString);
    }

    @Test
    void aBodyShorterThanItsHeaderSaysIsRefusedBeforeAdmission() {
        // The data length is part of the header check: no layer is created for a cut body.
        byte[] body = good(4, 3);
        ApiClient.Reply cut = api.snapshot("npy-cut", "a.weight", "step=1", NpyFiles.cut(body, body.length - 8));
        assertEquals(400, cut.status(), cut::toString);
        assertTrue(cut.error().contains("8 bytes missing"), cut::toString);
        assertEquals(404, api.get("/api/v1/runs/npy-cut/layers/a.weight").status());
    }

    /** One rejection counted under these labels, once the scrape shows it (at most a few seconds). */
    private void assertRejected(Map<String, String> labels) {
        Eventually.until("one rejection counted under " + labels,
                () -> api.scrape().value("dyson_snapshots_rejected_total", labels), v -> v == 1.0);
    }
}

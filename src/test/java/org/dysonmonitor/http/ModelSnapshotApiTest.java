package org.dysonmonitor.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.dysonmonitor.ingest.WeightMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /api/v1/runs/{run}/snapshots} against a real server with models written by numpy:
 * .npz (savez, savez_compressed) and safetensors with several layers, a convolution kernel and
 * biases. Every ≥ 2-D array becomes a layer whose eigenvalues equal numpy's; every bad entry gets its
 * status and a message naming it, and nothing of that model is counted under any of its layers; the
 * header is admitted before the values are decoded; a known layer's channel is used without asking
 * the registry.
 */
class ModelSnapshotApiTest {

    private static final String OCTETS = "application/octet-stream";
    private static final int MAX_LAYERS = 6;

    @TempDir
    static Path dir;

    private static LiveMonitor live;
    private static ApiClient api;
    private static JsonNode reference;

    @BeforeAll
    static void start() {
        live = LiveMonitor.start("model-snapshot-test", Map.of("dyson.max-layers-per-run", MAX_LAYERS));
        api = live.serve(1 << 20);
        reference = NumpyModels.run(dir, """
                good = model(1)
                for name in ["good.npz", "good.c.npz", "good.safetensors"]:
                    save(name, good)
                shape = model(2)
                shape["enc.0.weight"] = np.ascontiguousarray(shape["enc.0.weight"].T)
                save("shape_changed.npz", shape)
                nan = model(3)
                nan["head.weight"][1, 2] = np.nan
                save("nan.npz", nan)
                save("cap_junk.safetensors",
                     {f"extra.{i}.weight": np.full((4, 4), np.nan, dtype=np.float32) for i in range(4)})
                hidden = model(4)
                hidden["_hidden.weight"] = np.ones((2, 2))
                save("underscore.npz", hidden)
                pickled = model(5)
                pickled["obj.weight"] = np.array([[1, "a"], [None, 2.0]], dtype=object)
                np.savez("pickled.npz", **pickled)
                print(json.dumps(reference(good)))
                """);
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    @Test
    void everyFormatGives202AndEveryLayerHasNumpysSpectrum() {
        for (String format : List.of("good.npz", "good.c.npz", "good.safetensors")) {
            String run = format.replace('.', '-');
            ApiClient.Reply reply = postModel(run, "step=7&lr=0.01&batch=32", format);
            assertEquals(202, reply.status(), reply::toString);
            JsonNode body = reply.json();
            assertEquals(List.of("run", "step", "layers", "skipped"), fieldNames(body), format);
            assertEquals(run, body.get("run").asText());
            assertEquals(7, body.get("step").asLong());
            assertEquals(List.of("enc.0.bias", "norm.weight"), texts(body.get("skipped")), format);
            List<String> layers = new ArrayList<>();
            for (JsonNode l : body.get("layers")) {
                layers.add(l.get("layer").asText());
                JsonNode ref = reference.get(l.get("layer").asText());
                assertEquals(ref.get("rows").asInt(), l.get("rows").asInt(), format);
                assertEquals(ref.get("cols").asInt(), l.get("cols").asInt(), format);
                assertEquals("queued", l.get("status").asText(), format);
            }
            assertEquals(List.of("enc.0.weight", "conv.weight", "head.weight"), layers, format);
            assertEquals(5, body.get("layers").get(1).get("rows").asInt(), "conv.weight: (out, in·kh·kw)");
            assertEquals(18, body.get("layers").get(1).get("cols").asInt(), "conv.weight: (out, in·kh·kw)");

            for (String layer : layers) {
                JsonNode report = Eventually.until(run + "/" + layer + " processed",
                        () -> api.get("/api/v1/runs/" + run + "/layers/" + layer),
                        r -> r.status() == 200).json();
                NumpyModels.assertSpectrum(format + " " + layer, reference.get(layer), report.get("eigenvalues"));
                assertEquals(7, report.get("step").asLong());
                assertEquals(0.01, report.get("learning_rate").asDouble());
                assertEquals(32, report.get("batch_size").asInt());
            }
            JsonNode listed = runView(run);
            assertEquals(layers, texts(listed.get("layers"), "layer"), "GET /api/v1/runs shows every layer");
            for (JsonNode l : listed.get("layers")) {
                assertEquals(1, l.get("received").asLong(), l::toString);
                assertEquals(1, l.get("processed").asLong(), l::toString);
            }
        }
    }

    @Test
    void everyBadEntryIsRefusedByNameAndNothingOfItsModelIsCountedUnderALayer() {
        String run = "bad-entries";
        assertEquals(202, postModel(run, "step=1", "good.npz").status());
        Eventually.until("first model processed", () -> runView(run),
                v -> v.get("layers").size() == 3 && sum(v, "processed") == 3);

        record Bad(String file, int status, String message, String reason) {
        }
        List<Bad> bad = List.of(
                new Bad("shape_changed.npz", 422, "layer enc.0.weight of run bad-entries is 6×4, this snapshot is 4×6",
                        "shape_mismatch"),
                new Bad("nan.npz", 422, "head.weight", "non_finite"),
                new Bad("cap_junk.safetensors", 409, "layer extra.3.weight was not added", "layer_cap"),
                new Bad("underscore.npz", 400, "'_hidden.weight'", "bad_name"),
                new Bad("pickled.npz", 415, "obj.weight", "unsupported_dtype"));
        for (Bad b : bad) {
            ApiClient.Reply reply = postModel(run, "step=2", b.file());
            assertAll(b.file(),
                    () -> assertEquals(b.status(), reply.status(), reply::toString),
                    () -> assertTrue(reply.error().contains(b.message()), reply::toString));
        }
        ApiClient.Reply badRun = postModel("_reserved", "step=2", "good.npz");
        assertEquals(400, badRun.status(), badRun::toString);

        JsonNode view = runView(run);
        assertEquals(bad.size(), view.get("rejected_models").asLong(), view::toString);
        assertEquals(List.of("enc.0.weight", "conv.weight", "head.weight"), texts(view.get("layers"), "layer"),
                "no refused model added a layer (the layer cap refusal included)");
        for (JsonNode l : view.get("layers")) {
            assertEquals(1, l.get("received").asLong(), () -> "only the good model was received: " + l);
            assertEquals(0, l.get("rejected").asLong(), l::toString);
        }
        Scrape scrape = api.scrape();
        for (Bad b : bad) {
            assertEquals(1.0, scrape.value("dyson_snapshots_rejected_total",
                    Map.of("run", run, "layer", "_model", "reason", b.reason())), b.file());
        }
        assertEquals(bad.size(), scrape.value("dyson_snapshots_received_total", Map.of("run", run, "layer", "_model")),
                "each refused model is received once, as a model, and rejected once");
        assertEquals(1.0, scrape.value("dyson_snapshots_rejected_total",
                Map.of("run", "_invalid", "layer", "_model", "reason", "bad_name")));
    }

    @Test
    void aLayerCapViolationIsRefusedFromTheHeaderWithoutDecodingTheJunkValues() {
        // Every value of cap_junk is NaN: decoding would answer 422 non_finite. The header alone
        // (4 new 4×4 layers on top of 3) breaks the cap of 6, and that is the answer: admitted first.
        String run = "junk-values";
        assertEquals(202, postModel(run, "step=1", "good.safetensors").status());
        ApiClient.Reply reply = postModel(run, "step=2", "cap_junk.safetensors");
        assertEquals(409, reply.status(), reply::toString);
        assertTrue(reply.error().contains("has 3 layers and this snapshot adds 4, over the cap of 6"), reply::toString);
        // In a fresh run (room for 4 layers) the same body is admitted and then refused by its values.
        ApiClient.Reply fresh = postModel("junk-fresh", "step=1", "cap_junk.safetensors");
        assertEquals(422, fresh.status(), fresh::toString);
        assertTrue(fresh.error().contains("extra.0.weight"), fresh::toString);
    }

    @Test
    void snapshotsOfKnownLayersDoNotAskTheRegistry() {
        String run = "hot";
        assertEquals(202, postModel(run, "step=1", "good.npz").status());
        long opens = live.monitor().directory().registryOpens();
        byte[] single = NpyFiles.npy(WeightMatrix.of(6, 4, new double[24], false));
        for (int step = 2; step < 22; step++) {
            assertEquals(202, postModel(run, "step=" + step, step % 2 == 0 ? "good.c.npz" : "good.safetensors").status());
            ApiClient.Reply one = api.snapshot(run, "enc.0.weight", "step=" + step, single);
            assertEquals(202, one.status(), one::toString);
        }
        assertEquals(opens, live.monitor().directory().registryOpens(),
                "40 snapshots of known layers, counted where the registry receives an open: none asked it");
        assertEquals(202, api.snapshot(run, "new.weight", "step=30", single).status());
        assertEquals(opens + 1, live.monitor().directory().registryOpens(), "a new layer asks once");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static ApiClient.Reply postModel(String run, String query, String file) {
        try {
            return api.post("/api/v1/runs/" + run + "/snapshots?" + query, Files.readAllBytes(dir.resolve(file)), OCTETS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode runView(String run) {
        for (JsonNode r : api.getJson("/api/v1/runs").get("runs")) {
            if (r.get("run").asText().equals(run)) {
                return r;
            }
        }
        throw new AssertionError("run " + run + " is not listed");
    }

    private static long sum(JsonNode view, String field) {
        long s = 0;
        for (JsonNode l : view.get("layers")) {
            s += l.get(field).asLong();
        }
        return s;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }
}

package org.dysonmonitor.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.ingest.WeightMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.dysonmonitor.http.ApiClient.NPY;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * {@code POST /api/v1/runs/{run}/layers/{layer}/snapshots} against a real server: every .npy layout
 * the design accepts gives 202 and a report with the exact spectrum; every bad input of the design gets
 * its status and a JSON error naming the problem, is counted under its reason on {@code /metrics},
 * and neither loses an accepted snapshot nor disturbs another run.
 */
class SnapshotApiTest {

    private static final long MAX_BODY = 64 * 1024;
    private static final String TOKEN = "s3cret-token";
    private static final String RUN = "valid";
    private static final String BYSTANDER = "bystander";
    /** Each accepted layer gets the snapshots of steps 1, 2, 3 (W scaled by the step). */
    private static final int STEPS = 3;

    private static LiveMonitor live;
    private static ApiClient api;
    private static ApiClient guarded;

    /** One accepted encoding, posted to a layer of its own. */
    private record Layout(boolean float32, boolean fortran, ByteOrder order, boolean wide) {
        String layer() {
            return (float32 ? "f4" : "f8") + "-" + (fortran ? "F" : "C") + "-"
                    + (order == ByteOrder.LITTLE_ENDIAN ? "le" : "be") + "-" + (wide ? "3x5" : "5x3");
        }

        byte[] npy(int step) {
            return NpyEncoder.encode(NpyFiles.orthogonalColumns(step, wide), float32, fortran, order);
        }
    }

    private static final List<Layout> LAYOUTS = layouts();

    /** A request that must be refused, and where its rejection is counted. */
    private record BadInput(String what, Supplier<ApiClient.Reply> send, int status, String message,
                            String runLabel, String layerLabel, String reason) {
    }

    @BeforeAll
    static void start() {
        live = LiveMonitor.start("snapshot-api-test", Map.of());
        api = live.serve(MAX_BODY);
        guarded = live.serve(Optional.of(TOKEN), MAX_BODY);
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    @TestFactory
    Stream<DynamicTest> acceptedSnapshotsSurviveEveryBadInput() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Layout layout : LAYOUTS) {
            tests.add(dynamicTest("accepts " + layout, () -> acceptTrickle(layout)));
        }
        tests.add(dynamicTest("a bystander run with policy all", () -> {
            ApiClient.Reply put = api.put("/api/v1/runs/" + BYSTANDER, "{\"policy\": \"all\", \"learning_rate\": 0.01}");
            assertEquals(200, put.status(), put::toString);
        }));
        AtomicInteger bystanderPosts = new AtomicInteger();
        List<BadInput> bad = badInputs();
        for (BadInput b : bad) {
            tests.add(dynamicTest("refuses " + b.what(), () -> {
                ApiClient.Reply reply = b.send().get();
                assertAll(b.what(),
                        () -> assertEquals(b.status(), reply.status(), reply::toString),
                        () -> assertTrue(reply.error().contains(b.message()),
                                "error \"" + reply.error() + "\" should contain \"" + b.message() + "\""));
                // Another run posting in between is answered as if nothing happened.
                int step = bystanderPosts.incrementAndGet();
                ApiClient.Reply other = api.snapshot(BYSTANDER, "W", "step=" + step,
                        NpyFiles.npy(NpyFiles.diagonal(1, 2, 3, 4)));
                assertEquals(202, other.status(), other::toString);
            }));
        }
        tests.add(dynamicTest("every accepted snapshot is still there", this::acceptedSnapshotsAreIntact));
        tests.add(dynamicTest("the bystander run processed all its snapshots",
                () -> bystanderUndisturbed(bystanderPosts.get())));
        tests.add(dynamicTest("/metrics counts every rejection under its reason", () -> rejectionsCounted(bad)));
        return tests.stream();
    }

    // ---- accepted snapshots --------------------------------------------------------------------

    /** Posts steps 1..3, each once the previous one is processed (a slow trickle: nothing may drop). */
    private static void acceptTrickle(Layout layout) {
        String layer = layout.layer();
        for (int step = 1; step <= STEPS; step++) {
            ApiClient.Reply reply = api.snapshot(RUN, layer, "step=" + step + "&lr=0.05&batch=8", layout.npy(step));
            assertEquals(202, reply.status(), reply::toString);
            JsonNode body = reply.json();
            assertEquals(Set.of("run", "layer", "step", "rows", "cols", "policy", "status"), fieldNames(body));
            assertEquals(RUN, body.get("run").asText());
            assertEquals(layer, body.get("layer").asText());
            assertEquals(step, body.get("step").asLong());
            assertEquals(layout.wide() ? 3 : 5, body.get("rows").asInt());
            assertEquals(layout.wide() ? 5 : 3, body.get("cols").asInt());
            assertEquals("latest", body.get("policy").asText());
            assertEquals("queued", body.get("status").asText());
            long expected = step;
            awaitReport(RUN, layer, r -> r.get("snapshots").asLong() == expected);
        }
        assertExactReport(layout);
    }

    /** The report after steps 1..3: exact eigenvalues and window means, and the design's fields. */
    private static void assertExactReport(Layout layout) {
        JsonNode report = api.getJson("/api/v1/runs/" + RUN + "/layers/" + layout.layer());
        double[] last = NpyFiles.orthogonalColumnsSpectrum(STEPS);
        double[] mean = new double[3];
        for (int s = 1; s <= STEPS; s++) {
            double[] x = NpyFiles.orthogonalColumnsSpectrum(s);
            for (int i = 0; i < 3; i++) {
                mean[i] += x[i] / STEPS;
            }
        }
        assertAll(layout.toString(),
                () -> assertEquals(RUN, report.get("run").asText()),
                () -> assertEquals(layout.layer(), report.get("layer").asText()),
                () -> assertEquals(STEPS, report.get("step").asLong()),
                () -> assertEquals(STEPS, report.get("snapshots").asLong()),
                () -> assertEquals(layout.wide() ? 3 : 5, report.get("rows").asInt()),
                () -> assertEquals(layout.wide() ? 5 : 3, report.get("cols").asInt()),
                () -> assertClose(last, doubles(report.get("eigenvalues")), "eigenvalues"),
                () -> assertClose(mean, doubles(report.get("eigenvalue_mean")), "eigenvalue_mean"),
                () -> assertClose(new double[] {Math.sqrt(last[2])}, new double[] {report.get("spectral_norm").asDouble()},
                        "spectral_norm"),
                () -> assertClose(new double[] {(last[0] + last[1] + last[2]) / last[2]},
                        new double[] {report.get("stable_rank").asDouble()}, "stable_rank"),
                () -> assertEquals(0.05, report.get("learning_rate").asDouble()),
                () -> assertEquals(8, report.get("batch_size").asInt()),
                () -> assertEquals(3, report.get("eigenvalue_variance").size()),
                () -> assertEquals(5, report.get("eigenvalue_quantiles").size()),
                () -> assertTrue(report.get("spacing_ratio_mean").isNumber(), "spacing_ratio_mean"),
                () -> assertTrue(report.get("mp_spikes").isInt(), "mp_spikes"),
                () -> assertTrue(report.get("converged").isBoolean(), "converged"),
                () -> assertTrue(report.get("target").isArray() && report.get("target").isEmpty(), "target"),
                () -> assertTrue(report.get("target_distance").isNull(), "target_distance without a target"),
                () -> assertTrue(fieldNames(report).containsAll(Set.of("spacing_ks_wigner", "spacing_ks_poisson",
                        "mp_ks_distance", "stationary", "pairs", "unfolded_spacings")), () -> "fields " + fieldNames(report)));
    }

    private void acceptedSnapshotsAreIntact() {
        for (Layout layout : LAYOUTS) {
            assertExactReport(layout);
        }
        JsonNode run = findRun(RUN);
        assertEquals("active", run.get("status").asText());
        Map<String, JsonNode> layers = new LinkedHashMap<>();
        run.get("layers").forEach(l -> layers.put(l.get("layer").asText(), l));
        assertEquals(LAYOUTS.stream().map(Layout::layer).collect(java.util.stream.Collectors.toCollection(TreeSet::new)),
                new TreeSet<>(layers.keySet()), "layers of run " + RUN);
        long processed = 0;
        for (JsonNode l : layers.values()) {
            assertEquals(STEPS, l.get("processed").asLong(), l::toString);
            assertEquals(0, l.get("dropped").asLong(), l::toString);
            assertEquals(l.get("received").asLong(),
                    l.get("processed").asLong() + l.get("dropped").asLong() + l.get("rejected").asLong(), l::toString);
            processed += l.get("processed").asLong();
        }
        assertEquals((long) LAYOUTS.size() * STEPS, processed, "processed snapshots of run " + RUN);
    }

    private static void bystanderUndisturbed(int posts) {
        JsonNode layer = Eventually.until("all " + posts + " bystander snapshots processed",
                () -> findRun(BYSTANDER).get("layers").get(0),
                l -> l.get("processed").asLong() == posts);
        assertEquals(posts, layer.get("received").asLong(), layer::toString);
        assertEquals(0, layer.get("dropped").asLong(), layer::toString);
        assertEquals(0, layer.get("rejected").asLong(), layer::toString);
        JsonNode report = api.getJson("/api/v1/runs/" + BYSTANDER + "/layers/W");
        assertEquals(posts, report.get("step").asLong());
        assertClose(new double[] {1, 4, 9, 16}, doubles(report.get("eigenvalues")), "bystander eigenvalues");
    }

    private static void rejectionsCounted(List<BadInput> bad) {
        Map<Map<String, String>, Integer> expected = new LinkedHashMap<>();
        for (BadInput b : bad) {
            expected.merge(Map.of("run", b.runLabel(), "layer", b.layerLabel(), "reason", b.reason()), 1, Integer::sum);
        }
        Eventually.until("every rejection counted (label set → [expected, scraped])", () -> {
            Scrape s = api.scrape();
            Map<Map<String, String>, List<Double>> wrong = new LinkedHashMap<>();
            expected.forEach((labels, n) -> {
                double seen = s.value("dyson_snapshots_rejected_total", labels);
                if (seen != n) {
                    wrong.put(labels, List.of((double) n, seen));
                }
            });
            return wrong;
        }, Map::isEmpty);
        Scrape scrape = api.scrape();
        Map<String, String> run = Map.of("run", RUN);
        double received = scrape.sum("dyson_snapshots_received_total", run);
        double processed = scrape.sum("dyson_snapshots_processed_total", run);
        double dropped = scrape.sum("dyson_snapshots_dropped_total", run);
        double rejected = scrape.sum("dyson_snapshots_rejected_total", run);
        assertEquals(LAYOUTS.size() * STEPS, processed, "processed");
        assertEquals(0, dropped, "dropped");
        assertEquals(received, processed + dropped + rejected, "received = processed + dropped + rejected");
        assertEquals(bad.stream().filter(b -> b.runLabel().equals(RUN)).count(), (long) rejected, "rejected");
    }

    // ---- the bad inputs -------------------------------------------------------------------------

    private static List<BadInput> badInputs() {
        String layer = new Layout(true, false, ByteOrder.LITTLE_ENDIAN, false).layer(); // 5×3 float32
        byte[] good = new Layout(true, false, ByteOrder.LITTLE_ENDIAN, false).npy(1);
        byte[] data15 = NpyFiles.counting(15);
        List<BadInput> cases = new ArrayList<>();
        // Body
        cases.add(body("an empty body", layer, new byte[0], 400, "request body is empty", "empty_body"));
        cases.add(body("data cut short (truncated upload)", layer, NpyFiles.cut(good, good.length - 7), 400,
                "7 bytes missing: was the upload cut short?", "size_mismatch"));
        cases.add(body("a body that ends inside the header", layer, NpyFiles.cut(good, 40), 400,
                "body ends inside the NPY header", "truncated"));
        cases.add(body("a body that ends inside the preamble", layer, NpyFiles.cut(good, 7), 400,
                "inside the NPY preamble", "truncated"));
        cases.add(body("a header whose shape claims more data than sent", layer,
                NpyFiles.v1(NpyFiles.dict("<f8", false, "(6, 3)"), data15), 400,
                "declared shape (6, 3) float64 needs 144 bytes of data, body has 120 (24 bytes missing", "size_mismatch"));
        cases.add(body("a header whose shape claims less data than sent", layer,
                NpyFiles.v1(NpyFiles.dict("<f8", false, "(4, 3)"), data15), 400,
                "needs 96 bytes of data, body has 120 (24 bytes too many)", "size_mismatch"));
        byte[] header = NpyFiles.padded(NpyFiles.dict("<f8", false, "(5, 3)"));
        cases.add(body("a header-length field longer than the body", layer, NpyFiles.v1(1000, header, data15), 400,
                "the header declares 1000 bytes", "truncated"));
        cases.add(body("a header-length field shorter than the header", layer, NpyFiles.v1(20, header, data15), 400,
                "NPY header is not a valid dict literal", "bad_header"));
        cases.add(body("an unknown NPY version", layer, versioned(good, 9), 400,
                "NPY format version 9.0 is not supported", "bad_header"));
        cases.add(body("a body that is not .npy (JSON as octet-stream)", layer,
                "{\"w\": [[1, 2], [3, 4]]}".getBytes(StandardCharsets.UTF_8), 415, "body is not an NPY file", "bad_magic"));
        // Shape
        cases.add(body("a 1-D array", layer, NpyFiles.v1(NpyFiles.dict("<f8", false, "(15,)"), data15), 422,
                "array must be 2-D, got shape (15,)", "bad_shape"));
        cases.add(body("a 3-D array", layer, NpyFiles.v1(NpyFiles.dict("<f8", false, "(1, 5, 3)"), data15), 422,
                "array must be 2-D, got 3-D shape (1, 5, 3)", "bad_shape"));
        cases.add(body("an array without rows", layer, NpyFiles.v1(NpyFiles.dict("<f8", false, "(0, 3)"), new byte[0]),
                422, "at least 1 row and 1 column", "bad_shape"));
        cases.add(body("a layer whose shape changes (3×5 after 5×3)", layer,
                NpyEncoder.encode(NpyFiles.orthogonalColumns(1, true)), 422,
                "layer " + layer + " of run " + RUN + " is 5×3, this snapshot is 3×5", "shape_mismatch"));
        // Dtype
        byte[] pickle = {(byte) 0x80, 4, (byte) 0x95, 0, 0, 0, 0, 0, 0, 0, 0, '.'};
        cases.add(body("a pickled object array", layer, NpyFiles.v1(NpyFiles.dict("|O", false, "(5, 3)"), pickle), 415,
                "Python objects, stored as a pickle) is not supported: the monitor never unpickles", "unsupported_dtype"));
        cases.add(body("complex128", layer, NpyFiles.v1(NpyFiles.dict("<c16", false, "(5, 3)"), NpyFiles.counting(30)),
                415, "dtype '<c16' (complex128) is not supported", "unsupported_dtype"));
        cases.add(body("int64", layer, NpyFiles.v1(NpyFiles.dict("<i8", false, "(5, 3)"), data15), 415,
                "(int64) is not supported", "unsupported_dtype"));
        cases.add(body("int32", layer, NpyFiles.v1(NpyFiles.dict("<i4", false, "(5, 3)"), NpyFiles.cut(data15, 60)), 415,
                "(int32) is not supported", "unsupported_dtype"));
        // Values
        cases.add(body("NaN", layer, nonFinite(1, 2, Double.NaN, false, false, ByteOrder.LITTLE_ENDIAN), 422,
                "value at row 1, col 2 is NaN", "non_finite"));
        cases.add(body("+Inf (float64, Fortran order, big-endian)", layer,
                nonFinite(4, 0, Double.POSITIVE_INFINITY, false, true, ByteOrder.BIG_ENDIAN), 422,
                "value at row 4, col 0 is +Inf", "non_finite"));
        cases.add(body("-Inf (float32)", layer, nonFinite(0, 1, Double.NEGATIVE_INFINITY, true, false, ByteOrder.LITTLE_ENDIAN),
                422, "value at row 0, col 1 is -Inf", "non_finite"));
        // Size
        byte[] large = NpyFiles.npy(NpyFiles.diagonal(new double[100])); // 80 128 bytes > 64 KiB
        cases.add(body("a body over --max-body (Content-Length)", layer, large, 413,
                "body of 80128 bytes is over the limit of 65536 bytes (--max-body)", "too_large"));
        cases.add(new BadInput("a body over --max-body (chunked)",
                () -> api.postChunked(ApiClient.snapshotPath(RUN, layer, "step=100"), large, NPY), 413,
                "over the limit of 65536 bytes (--max-body)", RUN, layer, "too_large"));
        // Content type
        cases.add(new BadInput("Content-Type application/json",
                () -> api.post(ApiClient.snapshotPath(RUN, layer, "step=100"), good, "application/json"), 415,
                "send the .npy bytes as application/octet-stream", RUN, layer, "bad_content_type"));
        // Names
        // A rejection of an unknown run counts under run and layer _invalid: it makes no series of its names.
        String longName = "r".repeat(65);
        cases.add(new BadInput("a run name of 65 characters", () -> api.snapshot(longName, layer, "step=100", good), 400,
                "name \"" + longName + "\" is not allowed: use 1 to 64 characters", "_invalid", "_invalid", "bad_name"));
        cases.add(new BadInput("a run name with a space", () -> api.snapshot("bad%20run", layer, "step=100", good), 400,
                "name \"bad run\" is not allowed", "_invalid", "_invalid", "bad_name"));
        cases.add(new BadInput("a layer name with a non-ASCII letter", () -> api.snapshot(RUN, "na%C3%AFve", "step=100", good),
                400, "name \"naïve\" is not allowed", RUN, "_invalid", "bad_name"));
        cases.add(new BadInput("a layer name with an encoded slash", () -> api.snapshot(RUN, "a%2Fb", "step=100", good),
                400, "is not allowed", RUN, "_invalid", "bad_name"));
        // Query
        cases.add(query("a missing step", layer, "", good, "query parameter step is required", "bad_step"));
        cases.add(query("a negative step", layer, "step=-5", good, "step must be a non-negative integer, got -5", "bad_step"));
        cases.add(query("a non-numeric step", layer, "step=ten", good, "step must be a non-negative integer, got \"ten\"", "bad_step"));
        cases.add(query("a negative learning rate", layer, "step=100&lr=-0.1", good, "lr must be a positive number", "bad_parameter"));
        cases.add(query("a batch of 0", layer, "step=100&batch=0", good, "batch must be a positive integer", "bad_parameter"));
        return cases;
    }

    private static BadInput body(String what, String layer, byte[] npy, int status, String message, String reason) {
        return new BadInput(what, () -> api.snapshot(RUN, layer, "step=100", npy), status, message, RUN, layer, reason);
    }

    private static BadInput query(String what, String layer, String query, byte[] npy, String message, String reason) {
        return new BadInput(what, () -> api.snapshot(RUN, layer, query, npy), 400, message, RUN, layer, reason);
    }

    private static byte[] versioned(byte[] npy, int major) {
        byte[] copy = npy.clone();
        copy[6] = (byte) major;
        return copy;
    }

    /** A valid 5×3 layout of the test matrix with one value replaced by {@code bad}. */
    private static byte[] nonFinite(int row, int col, double bad, boolean float32, boolean fortran, ByteOrder order) {
        double[] v = NpyFiles.orthogonalColumns(1, false).toRowMajor();
        v[row * 3 + col] = bad;
        return NpyEncoder.encode(WeightMatrix.of(5, 3, v, false), float32, fortran, order);
    }

    // ---- independent of the scenario above -----------------------------------------------------------

    @Test
    void aTokenProtectedServerAnswers401WithAChallengeAndAcceptsTheRightToken() {
        byte[] npy = NpyFiles.npy(NpyFiles.diagonal(1, 2));
        String path = ApiClient.snapshotPath("guarded", "W", "step=1");
        ApiClient.Reply missing = guarded.withToken(Optional.empty()).post(path, npy, NPY);
        ApiClient.Reply wrong = guarded.withToken(Optional.of("not-the-token")).post(path, npy, NPY);
        ApiClient.Reply listing = guarded.withToken(Optional.empty()).get("/api/v1/runs");
        assertAll(
                () -> assertEquals(401, missing.status(), missing::toString),
                () -> assertTrue(missing.error().contains("requires a bearer token: send Authorization: Bearer <token>"),
                        missing::error),
                () -> assertTrue(missing.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"),
                        () -> "WWW-Authenticate: " + missing.headers().map()),
                () -> assertEquals(401, wrong.status(), wrong::toString),
                () -> assertEquals("the bearer token is wrong", wrong.error()),
                () -> assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer")),
                () -> assertEquals(401, listing.status(), listing::toString));
        ApiClient.Reply ok = guarded.post(path, npy, NPY);
        assertEquals(202, ok.status(), ok::toString);
        // Only /api is protected: Prometheus scrapes without the token.
        assertEquals(200, guarded.withToken(Optional.empty()).get("/metrics").status());
        assertEquals(200, guarded.withToken(Optional.empty()).get("/healthz").status());
        JsonNode runs = guarded.getJson("/api/v1/runs");
        assertTrue(runs.toString().contains("\"guarded\""), runs::toString);
        // A browser's EventSource cannot send headers: the token may come as ?access_token= (RFC 6750 §2.3).
        ApiClient anonymous = guarded.withToken(Optional.empty());
        assertEquals(200, anonymous.get("/api/v1/runs?access_token=" + TOKEN).status());
        ApiClient.Reply wrongQuery = anonymous.get("/api/v1/runs?access_token=not-the-token");
        assertEquals(401, wrongQuery.status(), wrongQuery::toString);
        assertEquals("the bearer token is wrong", wrongQuery.error());
    }

    @Test
    void badRunMetadataIs400AndCreatesNoRun() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"learning_rate\": 0.1", "body is not valid JSON");
        cases.put("[0.1, 16]", "body must be a JSON object");
        cases.put("{\"learningrate\": 0.1}", "unknown field \"learningrate\": allowed are [batch_size, learning_rate, partial_above, policy, targets]");
        cases.put("{\"policy\": \"newest\"}", "policy must be \"latest\" or \"all\", got \"newest\"");
        cases.put("{\"learning_rate\": -0.1}", "learning_rate must be a positive number, got -0.1");
        cases.put("{\"batch_size\": 1.5}", "batch_size must be a positive integer, got 1.5");
        cases.put("{\"targets\": {\"W\": [1, \"x\"]}}", "target for layer W must be a non-empty array of finite numbers");
        cases.put("{\"targets\": [1, 2]}", "targets must be an object");
        List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ApiClient.Reply reply = api.put("/api/v1/runs/bad-metadata", c.getKey());
            checks.add(() -> assertEquals(400, reply.status(), () -> c.getKey() + " → " + reply));
            checks.add(() -> assertTrue(reply.error().contains(c.getValue()),
                    () -> c.getKey() + " → " + reply.error() + ", expected " + c.getValue()));
        }
        String huge = "{\"targets\": {\"W\": [" + "1, ".repeat(30_000) + "1]}}"; // 90 kB > --max-body
        ApiClient.Reply tooLarge = api.put("/api/v1/runs/bad-metadata", huge);
        checks.add(() -> assertEquals(413, tooLarge.status(), tooLarge::toString));
        checks.add(() -> assertEquals("run metadata is over the limit of 65536 bytes", tooLarge.error()));
        ApiClient.Reply tooLargeChunked = api.send(api.request("/api/v1/runs/bad-metadata")
                .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8)))));
        checks.add(() -> assertEquals(413, tooLargeChunked.status(), tooLargeChunked::toString));
        checks.add(() -> assertEquals("run metadata is over the limit of 65536 bytes", tooLargeChunked.error()));
        ApiClient.Reply badName = api.put("/api/v1/runs/bad%20name", "{}");
        checks.add(() -> assertEquals(400, badName.status(), badName::toString));
        checks.add(() -> assertTrue(badName.error().contains("name \"bad name\" is not allowed"), badName::error));
        assertAll(checks.stream());
        assertFalse(api.getJson("/api/v1/runs").toString().contains("bad-metadata"), "a refused PUT created a run");
    }

    @Test
    void unknownRunsAndLayersAre404() {
        assertEquals(202, api.snapshot("known", "W", "step=1", NpyFiles.npy(NpyFiles.diagonal(1, 2))).status());
        ApiClient.Reply noRun = api.get("/api/v1/runs/no-such-run/layers/W");
        ApiClient.Reply noLayer = api.get("/api/v1/runs/known/layers/no-such-layer");
        ApiClient.Reply finishNoRun = api.post("/api/v1/runs/no-such-run/finish");
        ApiClient.Reply noRoute = api.get("/api/v1/no-such-thing");
        ApiClient.Reply badLayerName = api.get("/api/v1/runs/known/layers/a%20b");
        assertAll(
                () -> assertEquals(404, noRun.status(), noRun::toString),
                () -> assertEquals("no run named no-such-run", noRun.error()),
                () -> assertEquals(404, noLayer.status(), noLayer::toString),
                () -> assertEquals("run known has no layer named no-such-layer", noLayer.error()),
                () -> assertEquals(404, finishNoRun.status(), finishNoRun::toString),
                () -> assertEquals("no run named no-such-run", finishNoRun.error()),
                () -> assertEquals(404, noRoute.status(), noRoute::toString),
                () -> assertFalse(noRoute.error().isBlank()),
                () -> assertEquals(400, badLayerName.status(), badLayerName::toString),
                () -> assertTrue(badLayerName.error().contains("name \"a b\" is not allowed"), badLayerName::error));
    }

    // ---- plumbing ------------------------------------------------------------------------------------

    private static JsonNode awaitReport(String run, String layer, java.util.function.Predicate<JsonNode> done) {
        String path = "/api/v1/runs/" + run + "/layers/" + layer;
        return Eventually.until("report of " + run + "/" + layer, () -> api.get(path),
                r -> r.status() == 200 && done.test(r.json())).json();
    }

    private static JsonNode findRun(String name) {
        for (JsonNode run : api.getJson("/api/v1/runs").get("runs")) {
            if (run.get("run").asText().equals(name)) {
                return run;
            }
        }
        return org.junit.jupiter.api.Assertions.fail("GET /api/v1/runs does not list " + name);
    }

    static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static double[] doubles(JsonNode array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asDouble();
        }
        return v;
    }

    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double tolerance = 1e-9 * Math.abs(expected[i]);
            assertEquals(expected[i], actual[i], tolerance, what + "[" + i + "]");
        }
    }

    private static List<Layout> layouts() {
        List<Layout> layouts = new ArrayList<>();
        for (boolean float32 : new boolean[] {true, false}) {
            for (boolean fortran : new boolean[] {false, true}) {
                for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                    // Wide and tall alternate, so both Gram matrices (WᵀW and WWᵀ) are exercised.
                    layouts.add(new Layout(float32, fortran, order, fortran ^ (order == ByteOrder.BIG_ENDIAN)));
                }
            }
        }
        return List.copyOf(layouts);
    }
}

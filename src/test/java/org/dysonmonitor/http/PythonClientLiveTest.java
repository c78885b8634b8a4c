package org.dysonmonitor.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Python package {@code clients/python} installed into a fresh venv as a user without a package
 * index installs it ({@link PythonVenv}), then its own tests run by Debian's python3 (with torch)
 * against a real server with a bearer token, so that the live tests talk to the monitor instead of
 * being skipped. The whole-model tests may skip only while the server has no whole-model route, which
 * this test checks itself.
 */
class PythonClientLiveTest {

    private static final String TOKEN = "python-client-token";
    private static final long MAX_BODY = 1 << 20;
    /** The only skip reason allowed, and only while the route is missing (tests/test_live.py). */
    private static final String NO_MODEL_ROUTE = "the server has no whole-model route POST /api/v1/runs/{run}/snapshots";
    /** One line of {@code unittest -v}: name, module.Class[.name], result. */
    private static final Pattern RESULT = Pattern.compile(
            "^(test_\\w+) \\(([\\w.]+)\\) \\.\\.\\. (.*)$", Pattern.MULTILINE);
    private static final List<String> LIVE_TESTS = List.of(
            "SingleLayerTest.test_a_run_round_trip", "SingleLayerTest.test_finish_refuses_later_snapshots",
            "SingleLayerTest.test_bad_name_is_rejected_by_the_server",
            "SingleLayerTest.test_one_dimensional_array_is_rejected_by_the_server",
            "SingleLayerTest.test_non_finite_values_are_rejected_by_the_server",
            "SingleLayerTest.test_a_negative_step_is_rejected_by_the_server",
            "SingleLayerTest.test_a_wrong_token_is_401_when_the_monitor_has_one",
            "SingleLayerTest.test_a_layer_over_the_body_limit_gets_the_servers_413",
            "WholeModelTest.test_a_whole_model_round_trip",
            "WholeModelTest.test_a_compressed_npz_passes_through_and_vectors_are_listed_as_skipped",
            "WholeModelTest.test_one_bad_layer_refuses_the_whole_model",
            "WatchTest.test_an_mlp", "WatchTest.test_a_transformer_encoder_layer_with_its_in_proj_weight");

    @TempDir
    static Path dir;

    private static LiveMonitor live;
    private static ApiClient api;
    private static PythonVenv venv;

    @BeforeAll
    static void start() throws Exception {
        Path clients = Path.of("clients", "python").toAbsolutePath();
        assertTrue(Files.isRegularFile(clients.resolve("pyproject.toml")), "no " + clients + "/pyproject.toml");
        venv = PythonVenv.install(clients, dir);
        live = LiveMonitor.start("python-client-live-test", Map.of());
        api = live.serve(Optional.of(TOKEN), MAX_BODY);
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    @Test
    void thePackageIsInstalledAndImportingItDoesNotImportTorch() throws Exception {
        PythonVenv.Result result = venv.python(dir, Map.of(), 60, "-c",
                "import sys, dyson_monitor; print(dyson_monitor.__file__); "
                        + "print(sorted(m for m in sys.modules if m.split('.')[0] == 'torch'))");
        assertEquals(0, result.exitCode(), result.output());
        List<String> lines = result.output().strip().lines().toList();
        assertTrue(Path.of(lines.get(0)).startsWith(venv.home()), "imported from outside the venv: " + lines);
        assertEquals("[]", lines.get(1), "import dyson_monitor imported torch");
    }

    @Test
    void thePythonTestsPassAgainstARealServer() throws Exception {
        boolean modelRoute = hasModelRoute();
        // Run from the temporary directory, so that only the installed package can be imported.
        PythonVenv.Result result = venv.python(dir, Map.of("DYSON_URL", api.url(), "DYSON_TOKEN", TOKEN,
                        "DYSON_MAX_BODY", Long.toString(MAX_BODY), "NO_PROXY", "127.0.0.1", "no_proxy", "127.0.0.1"), 300,
                "-m", "unittest", "discover", "-s", venv.sources().resolve("tests").toString(), "-v");
        String out = result.output();
        assertEquals(0, result.exitCode(), out);
        Map<String, String> results = new LinkedHashMap<>();
        Matcher m = RESULT.matcher(out);
        while (m.find()) {
            String where = m.group(2).endsWith("." + m.group(1)) ? m.group(2) : m.group(2) + "." + m.group(1);
            results.put(where.substring(where.indexOf('.') + 1), m.group(3));
        }
        for (String test : LIVE_TESTS) {
            assertTrue(results.containsKey(test), () -> test + " did not run:\n" + out);
        }
        String allowedSkip = "skipped '" + NO_MODEL_ROUTE + "'";
        results.forEach((test, outcome) -> {
            boolean skipAllowed = !modelRoute && test.startsWith("WholeModelTest.") && outcome.equals(allowedSkip);
            assertTrue(outcome.equals("ok") || skipAllowed, () -> test + ": " + outcome + "\n" + out);
        });
        assertTrue(results.size() >= 40, () -> "only " + results.size() + " tests ran:\n" + out);
        assertTrue(Pattern.compile("\\nOK( \\(skipped=\\d+\\))?$").matcher(out.strip()).find(), out);
        // The client really talked to this server.
        assertTrue(api.getJson("/api/v1/runs").toString().contains("client-test-"), "no run of the client was listed");
    }

    /** Whether this server has the whole-model route: only a missing route answers 404/405 to a bad body. */
    private static boolean hasModelRoute() {
        int status = api.post("/api/v1/runs/python-route-probe/snapshots?step=0",
                "not a model".getBytes(java.nio.charset.StandardCharsets.US_ASCII), ApiClient.NPY).status();
        return status != 404 && status != 405;
    }
}

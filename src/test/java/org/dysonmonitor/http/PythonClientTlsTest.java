package org.dysonmonitor.http;

import org.dysonmonitor.tls.TestCa;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The installed Python client ({@link PythonVenv}) against a real monitor over HTTPS with a test CA and
 * scoped tokens: {@code clients/python/tests/live_https.py}, every test of which must pass, none skip.
 */
class PythonClientTlsTest {

    private static final String INGEST = "py-ingest-token";
    private static final String READ = "py-read-token";
    private static final Pattern RESULT = Pattern.compile("^(test_\\w+) \\(([\\w.]+)\\) \\.\\.\\. (.*)$", Pattern.MULTILINE);
    private static final List<String> TESTS = List.of("test_a_run_round_trip_over_https_with_the_test_ca",
            "test_a_client_trusting_only_another_ca_fails_the_handshake",
            "test_the_system_trust_store_does_not_trust_the_test_ca", "test_a_read_token_cannot_post",
            "test_no_token_is_401", "test_ca_file_needs_https_and_a_readable_pem",
            "test_watch_passes_the_ca_file_and_token_through");

    @TempDir
    static Path dir;

    private static LiveMonitor live;
    private static HttpServer server;
    private static TestCa ca;
    private static PythonVenv venv;

    @BeforeAll
    static void start() throws Exception {
        venv = PythonVenv.install(Path.of("clients", "python").toAbsolutePath(), dir);
        ca = TestCa.create(dir.resolve("ca"));
        live = LiveMonitor.start("python-tls-test", Map.of());
        server = HttpServer.start(live.monitor(), new ServerOptions("127.0.0.1", 0, Optional.empty(), 1 << 20)
                .withTokens(AccessTokens.parse("ingest " + INGEST + "\nread " + READ), AccessTokens.none())
                .withTls(ca.serverContext()), new akka.http.javadsl.server.AllDirectives() { }.reject());
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    @Test
    void thePythonClientSpeaksHttpsWithTheTestCaAndTokens() throws Exception {
        PythonVenv.Result result = venv.python(venv.sources().resolve("tests"), Map.of(
                        "DYSON_TLS_URL", server.url(), "DYSON_CA_FILE", ca.caFile().toString(),
                        "DYSON_OTHER_CA_FILE", ca.otherCaFile().toString(),
                        "DYSON_INGEST_TOKEN", INGEST, "DYSON_READ_TOKEN", READ,
                        "NO_PROXY", "127.0.0.1", "no_proxy", "127.0.0.1"), 300,
                "-m", "unittest", "-v", "live_https");
        String out = result.output();
        assertEquals(0, result.exitCode(), out);
        Matcher m = RESULT.matcher(out);
        java.util.Map<String, String> outcomes = new java.util.HashMap<>();
        while (m.find()) {
            outcomes.put(m.group(1), m.group(3));
        }
        for (String test : TESTS) {
            assertEquals("ok", outcomes.get(test), () -> test + ":\n" + out);
        }
        assertTrue(out.strip().endsWith("OK"), out);
    }
}

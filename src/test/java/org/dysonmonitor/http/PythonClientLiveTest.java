package org.dysonmonitor.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Python client's own tests ({@code clients/python}), run with {@code DYSON_URL} pointing at a
 * real server with a bearer token, so that {@code LiveServerTest} talks to the monitor instead of
 * being skipped.
 */
class PythonClientLiveTest {

    private static final String TOKEN = "python-client-token";
    private static final Pattern LIVE_RESULT = Pattern.compile(
            "^(test_\\w+) \\(test_dyson_client\\.LiveServerTest\\.test_\\w+\\) \\.\\.\\. (.*)$", Pattern.MULTILINE);

    private static LiveMonitor live;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        live = LiveMonitor.start("python-client-live-test", Map.of());
        api = live.serve(Optional.of(TOKEN), 1 << 20);
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    @Test
    void thePythonClientsLiveTestsPassAgainstARealServer() throws Exception {
        Path clients = Path.of("clients", "python").toAbsolutePath();
        assertTrue(Files.isDirectory(clients), "no " + clients);
        ProcessBuilder pb = new ProcessBuilder("python3", "-m", "unittest", "discover", "-s", clients.toString(), "-v")
                .directory(clients.toFile())
                .redirectErrorStream(true);
        pb.environment().put("DYSON_URL", api.url());
        pb.environment().put("DYSON_TOKEN", TOKEN);
        pb.environment().put("NO_PROXY", "127.0.0.1");
        pb.environment().put("no_proxy", "127.0.0.1");
        Process p;
        try {
            p = pb.start();
        } catch (java.io.IOException e) {
            fail("cannot run python3 (with numpy: apt-get install python3-numpy): " + e.getMessage());
            return;
        }
        p.getOutputStream().close();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("python3 -m unittest did not finish in 120 s; output so far is lost");
        }
        String out = output.get(10, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
        Matcher m = LIVE_RESULT.matcher(out);
        List<String> live = new java.util.ArrayList<>();
        while (m.find()) {
            assertEquals("ok", m.group(2), () -> m.group(1) + " did not pass:\n" + out);
            live.add(m.group(1));
        }
        assertTrue(live.size() >= 7, () -> "LiveServerTest ran only " + live + ":\n" + out);
        assertFalse(out.contains("skipped"), () -> "a test was skipped:\n" + out);
        assertTrue(out.strip().endsWith("OK"), out);
        // The client really talked to this server.
        assertTrue(api.getJson("/api/v1/runs").toString().contains("client-test-"), "no run of the client was listed");
    }
}

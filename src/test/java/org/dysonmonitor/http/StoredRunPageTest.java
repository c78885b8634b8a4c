package org.dysonmonitor.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.logging.LogEntry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run of an earlier process on the live page: a monitor with a store takes a run's snapshots, the
 * run finishes, the monitor stops; a new monitor on the same data directory has no live layer for
 * it, and the page opened on that run draws its stored history (every stored step, the stored
 * eigenvalues exactly), without errors in the browser; saved as {@code target/live-page-stored.png}.
 */
class StoredRunPageTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Path SCREENSHOT = Path.of("target", "live-page-stored.png");
    private static final Path DRIVER_LOG = Path.of("target", "chromedriver-stored.log");
    private static final double[] TARGET = {1, 1.382, 1.382, 2.382, 2.382, 3.618, 3.618, 4.618, 4.618, 5};
    private static final int SNAPSHOTS = 40;

    @TempDir
    Path data;

    @Test
    @Timeout(120)
    void aRunOfAnEarlierProcessIsDrawnFromTheStore() throws Exception {
        SplittableRandom rng = new SplittableRandom(3);
        List<double[]> posted = new ArrayList<>();
        try (LiveDemo first = LiveDemo.startWithStore(data)) {
            for (int k = 1; k <= SNAPSHOTS; k++) {
                double[] x = new double[TARGET.length];
                for (int i = 0; i < x.length; i++) {
                    x[i] = TARGET[i] + 0.05 * rng.nextGaussian();
                }
                java.util.Arrays.sort(x);
                posted.add(x);
                LivePageTest.postDiagonal(first.url(), "earlier", 10L * k, x);
            }
            LivePageTest.waitFor("every report stored", Duration.ofSeconds(30),
                    () -> points(first.url()), p -> p.size() == SNAPSHOTS);
            HttpResponse<String> finish = HTTP.send(HttpRequest.newBuilder(URI.create(first.url() + "/api/v1/runs/earlier/finish"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, finish.statusCode(), finish.body());
        }
        try (LiveDemo second = LiveDemo.startWithStore(data);
             HeadlessChromium chromium = HeadlessChromium.start(1440, 1000, DRIVER_LOG)) {
            HttpResponse<String> live = HTTP.send(HttpRequest.newBuilder(URI.create(second.url()
                    + "/api/v1/runs/earlier/layers/fc1")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, live.statusCode(), "no live layer after the restart: " + live.body());
            HttpResponse<String> runs = HTTP.send(HttpRequest.newBuilder(URI.create(second.url() + "/api/v1/runs")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode listed = Json.MAPPER.readTree(runs.body()).get("runs").get(0);
            assertEquals("finished", listed.get("status").asText(), listed.toString());
            JsonNode layer = listed.get("layers").get(0);
            assertEquals(SNAPSHOTS, layer.get("received").asLong(), "the accounting stored at the finish: " + layer);
            assertEquals(SNAPSHOTS, layer.get("processed").asLong(), layer.toString());

            chromium.driver().get(second.url() + "/#run=earlier&layer=fc1");
            JsonNode page = LivePageTest.waitForPage(chromium, "the stored run drawn", Duration.ofSeconds(30),
                    s -> "earlier".equals(s.path("reportRun").asText()) && s.path("historyLength").asInt() == SNAPSHOTS);
            assertEquals(10, page.get("firstStep").asLong(), "drawn from the run's first stored report");
            assertEquals(10L * SNAPSHOTS, page.get("step").asLong(), "up to its last");
            for (int k : new int[] {1, SNAPSHOTS / 2, SNAPSHOTS}) {
                JsonNode drawn = Json.MAPPER.readTree(chromium.script(
                        "return JSON.stringify(window.__dyson.drawnAt(" + 10L * k + "))"));
                assertFalse(drawn.isNull(), "step " + 10 * k + " is drawn");
                for (int j = 0; j < drawn.get("modes").size(); j++) {
                    int mode = drawn.get("modes").get(j).asInt();
                    assertEquals(posted.get(k - 1)[mode], drawn.get("values").get(j).asDouble(), 1e-12,
                            "mode " + mode + " at step " + 10 * k);
                }
            }
            Thread.sleep(1_000); // one more render
            chromium.screenshotOfPage(SCREENSHOT);
            assertTrue(Files.size(SCREENSHOT) > 20_000, "a screenshot with content");
            List<String> problems = new ArrayList<>();
            for (LogEntry e : chromium.consoleSinceLastCall()) {
                if (e.getLevel().intValue() >= Level.WARNING.intValue() && !e.getMessage().contains("/fc1 - Failed to load")) {
                    problems.add(e.getLevel() + " " + e.getMessage());
                }
            }
            assertEquals(List.of(), problems, "the browser console (the 404 of the live report aside)");
            assertEquals("[]", LivePageTest.summary(chromium).get("errors").toString(), "errors caught by the page");
        }
    }

    private static JsonNode points(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url
                    + "/api/v1/runs/earlier/layers/fc1/history?max_points=10000")).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Json.MAPPER.readTree(r.body()).get("points") : Json.MAPPER.createArrayNode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

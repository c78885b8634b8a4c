package org.dysonmonitor.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.logging.LogEntry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The live page at {@code /} against the demo's runs, in Debian's headless Chromium: it loads from the
 * jar alone without console errors, its charts draw what the monitor reports, switching the run
 * switches the charts, and the RBM watched from its first step until it converged is saved as a
 * screenshot to {@code target/live-page.png}.
 */
class LivePageTest {

    /**
     * Steps per second of each run: the demo's own pace. The RBM reaches its targets within ~2000 steps,
     * so at this pace the page (watching from the first step) draws the approach over ~10 reports, and
     * the runs are stationary with pair statistics after ~10 s.
     */
    private static final double PACE = 2000;
    private static final Path SCREENSHOT = Path.of("target", "live-page.png");
    private static final Path SCREENSHOT_LINEAR = Path.of("target", "live-page-linear.png");
    private static final Path SCREENSHOT_BULK = Path.of("target", "live-page-bulk.png");
    private static final Path SCREENSHOT_DBM = Path.of("target", "live-page-dyson.png");
    private static final Path SCREENSHOT_HISTORY = Path.of("target", "live-page-history.png");
    private static final String EXTERNAL = "external-mlp";
    private static final String DECADE_EDGE = "decade-edge";
    private static final Path DRIVER_LOG = Path.of("target", "chromedriver.log");
    private static final String LAYER = LiveDemo.LAYER;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static LiveDemo demo;

    @BeforeAll
    static void startMonitor() {
        demo = LiveDemo.start();
    }

    @AfterAll
    static void stopMonitor() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void servesThePageAndUplotFromTheMonitorItself() {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(contentType(page).startsWith("text/html"), contentType(page));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));

        List<String> references = new ArrayList<>();
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.body());
        while (m.find()) {
            if (!m.group(1).startsWith("data:")) {
                references.add(m.group(1));
            }
        }
        assertTrue(references.containsAll(List.of("vendor/uplot/uPlot.iife.min.js", "vendor/uplot/uPlot.min.css",
                "static/app.js", "static/app.css")), references.toString());
        for (String ref : references) {
            assertFalse(ref.contains("//") || ref.startsWith("/"), "the page must load " + ref + " relative to itself");
            assertEquals(200, get("/" + ref).statusCode(), ref);
        }

        HttpResponse<String> uplot = get("/vendor/uplot/uPlot.iife.min.js");
        assertTrue(contentType(uplot).startsWith("application/javascript"), contentType(uplot));
        assertTrue(uplot.body().contains("uPlot") && uplot.body().length() > 40_000, "uPlot's script");
        assertTrue(contentType(get("/vendor/uplot/uPlot.min.css")).startsWith("text/css"));
        assertTrue(contentType(get("/static/app.js")).startsWith("application/javascript"));

        List<String> own = new ArrayList<>(List.of("index.html"));
        references.stream().filter(r -> r.startsWith("static/")).map(r -> r.substring("static/".length())).forEach(own::add);
        assertTrue(own.size() >= 10, "index.html, the style sheet and the page's scripts: " + own);
        for (String resource : own) {
            // The favicon is an inline SVG: its XML namespace is a name, not a download.
            String text = classpathText(LivePage.WEB + "/" + resource).replace("http://www.w3.org/2000/svg", "");
            assertFalse(text.contains("http://") || text.contains("https://"),
                    resource + " must not load anything from the internet: the page has to work offline");
        }

        for (String missing : List.of("/static/nope.js", "/vendor/uplot/nope.js", "/static/../application.conf",
                "/static/..%2Fapplication.conf", "/vendor/uplot/..%2F..%2F..%2F..%2F..%2Fapplication.conf")) {
            HttpResponse<String> r = get(missing);
            assertEquals(404, r.statusCode(), missing);
            assertFalse(r.body().contains("max-runs"), missing + " must not serve the configuration");
        }
        assertEquals(200, get("/api/v1/runs").statusCode(), "the API still answers beside the page");
    }

    @Test
    @Timeout(90)
    void drawsTheLiveRunsAndFollowsTheRunSelector() throws Exception {
        String rbm = LiveDemo.RBM_RUNS.get(1).name(); // α = 0.1, |B| = 16: the defaults of a single run
        try (HeadlessChromium chromium = HeadlessChromium.start(1440, 1000, DRIVER_LOG)) {
            // 0. The page opens before any run exists, asking for one by its address: it says so, and already
            //    listens for that run, so it draws the run from its first report.
            chromium.driver().get(demo.url() + "/#run=" + rbm + "&layer=" + LAYER);
            waitFor("the page to say that there are no runs yet", Duration.ofSeconds(15),
                    () -> chromium.script("const b = document.getElementById('banner');"
                            + " return b && !b.hidden ? b.textContent : ''"), text -> text.startsWith("No runs yet"));
            waitForPage(chromium, "the page to listen for " + rbm, Duration.ofSeconds(10),
                    s -> rbm.equals(s.path("run").asText()) && "live".equals(s.path("stream").asText()));
            demo.startTrainers(PACE);

            // 1. The run asked for appears, and its charts draw what the monitor reports.
            JsonNode early = waitForPage(chromium, rbm + "'s charts to draw data", Duration.ofSeconds(20),
                    s -> s.path("points").path("eigen").asInt() >= 5 && s.path("points").path("ratio").asInt() > 0);
            assertEquals(rbm, early.get("run").asText());
            assertEquals(rbm, early.get("reportRun").asText());
            assertEquals(LAYER, early.get("layer").asText());
            assertEquals(rbm, chromium.driver().findElement(By.id("run")).getDomProperty("value"));
            assertEquals(10, early.get("modes").asInt());
            assertEquals(10, early.path("series").path("eigen").asInt(), "one line per mode");
            assertEquals("live", early.get("stream").asText());
            assertTrue(early.get("firstStep").asLong() <= 100,
                    "drawn from the first snapshots (step 10 on), not from step " + early.get("firstStep"));
            JsonNode report = getJson("/api/v1/runs/" + rbm + "/layers/" + LAYER);
            assertArrayEquals(doubles(report.get("target")), doubles(early.get("target")), "the target lines");

            // 2. The page shows exactly the reports that the stream carries.
            JsonNode streamed = nextStreamedReport(rbm);
            long step = streamed.get("step").asLong();
            String onPage = waitFor("the page to receive the report of step " + step, Duration.ofSeconds(10),
                    () -> chromium.script("return JSON.stringify(window.__dyson.eigenvaluesAt(arguments[0]))", step),
                    v -> v != null && !v.equals("null"));
            assertArrayEquals(doubles(streamed.get("eigenvalues")), doubles(Json.MAPPER.readTree(onPage)), 0.0);

            // 3. The run converges onto its target lines, and its pair spacings follow the Wigner surmise.
            JsonNode converged = waitForPage(chromium, rbm + " to converge with pair statistics on the page",
                    Duration.ofSeconds(45), s -> rbm.equals(s.path("reportRun").asText())
                            && s.path("converged").asBoolean()
                            && s.path("points").path("eigen").asInt() >= 30
                            && s.path("points").path("sigma").asInt() >= 10
                            && s.path("points").path("spacing").asInt() >= 15);
            assertEquals(4, converged.get("pairs").asInt());
            assertEquals("pairs", converged.get("spacingKind").asText());
            assertLatestMatchesTheApi(rbm, converged);
            assertNearTarget(converged);
            assertFollowsWigner(converged);
            assertDysonPanel(chromium, rbm);
            chromium.screenshotOfPage(SCREENSHOT_LINEAR);
            // The approach to the targets takes ~2000 of the steps shown: a log step axis shows it beside the rest.
            chromium.driver().findElement(By.id("log-steps")).click();
            waitForPage(chromium, "the charts redrawn with a log step axis", Duration.ofSeconds(5),
                    s -> s.path("logSteps").asBoolean() && s.path("points").path("eigen").asInt() >= 30);
            chromium.screenshotOfPage(SCREENSHOT);
            assertTrue(Files.size(SCREENSHOT) > 20_000, "a screenshot with content");

            // 4. Switching the run switches the charts: a fresh history with the new run's data only.
            choose(chromium, LiveDemo.TEACHER_STUDENT);
            JsonNode ts = waitForPage(chromium, "the teacher-student run's charts", Duration.ofSeconds(15),
                    s -> LiveDemo.TEACHER_STUDENT.equals(s.path("reportRun").asText())
                            && s.path("points").path("eigen").asInt() > 0);
            assertEquals(LiveDemo.TEACHER_STUDENT, ts.get("run").asText());
            assertEquals(2, ts.get("modes").asInt(), "the 2×2 student has two eigenvalues");
            assertEquals(2, ts.path("series").path("eigen").asInt());
            assertTrue(ts.get("historyLength").asInt() <= ts.get("reports").asInt(), "the history starts afresh");
            for (double x : doubles(ts.get("eigenvalues"))) {
                assertTrue(Math.abs(x - 4) < 1, "x ≈ 4 for the teacher 2·𝟙, got " + x);
            }
            assertEquals(1, ts.get("pairs").asInt());
            assertEquals("pairs", ts.get("spacingKind").asText());
            assertEquals(0, ts.path("points").path("ratio").asInt(), "⟨r̃⟩ is undefined for two levels");
            assertTrue(chromium.script("return location.hash").contains("run=teacher-student"));

            // 5. A layer without pairs (an external run of a large random layer): 64 of its 100 modes are drawn,
            //    and the spacing chart pools the unfolded spacings of the whole spectrum instead.
            postSnapshots(EXTERNAL, 3, 0);
            waitFor("the page to list " + EXTERNAL, Duration.ofSeconds(10), () -> chromium.script(
                    "return document.querySelector(\"#run option[value='" + EXTERNAL + "']\") ? 'yes' : 'no'"),
                    "yes"::equals);
            choose(chromium, EXTERNAL);
            waitForPage(chromium, "the external run's first report", Duration.ofSeconds(10),
                    s -> EXTERNAL.equals(s.path("reportRun").asText()));
            postSnapshots(EXTERNAL, 30, 3);
            JsonNode bulk = waitForPage(chromium, "the external run's charts", Duration.ofSeconds(15),
                    s -> EXTERNAL.equals(s.path("reportRun").asText()) && s.path("points").path("eigen").asInt() >= 10
                            && s.path("points").path("spacing").asInt() >= 10);
            assertEquals(100, bulk.get("modes").asInt());
            assertEquals(64, bulk.path("series").path("eigen").asInt(), "at most 64 lines");
            assertEquals(0, bulk.get("pairs").asInt());
            assertEquals("unfolded", bulk.get("spacingKind").asText());
            assertTrue(bulk.path("points").path("ratio").asInt() > 0, "⟨r̃⟩ of a bulk spectrum");
            assertEquals(0, bulk.path("points").path("sigma").asInt());
            assertEquals(0, bulk.get("target").size());
            assertTrue(distanceTo(bulk, LivePageTest::wigner) < distanceTo(bulk, s -> Math.exp(-s)),
                    "a random layer's unfolded spacings are closer to Wigner than to Poisson");
            // The network-health panels draw the same layer: α over time, the tail with its fit, Δ₃(L).
            JsonNode health = waitForPage(chromium, "the network-health panels", Duration.ofSeconds(10),
                    s -> s.path("health").path("alphaPoints").asInt() >= 10
                            && s.path("health").path("rigidityPoints").asInt() == 4).path("health");
            assertEquals(100, health.path("tailPoints").asInt(), "every eigenvalue in the log-log tail");
            assertTrue(health.path("tailFitPoints").asInt() >= 10, "the fit line over a tail of ≥ 10 eigenvalues");
            JsonNode latest = getJson("/api/v1/runs/" + EXTERNAL + "/layers/fc1");
            assertTrue(List.of("ok", "over-trained", "under-trained").contains(health.path("status").asText()),
                    health.toString());
            assertTrue(latest.get("powerlaw_alpha").asDouble() > 2, "a random layer is not over-trained: " + latest.get("powerlaw_alpha"));
            assertTrue(health.path("facts").asText().startsWith(health.path("status").asText() + " · α = "), health.toString());
            chromium.screenshotOfPage(SCREENSHOT_BULK);

            // A layer whose smallest eigenvalue puts the tail chart's log axis just under a decade
            // (0.0127/1.3 = 0.00977): uPlot's own log ticks step from there to 0.011, a step its rounding
            // table does not know, and never end ("RangeError: Invalid array length", about one page in
            // two of a training run); the page draws it with its own ticks.
            double[] edge = {0.0127, 0.1, 0.5, 1, 2, 3, 4, 5, 6, 7};
            for (int k = 0; k < 3; k++) {
                postDiagonal(demo.url(), DECADE_EDGE, 100 * (k + 1), edge);
            }
            waitFor("the page to list " + DECADE_EDGE, Duration.ofSeconds(10), () -> chromium.script(
                    "return document.querySelector(\"#run option[value='" + DECADE_EDGE + "']\") ? 'yes' : 'no'"),
                    "yes"::equals);
            choose(chromium, DECADE_EDGE);
            JsonNode edgePage = waitForPage(chromium, "the tail of the layer at a decade's edge", Duration.ofSeconds(10),
                    s -> DECADE_EDGE.equals(s.path("reportRun").asText()) && s.path("health").path("tailPoints").asInt() == edge.length);
            assertArrayEquals(edge, doubles(edgePage.get("eigenvalues")), 1e-12);
            assertEquals("[]", summary(chromium).get("errors").toString(), "errors caught by the page");

            String other = LiveDemo.RBM_RUNS.get(3).name();
            choose(chromium, other);
            JsonNode next = waitForPage(chromium, other + "'s charts", Duration.ofSeconds(15),
                    s -> other.equals(s.path("reportRun").asText()) && s.path("points").path("eigen").asInt() > 0);
            assertEquals(10, next.get("modes").asInt());
            assertNotEquals(converged.get("eigenvalues"), next.get("eigenvalues"));
            assertTrue(next.get("historyLength").asInt() <= next.get("reports").asInt(), "the history starts afresh");

            // 6. Without an address the page shows the first run.
            chromium.driver().get(demo.url() + "/");
            JsonNode plain = waitForPage(chromium, "the first run's charts", Duration.ofSeconds(15),
                    s -> s.path("points").path("eigen").asInt() > 0);
            assertEquals(LiveDemo.RBM_RUNS.get(0).name(), plain.get("reportRun").asText());

            // 7. Nothing went wrong in the browser, and nothing was loaded from elsewhere.
            List<String> problems = new ArrayList<>();
            for (LogEntry e : chromium.consoleSinceLastCall()) {
                if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
                    problems.add(e.getLevel() + " " + e.getMessage());
                }
            }
            assertEquals(List.of(), problems, "the browser console");
            assertEquals("[]", summary(chromium).get("errors").toString(), "errors caught by the page");
            assertEquals("[]", chromium.script("return JSON.stringify(performance.getEntriesByType('resource')"
                    + ".map(e => e.name).filter(n => !n.startsWith(location.origin + '/')))"), "foreign resources");
        }
    }

    /** The RMS distance of the latest eigenvalues to the target is small once converged. */
    private static void assertNearTarget(JsonNode page) {
        double[] x = doubles(page.get("eigenvalues"));
        double[] target = doubles(page.get("target"));
        assertEquals(x.length, target.length);
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += (x[i] - target[i]) * (x[i] - target[i]);
        }
        double rms = Math.sqrt(sum / x.length);
        assertTrue(rms < 0.4, "eigenvalues near their target lines, RMS " + rms);
    }

    /** The drawn pair-spacing histogram is close to the Wigner surmise and far from Poisson (L1 distances). */
    private static void assertFollowsWigner(JsonNode page) {
        double toWigner = distanceTo(page, LivePageTest::wigner);
        double toPoisson = distanceTo(page, s -> Math.exp(-s));
        assertTrue(toWigner < 0.3 && toWigner < toPoisson / 2,
                "the pair spacings follow the Wigner surmise: L1 distance " + toWigner + " (Poisson " + toPoisson + ")");
    }

    /** (π/2)s·e^{−πs²/4} */
    private static double wigner(double s) {
        return Math.PI / 2 * s * Math.exp(-Math.PI * s * s / 4);
    }

    /** ∫|h(s) − p(s)| ds over [0, 4) of the spacing histogram the page draws (bins of 0.1). */
    private static double distanceTo(JsonNode page, java.util.function.DoubleUnaryOperator p) {
        double[] density = doubles(page.get("spacingDensity"));
        assertEquals(40, density.length, "the histogram drawn");
        double distance = 0;
        for (int b = 0; b < density.length; b++) {
            distance += Math.abs(density[b] - p.applyAsDouble((b + 0.5) * 0.1)) * 0.1;
        }
        return distance;
    }

    /**
     * A monitor with a history store, and a page opened after the run has made many reports: it draws
     * the stored history from the run's first report (the values exactly the stored ones), then goes on
     * with the live reports; saved as {@code target/live-page-history.png}.
     */
    @Test
    @Timeout(120)
    void aPageOpenedLateDrawsTheStoredHistoryThenContinuesLive(@org.junit.jupiter.api.io.TempDir Path data)
            throws Exception {
        LiveDemo.Run run = LiveDemo.RBM_RUNS.get(0);
        String layerPath = "/api/v1/runs/" + run.name() + "/layers/" + LAYER;
        try (LiveDemo stored = LiveDemo.startWithStore(data);
             HeadlessChromium chromium = HeadlessChromium.start(1440, 1000, DRIVER_LOG)) {
            // A tenth of the demo's pace: the approach to the target spans ~50 reports.
            stored.startTrainer(run, 7, PACE / 10);
            JsonNode before = waitFor("100 reports stored", Duration.ofSeconds(60),
                    () -> storedPoints(stored, layerPath + "/history?max_points=10000"), p -> p != null && p.size() >= 100);
            long firstStored = before.get(0).get("step").asLong();
            long lastBeforeOpen = before.get(before.size() - 1).get("step").asLong();

            chromium.driver().get(stored.url() + "/#run=" + run.name() + "&layer=" + LAYER);
            JsonNode page = waitForPage(chromium, "the history and then live reports drawn", Duration.ofSeconds(30),
                    s -> s.path("historyPoints").asInt() >= before.size() && s.path("reports").asInt() >= 5);
            assertEquals(firstStored, page.get("firstStep").asLong(), "drawn from the run's first report");
            assertTrue(firstStored <= 100, "the run's first report is stored: step " + firstStored);
            assertTrue(page.get("step").asLong() > lastBeforeOpen, "live reports after the page opened");
            assertEquals(page.get("historyPoints").asInt() + page.get("reports").asInt(),
                    page.get("historyLength").asInt(), "history points, then each live report once");
            assertTrue(page.path("points").path("eigen").asInt() >= before.size(), page.toString());
            // α over time starts at the stored reports too, not at the first live one.
            long storedAlphas = java.util.stream.StreamSupport.stream(before.spliterator(), false)
                    .filter(p -> p.path("powerlaw_alpha").isNumber()).count();
            assertEquals(before.size(), storedAlphas, "every stored report of the layer has its α");
            JsonNode withAlpha = waitForPage(chromium, "α drawn from the stored history", Duration.ofSeconds(10),
                    s -> s.path("health").path("alphaPoints").asInt() >= storedAlphas);
            assertEquals(firstStored, withAlpha.path("health").path("alphaFirstStep").asLong(),
                    "α over time from the run's first stored report");
            assertTrue(withAlpha.path("health").path("alphaPoints").asInt()
                    <= withAlpha.get("historyPoints").asInt() + withAlpha.get("reports").asInt(),
                    "one α per point drawn, none twice: " + withAlpha.path("health"));
            // The page's trajectories at stored steps are the stored eigenvalues.
            for (JsonNode point : List.of(before.get(0), before.get(before.size() / 2))) {
                JsonNode drawn = Json.MAPPER.readTree(chromium.script("return JSON.stringify(window.__dyson.drawnAt("
                        + point.get("step").asLong() + "))"));
                assertFalse(drawn.isNull(), "step " + point.get("step") + " is drawn");
                for (int k = 0; k < drawn.get("modes").size(); k++) {
                    int mode = drawn.get("modes").get(k).asInt();
                    assertEquals(point.get("eigenvalues").get(mode).asDouble(), drawn.get("values").get(k).asDouble(),
                            "mode " + mode + " at step " + point.get("step"));
                }
            }
            Thread.sleep(1_000); // one more render
            chromium.screenshotOfPage(SCREENSHOT_HISTORY);
            assertTrue(Files.size(SCREENSHOT_HISTORY) > 20_000, "a screenshot with content");
        }
    }

    /** Posts W = diag(√x) to layer fc1 of {@code run} at the monitor {@code url}: the eigenvalues of WᵀW are exactly x. */
    static void postDiagonal(String url, String run, long step, double[] x) throws Exception {
        double[] w = new double[x.length * x.length];
        for (int i = 0; i < x.length; i++) {
            w[i * x.length + i] = Math.sqrt(x[i]);
        }
        byte[] npy = org.dysonmonitor.ingest.NpyEncoder.encode(org.dysonmonitor.ingest.WeightMatrix.of(x.length, x.length, w, false));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/runs/" + run
                        + "/layers/fc1/snapshots?step=" + step)).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(npy)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
    }

    /**
     * Posts snapshots of a random 200×100 layer (W_ij ~ N(0, 1/200): a Marchenko-Pastur spectrum) as an
     * external run would, steps 100·(first+1), 100·(first+2), ..., about 20 a second.
     */
    private static void postSnapshots(String run, int count, int first) throws InterruptedException {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(42 + first);
        int rows = 200;
        int cols = 100;
        for (int k = first; k < first + count; k++) {
            double[] w = new double[rows * cols];
            for (int i = 0; i < w.length; i++) {
                w[i] = rng.nextGaussian() / Math.sqrt(rows);
            }
            byte[] npy = org.dysonmonitor.ingest.NpyEncoder.encode(
                    org.dysonmonitor.ingest.WeightMatrix.of(rows, cols, w, false));
            HttpRequest post = HttpRequest.newBuilder(URI.create(demo.url() + "/api/v1/runs/" + run + "/layers/fc1/snapshots?step="
                            + 100 * (k + 1) + "&lr=0.01&batch=32"))
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(npy)).build();
            try {
                assertEquals(202, HTTP.send(post, HttpResponse.BodyHandlers.ofString()).statusCode());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.sleep(50);
        }
    }

    /**
     * The page's latest eigenvalues are the monitor's latest, up to the reports that arrived since: the
     * API's report is as new or newer, and where newer each mode differs by less than six of its
     * stationary standard deviations.
     */
    private static void assertLatestMatchesTheApi(String run, JsonNode page) {
        JsonNode api = getJson("/api/v1/runs/" + run + "/layers/" + LAYER);
        long pageStep = page.get("step").asLong();
        long apiStep = api.get("step").asLong();
        assertTrue(apiStep >= pageStep, "the API's report (step " + apiStep + ") is not older than the page's ("
                + pageStep + ")");
        double[] onPage = doubles(page.get("eigenvalues"));
        double[] latest = doubles(api.get("eigenvalues"));
        double[] variance = doubles(api.get("eigenvalue_variance"));
        assertEquals(latest.length, onPage.length);
        for (int i = 0; i < latest.length; i++) {
            double tolerance = apiStep == pageStep ? 0 : 6 * Math.sqrt(variance[i]);
            assertTrue(Math.abs(onPage[i] - latest[i]) <= tolerance, "mode " + i + ": page " + onPage[i]
                    + " at step " + pageStep + ", API " + latest[i] + " at step " + apiStep);
        }
    }

    /**
     * The Dyson Brownian motion panel of the converged RBM: the drift bins of one mode with the fitted line
     * through each, one table row per single mode (κ = 8, κ = 4) and pair centre (four pairs), the ETA and
     * the what-ifs at (0.1, 16), as the API's report of the same layer has them; saved as a screenshot.
     */
    private static void assertDysonPanel(HeadlessChromium chromium, String rbm) {
        JsonNode dbm = waitForPage(chromium, "the Dyson Brownian motion panel", Duration.ofSeconds(20),
                s -> s.path("dynamics").path("binPoints").asInt() >= 5
                        && s.path("dynamics").path("rows").asInt() == 6).path("dynamics");
        JsonNode api = getJson("/api/v1/runs/" + rbm + "/layers/" + LAYER);
        assertEquals(6, api.get("modes").size(), "rows of the API's report");
        JsonNode row = null;
        for (JsonNode m : api.get("modes")) {
            row = m.get("mode").asInt() == dbm.path("mode").asInt() ? m : row;
        }
        assertTrue(row != null, "the drawn mode " + dbm.path("mode") + " is one of the API's rows");
        assertTrue(dbm.path("binPoints").asInt() <= row.get("bins").size(), "at most the mode's bins: " + dbm);
        assertEquals(dbm.path("binPoints").asInt(), dbm.path("fitPoints").asInt(), "the fit line at every bin");
        assertEquals(6, dbm.path("tableRows").asInt());
        assertTrue(dbm.path("eta").asText().startsWith("ETA to convergence: "), dbm.toString());
        assertTrue(dbm.path("whatIf").asText().contains("|B| 32: σ² × 0.5"), dbm.toString());
        chromium.screenshotOf(By.id("panel-dbm"), SCREENSHOT_DBM);
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private static void choose(HeadlessChromium chromium, String run) {
        chromium.driver().findElement(By.cssSelector("#run option[value='" + run + "']")).click();
    }

    static JsonNode summary(HeadlessChromium chromium) {
        String json = chromium.script("return window.__dyson ? JSON.stringify(window.__dyson.summary()) : null");
        try {
            return json == null ? null : Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode waitForPage(HeadlessChromium chromium, String what, Duration timeout,
                                        Predicate<JsonNode> done) {
        return waitFor(what, timeout, () -> summary(chromium), s -> s != null && done.test(s));
    }

    static <T> T waitFor(String what, Duration timeout, java.util.function.Supplier<T> probe,
                                 Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                fail("waited " + timeout.toSeconds() + " s for " + what + "; last seen: " + last);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = probe.get();
        }
        return last;
    }

    /** The next report of the run's layer on {@code /api/v1/stream}, read as a second subscriber. */
    private static JsonNode nextStreamedReport(String run) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create(demo.url() + "/api/v1/stream?run=" + run
                    + "&layer=" + LAYER)).build();
            HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("data:")) {
                        return Json.MAPPER.readTree(line.substring("data:".length()));
                    }
                }
            }
            throw new AssertionError("the stream of " + run + " ended without a report");
        });
    }

    private static HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(demo.url() + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The points of a history answer; null before the layer has a stored report (404). */
    private static JsonNode storedPoints(LiveDemo monitor, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(monitor.url() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404) {
                return null;
            }
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            return Json.MAPPER.readTree(r.body()).get("points");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static JsonNode getJson(String path) {
        HttpResponse<String> r = get(path);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Type").orElse("");
    }

    private static String classpathText(String resource) {
        try (InputStream in = LivePage.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource + " on the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double[] doubles(JsonNode array) {
        assertTrue(array != null && array.isArray(), "an array: " + array);
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asDouble();
        }
        return v;
    }
}

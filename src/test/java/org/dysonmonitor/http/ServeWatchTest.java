package org.dysonmonitor.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.dysonmonitor.cli.DysonMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dyson-monitor serve --watch RUN=DIR} as a user runs it, on a directory this test writes
 * checkpoints into while the monitor runs: the Hugging Face layout
 * ({@code checkpoint-<step>/model.safetensors}) and plain {@code <name>-<step>.npz} files, written by
 * numpy. Existing checkpoints are read in step order at start, new ones as they appear; a corrupt
 * file, and one without a step, are counted as rejected and the next one is still processed; the
 * spectra equal numpy's.
 */
class ServeWatchTest {

    private static final Pattern URL = Pattern.compile("dyson-monitor serving on (http://\\S+)");
    private static final String[] LAYERS = {"enc.0.weight", "conv.weight", "head.weight"};

    @TempDir
    Path work;

    @Test
    void followsADirectoryInStepOrderAndSurvivesACorruptCheckpoint() throws Exception {
        Path dir = Files.createDirectory(work.resolve("checkpoints"));
        Path staging = Files.createDirectory(work.resolve("staging"));
        JsonNode reference = NumpyModels.run(staging, """
                os.makedirs("checkpoint-10")
                save("checkpoint-10/model.safetensors", model(7, 10))
                save("run-5.npz", model(7, 5))
                save("run-20.c.npz", model(7, 20))
                save("final.npz", model(7, 30))
                print(json.dumps(reference(model(7, 20))))
                """);
        // Present at start: step 10 in the HF layout, step 5 as a plain file (read first: step order).
        Files.move(staging.resolve("checkpoint-10"), dir.resolve("checkpoint-10"));
        Files.move(staging.resolve("run-5.npz"), dir.resolve("run-5.npz"));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(Integer.MIN_VALUE);
        Thread serve = new Thread(() -> {
            CommandLine cmd = DysonMonitor.commandLine();
            cmd.setOut(new PrintWriter(out, true));
            cmd.setErr(new PrintWriter(err, true));
            exit.set(cmd.execute("serve", "--port", "0", "--watch", "w=" + dir, "--watch-interval", "200ms",
                    "--duration", "20s"));
        }, "serve-under-test");
        serve.start();
        ApiClient api = new ApiClient(Eventually.until("the server's URL printed", () -> URL.matcher(out.toString()),
                Matcher::find).group(1), Optional.empty());
        Eventually.until("the watch announced", out::toString, o -> o.contains("watching " + dir + " as run w"));

        JsonNode started = Eventually.until("steps 5 and 10 processed", () -> runView(api),
                v -> v != null && v.get("layers").size() == 3 && allProcessed(v, 2));
        assertEquals("all", started.get("policy").asText(), "a watched run is policy all");
        for (String layer : LAYERS) {
            assertEquals(10, report(api, layer).get("step").asLong(), layer + ": step 5 first, then step 10");
        }

        // While it runs: a corrupt checkpoint (appears by rename, complete), then a good one.
        Path corrupt = staging.resolve("run-15.npz");
        Files.write(corrupt, "PK\u0003\u0004 this is not a zip archive at all".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Files.move(corrupt, dir.resolve("run-15.npz"), StandardCopyOption.ATOMIC_MOVE);
        Eventually.until("the corrupt checkpoint counted as rejected", () -> rejectedModels(api), n -> n == 1.0);
        // A valid model without a step (no integer in its name, no metadata): refused, not fed as step -1.
        Files.move(staging.resolve("final.npz"), dir.resolve("final.npz"), StandardCopyOption.ATOMIC_MOVE);
        Eventually.until("the step-less checkpoint counted as rejected", () -> rejectedModels(api), n -> n == 2.0);
        assertEquals(1.0, api.scrape().value("dyson_snapshots_rejected_total",
                Map.of("run", "w", "layer", "_model", "reason", "bad_step")));
        Files.move(staging.resolve("run-20.c.npz"), dir.resolve("run-20.npz"), StandardCopyOption.ATOMIC_MOVE);
        Eventually.until("step 20 processed", () -> runView(api), v -> allProcessed(v, 3));

        for (String layer : LAYERS) {
            JsonNode report = report(api, layer);
            assertEquals(20, report.get("step").asLong(), layer);
            assertEquals(3, report.get("snapshots").asLong(), layer + ": steps 5, 10, 20");
            NumpyModels.assertSpectrum(layer, reference.get(layer), report.get("eigenvalues"));
        }
        JsonNode view = runView(api);
        for (JsonNode l : view.get("layers")) {
            assertEquals(3, l.get("received").asLong(), l::toString);
            assertEquals(0, l.get("dropped").asLong(), l::toString);
            assertEquals(0, l.get("rejected").asLong(), "the corrupt file counts under _model, not a layer: " + l);
        }
        assertEquals(2.0, api.scrape().value("dyson_snapshots_received_total", Map.of("run", "w", "layer", "_model")),
                "each refused checkpoint counted once, as a model");

        serve.join(60_000);
        assertFalse(serve.isAlive(), "serve --duration 20s still running");
        assertEquals(0, exit.get(), err::toString);
    }

    @Test
    void aBadWatchIsAUsageErrorWithExitCode2() {
        for (String[] bad : new String[][] {{"--watch", "no-equals-sign"}, {"--watch", "w=" + work.resolve("missing")},
                {"--watch", "_r=" + work}, {"--watch", "w=" + work, "--watch", "w=" + work}}) {
            StringWriter err = new StringWriter();
            CommandLine cmd = DysonMonitor.commandLine();
            cmd.setErr(new PrintWriter(err, true));
            cmd.setOut(new PrintWriter(new StringWriter(), true));
            String[] args = new String[bad.length + 3];
            args[0] = "serve";
            args[1] = "--port";
            args[2] = "0";
            System.arraycopy(bad, 0, args, 3, bad.length);
            assertEquals(2, cmd.execute(args), String.join(" ", bad) + ": " + err);
            assertTrue(err.toString().contains("--watch "), err::toString);
        }
    }

    static JsonNode runView(ApiClient api) {
        for (JsonNode r : api.getJson("/api/v1/runs").get("runs")) {
            if (r.get("run").asText().equals("w")) {
                return r;
            }
        }
        return null;
    }

    static boolean allProcessed(JsonNode view, int n) {
        if (view == null || view.get("layers").size() != LAYERS.length) {
            return false;
        }
        for (JsonNode l : view.get("layers")) {
            if (l.get("processed").asLong() != n) {
                return false;
            }
        }
        return true;
    }

    private static double rejectedModels(ApiClient api) {
        double v = api.scrape().sum("dyson_snapshots_rejected_total", Map.of("run", "w", "layer", "_model"));
        return Double.isNaN(v) ? 0 : v;
    }

    private static JsonNode report(ApiClient api, String layer) {
        return api.getJson("/api/v1/runs/w/layers/" + layer);
    }
}

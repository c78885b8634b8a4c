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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code serve --watch} with a data directory, stopped and started again on the same directories:
 * the second process skips the checkpoints the first one processed (remembered in the store) and
 * processes only the checkpoint that appeared in between.
 */
class ServeWatchRestartTest {

    private static final Pattern URL = Pattern.compile("dyson-monitor serving on (http://\\S+)");

    @TempDir
    Path work;

    @Test
    void aRestartedWatchProcessesOnlyTheNewCheckpoint() throws Exception {
        Path dir = Files.createDirectory(work.resolve("checkpoints"));
        Path data = work.resolve("data");
        Path staging = Files.createDirectory(work.resolve("staging"));
        JsonNode reference = NumpyModels.run(staging, """
                save("run-5.npz", model(3, 5))
                save("run-10.npz", model(3, 10))
                save("run-15.npz", model(3, 15))
                print(json.dumps(reference(model(3, 15))))
                """);
        Files.move(staging.resolve("run-5.npz"), dir.resolve("run-5.npz"));
        Files.move(staging.resolve("run-10.npz"), dir.resolve("run-10.npz"));

        // The suite runs with -Ddyson.no-store=true (pom.xml); this test wants the store.
        String before = System.getProperty("dyson.no-store");
        System.setProperty("dyson.no-store", "false");
        try {
            Serve first = Serve.start(dir, data, "4s", "");
            Eventually.until("steps 5 and 10 processed", () -> ServeWatchTest.runView(first.api), v -> ServeWatchTest.allProcessed(v, 2));
            first.awaitExit();

            Files.move(staging.resolve("run-15.npz"), dir.resolve("run-15.npz"), StandardCopyOption.ATOMIC_MOVE);
            Serve second = Serve.start(dir, data, "6s", " (2 checkpoints processed before, skipped)");
            JsonNode view = Eventually.until("step 15 processed", () -> ServeWatchTest.runView(second.api), v -> ServeWatchTest.allProcessed(v, 1));
            // Several scans later still one: the two older checkpoints are not read again.
            Thread.sleep(1_500);
            view = ServeWatchTest.runView(second.api);
            for (JsonNode l : view.get("layers")) {
                assertEquals(1, l.get("received").asLong(), "only the new checkpoint reaches the layer: " + l);
                assertEquals(1, l.get("processed").asLong(), l::toString);
                String layer = l.get("layer").asText();
                JsonNode report = second.api.getJson("/api/v1/runs/w/layers/" + layer);
                assertEquals(15, report.get("step").asLong(), layer);
                NumpyModels.assertSpectrum(layer, reference.get(layer), report.get("eigenvalues"));
                // The store holds the three checkpoints' reports, one series across both processes.
                JsonNode points = second.api.getJson("/api/v1/runs/w/layers/" + layer + "/history").get("points");
                assertEquals(3, points.size(), points::toString);
                assertEquals(5, points.get(0).get("step").asLong());
                assertEquals(15, points.get(2).get("step").asLong());
            }
            second.awaitExit();
        } finally {
            if (before == null) {
                System.clearProperty("dyson.no-store");
            } else {
                System.setProperty("dyson.no-store", before);
            }
        }
    }

    private record Serve(Thread thread, ApiClient api, AtomicInteger exit, StringWriter err) {

        static Serve start(Path dir, Path data, String duration, String announced) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            AtomicInteger exit = new AtomicInteger(Integer.MIN_VALUE);
            Thread t = new Thread(() -> {
                CommandLine cmd = DysonMonitor.commandLine();
                cmd.setOut(new PrintWriter(out, true));
                cmd.setErr(new PrintWriter(err, true));
                exit.set(cmd.execute("serve", "--port", "0", "--data-dir", data.toString(), "--watch", "w=" + dir,
                        "--watch-interval", "200ms", "--duration", duration));
            }, "serve-under-test");
            t.start();
            ApiClient api = new ApiClient(Eventually.until("the server's URL printed",
                    () -> URL.matcher(out.toString()), Matcher::find).group(1), Optional.empty());
            Eventually.until("the watch announced", out::toString,
                    o -> o.contains("watching " + dir + " as run w" + announced + "\n"));
            return new Serve(t, api, exit, err);
        }

        void awaitExit() throws InterruptedException {
            thread.join(60_000);
            assertFalse(thread.isAlive(), "serve --duration still running");
            assertEquals(0, exit.get(), err::toString);
        }
    }
}

package org.dysonmonitor.http;

import akka.http.javadsl.server.AllDirectives;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.linalg.EjmlSpectrumSolver;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.SpectrumSolver;
import org.dysonmonitor.monitor.Monitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Policy {@code all}, a whole model, and one layer that cannot keep up: the answer is 503 with
 * Retry-After once that layer has had no room for the timeout, the body says which layers were
 * queued, and every layer's accounting stays exact (the queued ones are processed, the one not
 * queued counts as rejected, {@code queue_full}).
 */
class ModelSnapshotBusyTest {

    /** The real EJML solver, except that a 3 × 3 layer waits until the test opens the gate. */
    private static final CountDownLatch GATE = new CountDownLatch(1);

    private static final class GatedSolver implements SpectrumSolver {
        private final EjmlSpectrumSolver real = new EjmlSpectrumSolver();

        @Override
        public int eigenvalues(double[] values, int rows, int cols, MatrixLayout layout, double[] out) {
            await(rows);
            return real.eigenvalues(values, rows, cols, layout, out);
        }

        @Override
        public int eigenvalues(float[] values, int rows, int cols, MatrixLayout layout, double[] out) {
            await(rows);
            return real.eigenvalues(values, rows, cols, layout, out);
        }

        private static void await(int rows) {
            try {
                if (rows == 3 && !GATE.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the gate was never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String name() {
            return "ejml-gated";
        }
    }

    @TempDir
    Path dir;

    @Test
    void aLayerWithoutRoomMakesTheModel503AndTheAccountingOfEveryLayerStaysExact() throws Exception {
        NumpyModels.run(dir, """
                rng = np.random.default_rng(3)
                save("busy.safetensors", {"a.weight": rng.standard_normal((2, 2)).astype(np.float32),
                                          "b.weight": rng.standard_normal((3, 3)).astype(np.float32)})
                print("{}")
                """);
        byte[] model = Files.readAllBytes(dir.resolve("busy.safetensors"));
        try (Monitor monitor = Monitor.start("model-busy-test", ConfigFactory.parseMap(Map.of(
                        "dyson.queue-capacity", 1, "dyson.all-policy-timeout", "1s"))
                .withFallback(ConfigFactory.load()), GatedSolver::new, "ejml, gated")) {
            HttpServer server = HttpServer.start(monitor, new ServerOptions("127.0.0.1", 0, Optional.empty(), 1 << 20),
                    new AllDirectives() { }.reject());
            ApiClient api = new ApiClient(server.url(), Optional.empty());
            assertEquals(200, api.put("/api/v1/runs/busy", "{\"policy\": \"all\"}").status());

            int posts = 0;
            ApiClient.Reply reply;
            do {
                reply = api.post("/api/v1/runs/busy/snapshots?step=" + (++posts), model, "application/octet-stream");
            } while (reply.status() == 202 && posts < 40);
            ApiClient.Reply busy = reply;
            assertEquals(503, busy.status(), busy::toString);
            assertTrue(busy.headers().firstValue("Retry-After").isPresent(), busy::toString);
            assertTrue(busy.error().contains("layers b.weight of run busy are still busy after 1 s"), busy::toString);
            JsonNode layers = busy.json().get("layers");
            assertEquals("queued", layers.get(0).get("status").asText(), busy::toString);
            assertEquals("not_queued", layers.get(1).get("status").asText(), busy::toString);

            GATE.countDown();
            int sent = posts;
            JsonNode run = Eventually.until("every queued snapshot processed", () -> api.getJson("/api/v1/runs")
                    .get("runs").get(0), r -> r.get("layers").get(0).get("processed").asLong() == sent
                    && r.get("layers").get(1).get("processed").asLong() == sent - 1);
            for (JsonNode l : run.get("layers")) {
                assertEquals(sent, l.get("received").asLong(), l::toString);
                assertEquals(0, l.get("dropped").asLong(), l::toString);
                assertEquals(l.get("received").asLong(), l.get("processed").asLong() + l.get("rejected").asLong(),
                        () -> "received = processed + dropped + rejected: " + l);
            }
            assertEquals(0, run.get("layers").get(0).get("rejected").asLong());
            assertEquals(1, run.get("layers").get(1).get("rejected").asLong(), "the one not queued (queue_full)");
            assertEquals(0, run.get("rejected_models").asLong(), "a busy layer is not a refused model");
            assertEquals(1.0, api.scrape().value("dyson_snapshots_rejected_total",
                    Map.of("run", "busy", "layer", "b.weight", "reason", "queue_full")));
        } finally {
            GATE.countDown();
        }
    }
}

package org.dysonmonitor.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.NativeSpectrumSolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracked top spectra in a real monitor: a run whose PUT sets {@code "partial_above"} below its
 * layer's smaller side gets, on a random walk of W (trained-like: heavy-tailed columns, 1 % of each
 * entry per snapshot), full reports every {@code full-every} snapshots and top-k reports in between.
 * The top reports' eigenvalues equal the native full solver's top k of the same W; the statistics
 * that need the whole spectrum are those of the last full report, which they name by its step.
 */
class TopSpectrumReportTest {

    private static final int ROWS = 360;
    private static final int COLS = 330; // ≥ 2·(depth 4 + 1)·(k 16 + guard 16) = 320: the tracker gains
    private static final int K = 16;
    private static final int FULL_EVERY = 3;
    private static final int SNAPSHOTS = 7;

    /** Every field computed from the whole spectrum, which a top report carries over from the full one. */
    private static final List<String> FULL_ONLY = List.of("spacing_ratio_mean", "spacing_ks_wigner",
            "spacing_ks_poisson", "unfolded_spacings", "mp_ks_distance", "mp_spikes", "mp_upper_edge", "stable_rank",
            "eigenvalue_quantiles", "stationary", "converged", "powerlaw_alpha", "powerlaw_xmin", "powerlaw_tail_size",
            "log_frobenius_norm", "matrix_entropy", "spectral_rigidity", "number_variance", "randomized_step");

    private static LiveMonitor live;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        // The monitor's threshold is far above the layer: only the run's own partial_above tracks it.
        live = LiveMonitor.start("top-spectrum-test", Map.of("dyson.top-spectra.partial-above", 100_000,
                "dyson.top-spectra.k", K, "dyson.top-spectra.full-every", FULL_EVERY));
        api = live.serve(4 << 20);
    }

    @AfterAll
    static void stop() {
        live.close();
    }

    /** W_0 with column j scaled by √(n/(1+j)) (top eigenvalues ~ n/j), then 1 % of each entry per step. */
    private static List<double[]> randomWalk(long seed) {
        Random random = new Random(seed);
        double[] w = new double[ROWS * COLS];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLS; j++) {
                w[i * COLS + j] = random.nextGaussian() * Math.sqrt((double) COLS / (1 + j));
            }
        }
        List<double[]> walk = new ArrayList<>();
        for (int s = 0; s < SNAPSHOTS; s++) {
            walk.add(w.clone());
            for (int i = 0; i < w.length; i++) {
                w[i] += 0.01 * Math.abs(w[i]) * random.nextGaussian();
            }
        }
        return walk;
    }

    private static JsonNode post(String run, int step, double[] w) {
        ApiClient.Reply reply = api.snapshot(run, "w", "step=" + step,
                NpyFiles.npy(WeightMatrix.of(ROWS, COLS, w, false)));
        assertEquals(202, reply.status(), reply::toString);
        return Eventually.until(run + " step " + step, () -> api.get("/api/v1/runs/" + run + "/layers/w"),
                r -> r.status() == 200 && r.json().get("step").asLong() == step).json();
    }

    private static double[] values(JsonNode array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asDouble();
        }
        return v;
    }

    @Test
    void topReportsBetweenFullOnesHaveTheFullSpectrumsTopKAndKeepTheFullOnlyStatistics() {
        String run = "tracked";
        ApiClient.Reply put = api.put("/api/v1/runs/" + run, "{\"policy\": \"all\", \"partial_above\": 256}");
        assertTrue(put.status() / 100 == 2, put::toString);
        NativeSpectrumSolver reference = new NativeSpectrumSolver();
        List<double[]> walk = randomWalk(7);
        JsonNode lastFull = null;
        StringBuilder kinds = new StringBuilder();
        for (int s = 0; s < SNAPSHOTS; s++) {
            int step = 10 * (s + 1);
            JsonNode report = post(run, step, walk.get(s));
            double[] all = new double[COLS];
            reference.eigenvalues(walk.get(s), ROWS, COLS, MatrixLayout.ROW_MAJOR, all);
            String kind = report.get("spectrum_kind").asText();
            kinds.append(kind.charAt(0));
            double[] got = values(report.get("eigenvalues"));
            if (kind.equals("full")) {
                assertEquals(COLS, got.length);
                assertEquals(step, report.get("full_spectrum_step").asLong());
                lastFull = report;
            } else {
                assertEquals(K, got.length, "a top report holds the top k");
                double[] top = Arrays.copyOfRange(all, COLS - K, COLS);
                for (int i = 0; i < K; i++) {
                    // The tracker's bound is 1e-9 relative to each value; the contract is 1e-8.
                    assertEquals(top[i], got[i], 1e-8 * top[i], "step " + step + " top mode " + i);
                }
                assertEquals(Math.sqrt(top[K - 1]), report.get("spectral_norm").asDouble(), 1e-8 * Math.sqrt(top[K - 1]));
                assertEquals(lastFull.get("step").asLong(), report.get("full_spectrum_step").asLong());
                assertEquals(s + 1, report.get("snapshots").asLong(), "a top report counts as a snapshot");
                for (String field : FULL_ONLY) {
                    assertEquals(lastFull.get(field), report.get(field), "step " + step + ": " + field);
                }
                double[] fullMeans = values(lastFull.get("eigenvalue_mean"));
                assertEquals(Arrays.toString(Arrays.copyOfRange(fullMeans, COLS - K, COLS)),
                        Arrays.toString(values(report.get("eigenvalue_mean"))), "window means of the top modes");
            }
        }
        assertEquals("fttfttf", kinds.toString(), "a full spectrum every " + FULL_EVERY + " snapshots, the first included");
        Scrape scrape = api.scrape();
        Map<String, String> layer = Map.of("run", run, "layer", "w");
        assertEquals(3.0, scrape.value("dyson_spectrum_snapshots_total", with(layer, "kind", "full")));
        assertEquals(4.0, scrape.value("dyson_spectrum_snapshots_total", with(layer, "kind", "top")));
        assertEquals(0.0, scrape.value("dyson_spectrum_forced_full_total", with(layer, "reason", "not_converged")));
        assertEquals(0.0, scrape.value("dyson_spectrum_forced_full_total", with(layer, "reason", "slow_tracking")));
    }

    @Test
    void withoutTheRunsThresholdTheSameLayerGetsFullSpectraOnly() {
        String run = "untracked";
        assertTrue(api.put("/api/v1/runs/" + run, "{\"policy\": \"all\"}").status() / 100 == 2);
        List<double[]> walk = randomWalk(8);
        for (int s = 0; s < 3; s++) {
            JsonNode report = post(run, s + 1, walk.get(s));
            assertEquals("full", report.get("spectrum_kind").asText());
            assertEquals(COLS, report.get("eigenvalues").size());
        }
    }

    @Test
    void aBadPartialAboveIs400() {
        ApiClient.Reply bad = api.put("/api/v1/runs/bad-partial", "{\"partial_above\": 0}");
        assertEquals(400, bad.status(), bad::toString);
        assertTrue(bad.error().startsWith("partial_above must be a positive integer"), bad::toString);
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(labels);
        m.put(key, value);
        return m;
    }
}

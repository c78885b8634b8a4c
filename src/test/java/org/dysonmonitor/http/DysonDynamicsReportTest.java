package org.dysonmonitor.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.dysonmonitor.metrics.LayerMetrics;
import org.dysonmonitor.rmt.DysonReport;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.ModeReport;
import org.dysonmonitor.rmt.Spectrum;
import org.dysonmonitor.train.RbmConfig;
import org.dysonmonitor.train.RbmModeDrift;
import org.dysonmonitor.train.RbmTrainer;
import org.dysonmonitor.train.TrainerSpectrum;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The measured Dyson Brownian motion where a user reads it: the LayerReport of a real RBM stream
 * (physics.md §5 defaults at (α, |B|) = (0.1, 16)), its JSON and its metrics, against the drift and noise
 * known from the PCD update ({@link RbmModeDrift}).
 *
 * <p>Run: 3 000 updates of burn-in (the κ = 4 modes relax in ≈ 16 updates, the escape from W ≈ 0 takes
 * ≈ 250), then 4 100 snapshots every Δ = 10 updates through {@link LayerStatistics} with the target (so the
 * pairs are known), the last 4 096 of them in the estimator's default window (≈ 41 000 updates, ≈ 2 500
 * relaxation times of the κ = 4 mode). About 4 s of CPU. The clock handed to the statistics is synthetic,
 * 1 000 updates per second, so every time in seconds is the time in updates / 1 000 exactly.
 */
class DysonDynamicsReportTest {

    private static final int BURN_IN = 3_000;
    private static final int SNAPSHOTS = 4_100;
    private static final int EVERY = 10;
    private static final double UPDATES_PER_SECOND = 1_000;

    private static RbmConfig config;
    private static double[] kappaOfMode;
    private static LayerReport report;

    @BeforeAll
    static void stream() {
        config = RbmConfig.defaults().withSeed(131);
        RbmTrainer trainer = new RbmTrainer(config);
        double[] target = trainer.targetSpectrum();
        int n = target.length;
        kappaOfMode = TrainerSpectrum.kappaOfMode(trainer);
        TrainerSpectrum spectrum = new TrainerSpectrum(trainer);
        spectrum.advance(BURN_IN);
        LayerStatistics statistics = new LayerStatistics("rbm", "W", config.visible(), n, target,
                LayerStatistics.Config.defaults());
        for (int k = 0; k < SNAPSHOTS; k++) {
            double[] x = spectrum.after(EVERY);
            report = statistics.update(trainer.steps(), new Spectrum(config.visible(), n, x), config.learningRate(),
                    config.batchSize(), null, null, trainer.steps() / UPDATES_PER_SECOND);
        }
    }

    private static ModeReport row(int mode) {
        ModeReport m = report.dynamics().mode(mode);
        assertNotNull(m, "a row for mode " + mode);
        return m;
    }

    @Test
    void theSingleModesAndThePairCentresHaveOneRowEach() {
        DysonReport d = report.dynamics();
        assertEquals(SNAPSHOTS, d.measuredSnapshot(), "measured every 50 snapshots, the last at 4 100");
        assertEquals(4096, d.window());
        // Target x ascending: κ = 8 single (mode 0), four degenerate pairs (1-2, 3-4, 5-6, 7-8), κ = 4 single (9).
        List<String> rows = d.modes().stream().map(m -> m.mode() + ":" + m.pair()).toList();
        assertEquals(List.of("0:null", "1:1-2", "3:3-4", "5:5-6", "7:7-8", "9:null"), rows);
    }

    /**
     * κ = 4: the measured slope per update against −αK′(x̄) of the known drift K(x) = 2σ_h²x(1/κ − 1/(μ² −
     * σ_h²x)) at the measured mean. The dbm run (200 000 updates) measured the slope 5.4 ± 1.7 % steeper at
     * |B| = 16 (the neighbours' Coulomb stiffness, ∝ 1/|B|): allowed, 4 standard errors of this run plus
     * 8 % for that stiffness. Without the factor 2 of the update (or without converting Δ = 10 updates to one)
     * the slope would be off by 50 % (or 10×).
     */
    @Test
    void theKappaFourDriftSlopeIsTheKnownOne() {
        ModeReport m = row(9);
        double known = -RbmModeDrift.of(config, kappaOfMode[9]).rate(m.mean());
        assertEquals(4.0, kappaOfMode[9], 1e-9);
        double allowed = 4 * m.driftSlopeError() + 0.08 * Math.abs(known);
        assertEquals(known, m.driftSlope(), allowed, "drift slope ± " + m.driftSlopeError());
        assertTrue(m.driftSlopeError() < 0.05 * Math.abs(known), "4 096 snapshots resolve the slope to 5 %");
        assertEquals(EVERY, m.interval());
    }

    /**
     * The pair centre 7-8 (κ = 4.382): one-mode with half the members' noise, so its diffusion is g²_K(x̄)/2;
     * the dbm run found it 5 % below at |B| = 16. Allowed: 4 standard errors plus 10 %.
     */
    @Test
    void thePairCentreHasHalfTheKnownNoise() {
        ModeReport c = row(7);
        assertEquals("7-8", c.pair());
        RbmModeDrift drift = RbmModeDrift.of(config, kappaOfMode[7]);
        double known = drift.diffusion(c.mean(), config.batchSize()) / 2;
        assertEquals(known, c.diffusion(), 4 * c.diffusionError() + 0.10 * known, "centre g² ± " + c.diffusionError());
    }

    /**
     * Predicted (measured drift and diffusion) against measured width. κ = 4 (≈ 2 500 relaxation times in the
     * window): the issue's 15 %. κ = 8 (τ ≈ 330 updates, ≈ 120 independent samples here, so ≈ 15 % errors of
     * each): within 4 of their combined standard errors.
     */
    @Test
    void predictedAndMeasuredWidthsAgree() {
        ModeReport nine = row(9);
        assertEquals(nine.measuredVariance(), nine.predictedVariance(), 0.15 * nine.measuredVariance());
        ModeReport zero = row(0);
        double error = Math.hypot(zero.measuredVarianceError(), zero.predictedVarianceError());
        assertEquals(zero.measuredVariance(), zero.predictedVariance(), 4 * error, "κ = 8 ± " + error);
    }

    @Test
    void timesInSecondsUseTheMeasuredUpdateRate() {
        DysonReport d = report.dynamics();
        assertEquals(UPDATES_PER_SECOND, d.updatesPerSecond(), 1e-6);
        ModeReport m = row(9);
        assertEquals(m.relaxationUpdates() / UPDATES_PER_SECOND, m.relaxationSeconds(), 1e-12);
        assertTrue(Double.isFinite(d.etaUpdates()) && d.etaUpdates() >= 0, "a stationary run has an ETA: " + d.etaUpdates());
        assertEquals(d.etaUpdates() / UPDATES_PER_SECOND, d.etaSeconds(), 1e-9);
        assertTrue(Double.isFinite(d.etaBandUpdates()) && d.etaBandUpdates() >= 0, "band time " + d.etaBandUpdates());
        assertEquals(d.etaBandUpdates() / UPDATES_PER_SECOND, d.etaBandSeconds(), 1e-9);
    }

    /** σ² ∝ α/|B|, τ ∝ 1/α; beyond α/|B| = 0.1/16 the sweep measured the bend. */
    @Test
    void theWhatIfsAreTheLinearScalingRule() {
        List<DysonReport.WhatIf> w = report.dynamics().whatIf();
        assertEquals(4, w.size());
        assertEquals(new DysonReport.WhatIf(0.1, 32, 0.5, 1.0, 0.1 / 32, false), w.get(0));
        assertEquals(new DysonReport.WhatIf(0.1, 8, 2.0, 1.0, 0.1 / 8, true), w.get(1));
        assertEquals(new DysonReport.WhatIf(0.05, 16, 0.5, 2.0, 0.05 / 16, false), w.get(2));
        assertEquals(new DysonReport.WhatIf(0.2, 16, 2.0, 0.5, 0.2 / 16, true), w.get(3));
    }

    @Test
    void theJsonCarriesTheIssuesNames() throws Exception {
        JsonNode json = Json.MAPPER.readTree(Json.write(report));
        JsonNode modes = json.get("modes");
        assertTrue(modes.isArray() && modes.size() == 6, "modes: " + modes);
        for (JsonNode m : modes) {
            for (String f : new String[] {"mode", "drift_slope", "diffusion", "fixed_point", "predicted_variance",
                    "measured_variance", "relaxation_updates", "autocorrelation_updates", "relaxation_seconds"}) {
                assertTrue(m.get(f).isNumber(), f + " of " + m);
            }
            assertTrue(m.get("bins").isArray() && m.get("bins").size() >= 2, "bins of mode " + m.get("mode"));
        }
        JsonNode nine = modes.get(5);
        assertEquals(9, nine.get("mode").asInt());
        assertEquals(row(9).driftSlope(), nine.get("drift_slope").asDouble(), 0);
        assertTrue(nine.get("pair").isNull());
        assertEquals("7-8", modes.get(4).get("pair").asText());
        assertEquals(report.dynamics().etaSeconds(), json.get("eta_seconds").asDouble(), 0);
        assertEquals(report.dynamics().etaUpdates(), json.get("eta_updates").asDouble(), 0);
        assertEquals(report.dynamics().etaBandUpdates(), json.get("eta_band_updates").asDouble(), 0);
        assertEquals(report.dynamics().etaBandSeconds(), json.get("eta_band_seconds").asDouble(), 0);
        assertEquals(0.5, json.get("what_if").get(0).get("variance_factor").asDouble(), 0);
        assertFalse(json.get("what_if").get(0).get("beyond_linear_regime").asBoolean());
        assertEquals(0.1 / 16, json.get("what_if_linear_limit").asDouble(), 0);
        assertFalse(json.has("dynamics"), "unwrapped into the report");
        assertEquals(report.modes(), json.get("eigenvalues").size());

        JsonNode streamed = Json.MAPPER.readTree(Json.writeStream(report));
        assertFalse(streamed.get("modes").get(0).has("bins"), "the live stream leaves the bins out");
        assertEquals(json.get("modes").get(0).get("drift_slope"), streamed.get("modes").get(0).get("drift_slope"));
    }

    @Test
    void beforeTheFirstMeasurementTheFieldsAreEmptyOrNull() throws Exception {
        LayerStatistics fresh = new LayerStatistics("r", "W", 4, 4, null, LayerStatistics.Config.defaults());
        JsonNode json = Json.MAPPER.readTree(Json.write(fresh.update(1, new Spectrum(4, 4, new double[] {1, 2, 3, 4}),
                Double.NaN, 0)));
        assertEquals(0, json.get("modes").size());
        assertTrue(json.get("eta_seconds").isNull());
        assertTrue(json.get("eta_updates").isNull());
        assertTrue(json.get("eta_band_updates").isNull());
        assertEquals(0, json.get("what_if").size());
    }

    @Test
    void theMetricsCarryTheRows() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (LayerMetrics metrics = new LayerMetrics(registry, "rbm", "W", 64)) {
            metrics.update(report, 1000);
            Scrape scrape = Scrape.parse(registry.scrape());
            Map<String, String> nine = Map.of("run", "rbm", "layer", "W", "mode", "9");
            assertEquals(row(9).relaxationUpdates(), scrape.value("dyson_mode_relaxation_updates", nine), 1e-12);
            assertEquals(row(9).predictedVariance(), scrape.value("dyson_mode_predicted_variance", nine), 1e-12);
            assertEquals(row(9).measuredVariance(), scrape.value("dyson_mode_measured_variance", nine), 1e-12);
            assertEquals(row(9).driftSlope(), scrape.value("dyson_mode_drift_slope", nine), 1e-12);
            assertEquals(row(9).diffusion(), scrape.value("dyson_mode_diffusion", nine), 1e-15);
            assertEquals(row(9).autocorrelationUpdates(), scrape.value("dyson_mode_autocorrelation_updates", nine), 1e-9);
            Map<String, String> layer = Map.of("run", "rbm", "layer", "W");
            assertEquals(report.dynamics().etaSeconds(), scrape.value("dyson_convergence_eta_seconds", layer), 1e-9);
            assertEquals(report.dynamics().etaUpdates(), scrape.value("dyson_convergence_eta_updates", layer), 1e-9);
            assertEquals(report.dynamics().etaBandUpdates(), scrape.value("dyson_convergence_band_eta_updates", layer),
                    1e-9);
            Set<String> modes = new TreeSet<>();
            scrape.samples("dyson_mode_relaxation_updates", layer).forEach(s -> modes.add(s.labels().get("mode")));
            assertEquals(Set.of("0", "1", "3", "5", "7", "9"), modes, "a row per single mode and pair centre");
        }
    }

    /**
     * A 200-mode layer: 64 tracked modes (the 32 largest and 32 through the bulk), and with a cap of 8 mode
     * series only the 8 largest rows get dyson_mode_* series, as dyson_eigenvalue. Independent AR(1) modes,
     * φ = 0.8, about well-separated centres 1 … 200; measured at the 50th snapshot.
     */
    @Test
    void aLargeLayerStaysWithinTheModeSeriesCap() {
        int n = 200;
        LayerStatistics statistics = new LayerStatistics("big", "W", n, n, null, LayerStatistics.Config.defaults());
        org.apache.commons.math3.random.MersenneTwister rng = new org.apache.commons.math3.random.MersenneTwister(3);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
        }
        LayerReport big = null;
        for (int t = 1; t <= 50; t++) {
            for (int i = 0; i < n; i++) {
                x[i] = (i + 1) + 0.8 * (x[i] - (i + 1)) + 0.01 * rng.nextGaussian();
            }
            big = statistics.update(t, new Spectrum(n, n, x.clone()), Double.NaN, 0);
        }
        assertEquals(64, big.dynamics().modes().size());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (LayerMetrics metrics = new LayerMetrics(registry, "big", "W", 8)) {
            metrics.update(big, 1000);
            Scrape scrape = Scrape.parse(registry.scrape());
            Set<String> expected = new TreeSet<>();
            for (int mode = 192; mode < 200; mode++) {
                expected.add(Integer.toString(mode));
            }
            for (String name : List.of("dyson_mode_relaxation_updates", "dyson_mode_predicted_variance",
                    "dyson_mode_measured_variance", "dyson_mode_drift_slope", "dyson_mode_diffusion",
                    "dyson_mode_autocorrelation_updates")) {
                Set<String> modes = new TreeSet<>();
                scrape.samples(name, Map.of("run", "big", "layer", "W")).forEach(s -> modes.add(s.labels().get("mode")));
                assertEquals(expected, modes, name);
            }
            assertNull(big.dynamics().mode(100), "mode 100 is not tracked");
            assertTrue(Double.isNaN(big.dynamics().etaSeconds()), "no clock, no seconds");
        }
    }
}

package org.dysonmonitor.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.dysonmonitor.rmt.LayerReport;
import org.junit.jupiter.api.Test;

class LayerMetricsTest {

    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00.250Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String[] RUN_LAYER = {"run", "r1", "layer", "W"};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private Exposition scrape() {
        return Exposition.parse(registry.scrape());
    }

    /** run="r1", layer="W" and the given further labels. */
    private static String[] labels(String... more) {
        String[] all = new String[RUN_LAYER.length + more.length];
        System.arraycopy(RUN_LAYER, 0, all, 0, RUN_LAYER.length);
        System.arraycopy(more, 0, all, RUN_LAYER.length, more.length);
        return all;
    }

    @Test
    void firstUpdatePublishesEveryStatisticOfTheReport() {
        LayerMetrics metrics = new LayerMetrics(registry, "r1", "W", 64, CLOCK);
        metrics.update(TestReports.tenModes("r1", "W", 1.0), 1_500_000);

        String text = registry.scrape();
        assertTrue(text.contains("\ndyson_eigenvalue{layer=\"W\",mode=\"3\",run=\"r1\"} 4.0\n"), text);
        Exposition e = Exposition.parse(text);
        for (int m = 0; m < 10; m++) {
            String mode = Integer.toString(m);
            assertEquals(m + 1.0, e.value("dyson_eigenvalue", labels("mode", mode)), "mode " + m);
            assertEquals(TestReports.mean(m, 1.0), e.value("dyson_eigenvalue_mean", labels("mode", mode)), 1e-12);
            assertEquals(TestReports.variance(m, 1.0), e.value("dyson_eigenvalue_variance", labels("mode", mode)),
                    1e-12);
        }
        assertEquals(10, e.samples("dyson_eigenvalue", RUN_LAYER).size());

        String[] q = {"0", "0.25", "0.5", "0.75", "1"};
        double[] quantiles = {1, 3.25, 5.5, 7.75, 10};
        for (int i = 0; i < q.length; i++) {
            assertEquals(quantiles[i], e.value("dyson_eigenvalue_quantile", labels("q", q[i])), "q=" + q[i]);
        }
        assertEquals(5, e.samples("dyson_eigenvalue_quantile", RUN_LAYER).size());

        for (int k = 1; k <= 4; k++) {
            String pair = (2 * k - 2) + "-" + (2 * k - 1);
            assertEquals(TestReports.sigmaSquared(k, 1), e.value("dyson_pair_sigma_squared", labels("pair", pair)));
            assertEquals(TestReports.spacingS2(k, 1), e.value("dyson_pair_spacing_s2", labels("pair", pair)));
            assertEquals(TestReports.binderCumulant(k, 1),
                    e.value("dyson_pair_binder_cumulant", labels("pair", pair)));
            assertEquals(TestReports.sigmaSquaredPerLrBatch(k, 1),
                    e.value("dyson_sigma_squared_per_lr_batch", labels("pair", pair)));
        }
        assertEquals(4, e.samples("dyson_pair_sigma_squared", RUN_LAYER).size());

        assertEquals(0.53, e.value("dyson_spacing_ratio_mean", RUN_LAYER));
        assertEquals(0.12, e.value("dyson_spacing_ks_wigner", RUN_LAYER));
        assertEquals(0.34, e.value("dyson_spacing_ks_poisson", RUN_LAYER));
        assertEquals(0.07, e.value("dyson_mp_ks_distance", RUN_LAYER));
        assertEquals(2.0, e.value("dyson_mp_spikes", RUN_LAYER));
        assertEquals(Math.sqrt(10), e.value("dyson_spectral_norm", RUN_LAYER), 1e-12);
        assertEquals(5.5, e.value("dyson_stable_rank", RUN_LAYER));
        assertEquals(0.25, e.value("dyson_target_distance", RUN_LAYER));
        assertEquals(1.0, e.value("dyson_converged", RUN_LAYER));

        assertWholeSpectrumDiagnostics(e);

        assertEquals(1.0, e.value("dyson_spectrum_compute_seconds_count", RUN_LAYER));
        assertEquals(0.0015, e.value("dyson_spectrum_compute_seconds_sum", RUN_LAYER), 1e-12);
        assertEquals("summary", e.types().get("dyson_spectrum_compute_seconds"));
        assertEquals(1714564800.25, e.value("dyson_last_update_timestamp_seconds", RUN_LAYER), 1e-6);
    }

    @Test
    void levelSpacingHistogramHasTheFixedBucketsWithCumulativeCounts() {
        LayerMetrics metrics = new LayerMetrics(registry, "r1", "W", 64, CLOCK);
        metrics.update(TestReports.tenModes("r1", "W", 1.0), 1_000);

        Exposition e = scrape();
        assertEquals("histogram", e.types().get("dyson_level_spacing"));
        List<Exposition.Sample> buckets = e.samples("dyson_level_spacing_bucket", RUN_LAYER);
        List<String> expectedLe = new ArrayList<>();
        for (int k = 1; k <= 40; k++) {
            expectedLe.add(k / 10 + "." + k % 10); // written out, not via Double.toString
        }
        expectedLe.add("+Inf");
        assertEquals(expectedLe, buckets.stream().map(b -> b.labels().get("le")).toList());

        // Expected counts by exact decimal comparison, independent of the doubles the code uses.
        for (Exposition.Sample bucket : buckets) {
            String le = bucket.labels().get("le");
            long expected = le.equals("+Inf") ? TestReports.SPACINGS.length
                    : java.util.Arrays.stream(TestReports.SPACINGS)
                            .filter(s -> new BigDecimal(Double.toString(s)).compareTo(new BigDecimal(le)) <= 0)
                            .count();
            assertEquals(expected, bucket.value(), "le=" + le);
        }
        // The same, spelled out for the boundaries: a spacing equal to le counts in that bucket.
        assertEquals(2, e.value("dyson_level_spacing_bucket", labels("le", "0.1")));
        assertEquals(3, e.value("dyson_level_spacing_bucket", labels("le", "0.2")));
        assertEquals(4, e.value("dyson_level_spacing_bucket", labels("le", "0.3")));
        assertEquals(4, e.value("dyson_level_spacing_bucket", labels("le", "0.9")));
        assertEquals(6, e.value("dyson_level_spacing_bucket", labels("le", "1.0")));
        assertEquals(7, e.value("dyson_level_spacing_bucket", labels("le", "1.1")));
        assertEquals(8, e.value("dyson_level_spacing_bucket", labels("le", "2.5")));
        assertEquals(8, e.value("dyson_level_spacing_bucket", labels("le", "3.9")));
        assertEquals(9, e.value("dyson_level_spacing_bucket", labels("le", "4.0")));
        assertEquals(9, e.value("dyson_level_spacing_count", RUN_LAYER));
        assertEquals(10.1, e.value("dyson_level_spacing_sum", RUN_LAYER), 1e-12);

        metrics.update(TestReports.tenModes("r1", "W", 1.0), 1_000);
        Exposition twice = scrape();
        assertEquals(4, twice.value("dyson_level_spacing_bucket", labels("le", "0.1")));
        assertEquals(18, twice.value("dyson_level_spacing_count", RUN_LAYER));
    }

    @Test
    void perModeSeriesAreCappedToTheLargestModes() {
        LayerMetrics metrics = new LayerMetrics(registry, "r1", "W", 64, CLOCK);
        metrics.update(TestReports.report("r1", "W", 1, 200, 1.0, 0, false), 1_000);
        assertModes(scrape(), 136, 200);
    }

    @Test
    void changingTheNumberOfModesReRegistersThePerModeSeries() {
        LayerMetrics metrics = new LayerMetrics(registry, "r1", "W", 64, CLOCK);
        int[] sizes = {200, 100, 30, 64, 65, 200};
        for (int n : sizes) {
            metrics.update(TestReports.report("r1", "W", n, n, 1.0, 0, false), 1_000);
            assertModes(scrape(), Math.max(0, n - 64), n);
        }
    }

    @Test
    void aCapOfZeroPublishesNoPerModeSeries() {
        LayerMetrics metrics = new LayerMetrics(registry, "r1", "W", 0, CLOCK);
        metrics.update(TestReports.tenModes("r1", "W", 1.0), 1_000);
        Exposition e = scrape();
        assertTrue(e.samples("dyson_eigenvalue", RUN_LAYER).isEmpty());
        assertEquals(1.0, e.value("dyson_converged", RUN_LAYER));

        assertWholeSpectrumDiagnostics(e);
    }

    /**
     * The heavy-tail, randomized-baseline and rigidity gauges of {@link TestReports#tenModes} at scale 1:
     * the values TestReports put into the report.
     */
    private static void assertWholeSpectrumDiagnostics(Exposition e) {
        assertEquals(3.5, e.value("dyson_powerlaw_alpha", RUN_LAYER));
        assertEquals(3.5, e.value("dyson_powerlaw_alpha_weighted", RUN_LAYER));
        assertEquals(2.0, e.value("dyson_powerlaw_xmin", RUN_LAYER));
        assertEquals(0.04, e.value("dyson_powerlaw_ks_distance", RUN_LAYER));
        assertEquals(1.7, e.value("dyson_log_frobenius_norm", RUN_LAYER));
        assertEquals(1.0, e.value("dyson_log_spectral_norm", RUN_LAYER));
        assertEquals(0.4, e.value("dyson_mp_softrank", RUN_LAYER));
        assertEquals(0.8, e.value("dyson_matrix_entropy", RUN_LAYER));
        assertEquals(0.3, e.value("dyson_randomized_distance", RUN_LAYER));
        assertEquals(3.0, e.value("dyson_correlation_traps", RUN_LAYER));
        for (String length : new String[] {"2", "5", "10", "20"}) {
            assertEquals(0.1 * Integer.parseInt(length), e.value("dyson_spectral_rigidity", labels("l", length)), 1e-12);
            assertEquals(0.2 * Integer.parseInt(length), e.value("dyson_number_variance", labels("l", length)), 1e-12);
        }
        assertEquals(4, e.samples("dyson_spectral_rigidity", RUN_LAYER).size());
    }

    /** Exactly modes [from, to) for each per-mode metric, with the values of scale 1. */
    private static void assertModes(Exposition e, int from, int to) {
        Set<String> expected = IntStream.range(from, to).mapToObj(Integer::toString)
                .collect(Collectors.toCollection(TreeSet::new));
        for (String name : List.of("dyson_eigenvalue", "dyson_eigenvalue_mean", "dyson_eigenvalue_variance")) {
            Set<String> modes = e.samples(name, RUN_LAYER).stream().map(s -> s.labels().get("mode"))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(expected, modes, name + " for " + to + " modes");
            assertEquals(to - from, e.samples(name, RUN_LAYER).size(), name);
        }
        for (int m = from; m < to; m++) {
            String mode = Integer.toString(m);
            assertEquals(m + 1.0, e.value("dyson_eigenvalue", labels("mode", mode)));
            assertEquals(TestReports.mean(m, 1), e.value("dyson_eigenvalue_mean", labels("mode", mode)), 1e-12);
            assertEquals(TestReports.variance(m, 1), e.value("dyson_eigenvalue_variance", labels("mode", mode)),
                    1e-12);
        }
    }

    @Test
    void aSecondUpdateChangesTheGauges() {
        LayerMetrics metrics = new LayerMetrics(registry, "r1", "W", 64, CLOCK);
        metrics.update(TestReports.tenModes("r1", "W", 1.0), 1_000_000);
        metrics.update(TestReports.tenModes("r1", "W", 2.0), 3_000_000);

        Exposition e = scrape();
        for (int m = 0; m < 10; m++) {
            assertEquals(2.0 * (m + 1), e.value("dyson_eigenvalue", labels("mode", Integer.toString(m))));
        }
        assertEquals(20.0, e.value("dyson_eigenvalue_quantile", labels("q", "1")));
        assertEquals(TestReports.sigmaSquared(3, 2.0), e.value("dyson_pair_sigma_squared", labels("pair", "4-5")));
        assertEquals(1.06, e.value("dyson_spacing_ratio_mean", RUN_LAYER), 1e-12);
        assertEquals(4.0, e.value("dyson_mp_spikes", RUN_LAYER));
        assertEquals(0.5, e.value("dyson_target_distance", RUN_LAYER));
        assertEquals(0.0, e.value("dyson_converged", RUN_LAYER));
        assertEquals(2.0, e.value("dyson_spectrum_compute_seconds_count", RUN_LAYER));
        assertEquals(0.004, e.value("dyson_spectrum_compute_seconds_sum", RUN_LAYER), 1e-12);
    }

    @Test
    void timestampFollowsTheClockOfEachUpdate() {
        Instant[] now = {NOW};
        Clock ticking = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        LayerMetrics metrics = new LayerMetrics(registry, "r1", "W", 64, ticking);
        metrics.update(TestReports.tenModes("r1", "W", 1.0), 1_000);
        now[0] = NOW.plusSeconds(60);
        assertEquals(1714564800.25, scrape().value("dyson_last_update_timestamp_seconds", RUN_LAYER), 1e-6);
        metrics.update(TestReports.tenModes("r1", "W", 1.0), 1_000);
        assertEquals(1714564860.25, scrape().value("dyson_last_update_timestamp_seconds", RUN_LAYER), 1e-6);
    }

    @Test
    void targetDistanceExistsOnlyWhileTheReportHasATarget() {
        LayerMetrics metrics = new LayerMetrics(registry, "r1", "W", 64, CLOCK);
        metrics.update(TestReports.report("r1", "W", 1, 10, 1.0, 0, false), 1_000);
        assertFalse(scrape().has("dyson_target_distance", RUN_LAYER));
        metrics.update(TestReports.report("r1", "W", 2, 10, 1.0, 0, true), 1_000);
        assertEquals(0.25, scrape().value("dyson_target_distance", RUN_LAYER));
        metrics.update(TestReports.report("r1", "W", 3, 10, 1.0, 0, false), 1_000);
        assertFalse(scrape().has("dyson_target_distance", RUN_LAYER));
    }

    @Test
    void baselineSeriesAppearWithTheFirstRandomizedBaseline() {
        LayerMetrics metrics = new LayerMetrics(registry, "r1", "W", 64, CLOCK);
        LayerReport full = TestReports.tenModes("r1", "W", 1.0);
        // The same report as before its layer had a baseline, a power-law fit or a rigidity.
        double nan = Double.NaN;
        LayerReport without = full.toBuilder()
                .powerLaw(nan, nan, nan, nan, 0)
                .heavyTail(nan, nan, nan, nan, nan, nan, "unknown")
                .baseline(nan, null, -1)
                .rigidity(Map.of(), Map.of())
                .build();
        metrics.update(without, 1_000);
        assertEquals(List.of(), scrape().samples("dyson_correlation_traps", RUN_LAYER));
        assertTrue(Double.isNaN(scrape().value("dyson_powerlaw_alpha", RUN_LAYER)), "no fit: NaN");
        metrics.update(full, 1_000);
        assertEquals(3.0, scrape().value("dyson_correlation_traps", RUN_LAYER));
        metrics.close();
        assertEquals(List.of(), scrape().samples("dyson_randomized_distance", RUN_LAYER));
    }

    @Test
    void pairSeriesFollowThePairsOfTheLatestReport() {
        LayerMetrics metrics = new LayerMetrics(registry, "r1", "W", 64, CLOCK);
        metrics.update(TestReports.report("r1", "W", 1, 10, 1.0, 4, true), 1_000);
        assertEquals(4, scrape().samples("dyson_pair_binder_cumulant", RUN_LAYER).size());
        metrics.update(TestReports.report("r1", "W", 2, 10, 1.0, 2, true), 1_000);
        Exposition e = scrape();
        assertPairSeries(e, Set.of("0-1", "2-3"));
    }

    @Test
    void pairSeriesAreUnderTheModeCapTheLargestPairsKept() {
        // 10 modes, 5 pairs (0-1 … 8-9), a cap of 2: the two pairs of the largest modes, with their values.
        LayerMetrics metrics = new LayerMetrics(registry, "r1", "W", 2, CLOCK);
        metrics.update(TestReports.report("r1", "W", 1, 10, 1.0, 5, true), 1_000);
        Exposition e = scrape();
        assertPairSeries(e, Set.of("6-7", "8-9"));
        assertEquals(TestReports.sigmaSquared(5, 1), e.value("dyson_pair_sigma_squared", labels("pair", "8-9")));
        assertEquals(TestReports.spacingS2(4, 1), e.value("dyson_pair_spacing_s2", labels("pair", "6-7")));
    }

    /** Every pair gauge has exactly the series of {@code expected} pairs. */
    private static void assertPairSeries(Exposition e, Set<String> expected) {
        for (String name : List.of("dyson_pair_sigma_squared", "dyson_pair_spacing_s2",
                "dyson_pair_binder_cumulant", "dyson_sigma_squared_per_lr_batch")) {
            Set<String> pairs = e.samples(name, RUN_LAYER).stream().map(s -> s.labels().get("pair"))
                    .collect(Collectors.toSet());
            assertEquals(expected, pairs, name);
        }
    }

    @Test
    void closeRemovesEverySeriesOfTheLayerAndNothingElse() {
        LayerMetrics w1 = new LayerMetrics(registry, "r1", "W", 64, CLOCK);
        LayerMetrics v1 = new LayerMetrics(registry, "r1", "V", 64, CLOCK);
        LayerMetrics w2 = new LayerMetrics(registry, "r2", "W", 64, CLOCK);
        w1.update(TestReports.tenModes("r1", "W", 1.0), 1_000);
        v1.update(TestReports.tenModes("r1", "V", 1.0), 1_000);
        w2.update(TestReports.tenModes("r2", "W", 1.0), 1_000);
        Exposition before = scrape();
        int v1Series = before.samplesWith("run", "r1", "layer", "V").size();
        int w2Series = before.samplesWith("run", "r2", "layer", "W").size();
        assertEquals(v1Series, before.samplesWith(RUN_LAYER).size());

        w1.close();
        Exposition after = scrape();
        assertEquals(List.of(), after.samplesWith(RUN_LAYER));
        assertEquals(v1Series, after.samplesWith("run", "r1", "layer", "V").size());
        assertEquals(w2Series, after.samplesWith("run", "r2", "layer", "W").size());
        assertEquals(4.0, after.value("dyson_eigenvalue", "run", "r2", "layer", "W", "mode", "3"));
        assertEquals(9, after.value("dyson_level_spacing_count", "run", "r2", "layer", "W"));

        // A late report must not bring the layer back; closing twice is harmless.
        w1.update(TestReports.tenModes("r1", "W", 1.0), 1_000);
        w1.close();
        assertEquals(List.of(), scrape().samplesWith(RUN_LAYER));
    }

    @Test
    void aLayerCanBeBoundAgainAfterClose() {
        LayerMetrics first = new LayerMetrics(registry, "r1", "W", 64, CLOCK);
        first.update(TestReports.tenModes("r1", "W", 1.0), 1_000);
        first.close();
        LayerMetrics second = new LayerMetrics(registry, "r1", "W", 64, CLOCK);
        second.update(TestReports.tenModes("r1", "W", 2.0), 1_000);
        Exposition e = scrape();
        assertEquals(8.0, e.value("dyson_eigenvalue", labels("mode", "3")));
        assertEquals(1, e.value("dyson_spectrum_compute_seconds_count", RUN_LAYER));
        assertEquals(9, e.value("dyson_level_spacing_count", RUN_LAYER));
    }

    @Test
    void aSecondLayerMetricsForTheSameLayerIsRefused() {
        new LayerMetrics(registry, "r1", "W", 64, CLOCK).update(TestReports.tenModes("r1", "W", 1.0), 1_000);
        LayerMetrics duplicate = new LayerMetrics(registry, "r1", "W", 64, CLOCK);
        assertThrows(IllegalStateException.class,
                () -> duplicate.update(TestReports.tenModes("r1", "W", 2.0), 1_000));
        assertEquals(4.0, scrape().value("dyson_eigenvalue", labels("mode", "3")));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LayerMetrics(registry, "r 1", "W", 64));
        assertThrows(IllegalArgumentException.class, () -> new LayerMetrics(registry, "r1", "", 64));
        assertThrows(IllegalArgumentException.class, () -> new LayerMetrics(registry, "r1", "W", -1));
        LayerMetrics metrics = new LayerMetrics(registry, "r1", "W", 64, CLOCK);
        LayerReport other = TestReports.tenModes("r1", "V", 1.0);
        assertThrows(IllegalArgumentException.class, () -> metrics.update(other, 1_000));
        LayerReport mine = TestReports.tenModes("r1", "W", 1.0);
        assertThrows(IllegalArgumentException.class, () -> metrics.update(mine, -1));
        assertTrue(scrape().samplesWith(RUN_LAYER).isEmpty());
    }

    @Test
    void worksWithARegistryThatIsNotPrometheus() {
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        LayerMetrics metrics = new LayerMetrics(simple, "r1", "W", 64, CLOCK);
        metrics.update(TestReports.tenModes("r1", "W", 1.0), 1_000);
        assertEquals(4.0, simple.get("dyson.eigenvalue").tags("run", "r1", "layer", "W", "mode", "3").gauge().value());
        metrics.close();
        assertTrue(simple.getMeters().isEmpty());
    }
}

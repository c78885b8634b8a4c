package org.dysonmonitor.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The metric names of design.md ("Metrics") against a real scrape after one full update. */
class MetricsContractTest {

    /** design.md's Metrics table (change only together with design.md, the dashboards and the alert rules). */
    private static final List<String> DESIGN_SAMPLE_NAMES = MetricNames.DESIGN_SAMPLE_NAMES;

    private static final Set<String> MICROMETER_EXTRAS = MetricNames.MICROMETER_EXTRAS;

    private static final Pattern METRIC_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Exposition scrape;

    @BeforeEach
    void oneFullUpdate() {
        Clock clock = Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC);
        new LayerMetrics(registry, "r1", "W", 64, clock).update(
                TestReports.tenModes("r1", "W", 1.0).withDynamics(TestReports.dynamics()), 2_000_000);
        RunMetrics run = new RunMetrics(registry, "r1");
        run.setStep(1000);
        run.setLearningRate(0.01);
        run.setBatchSize(32);
        run.received("W");
        run.received("W");
        run.received("W");
        run.processed("W");
        run.dropped("W");
        run.rejected("W", "bad_npy");
        scrape = Exposition.parse(registry.scrape());
    }

    @Test
    void everyDesignMetricAppears() {
        Set<String> missing = new TreeSet<>(DESIGN_SAMPLE_NAMES);
        missing.removeAll(scrape.sampleNames());
        assertEquals(Set.of(), missing);
    }

    @Test
    void noMetricOutsideTheDesign() {
        Set<String> extra = new TreeSet<>(scrape.sampleNames());
        extra.removeIf(name -> !name.startsWith("dyson_"));
        extra.removeAll(DESIGN_SAMPLE_NAMES);
        extra.removeAll(MetricNames.BEYOND_DESIGN_SAMPLE_NAMES);
        extra.removeAll(MICROMETER_EXTRAS);
        assertEquals(Set.of(), extra);
    }

    /** What promtool's "check metrics" lints, as far as this text shows it. */
    @Test
    void scrapePassesThePrometheusLintRules() {
        Map<String, String> types = scrape.types();
        for (Map.Entry<String, String> family : scrape.help().entrySet()) {
            assertFalse(family.getValue().isBlank(), "no HELP text for " + family.getKey());
            assertFalse(family.getValue().contains("\n"), family.getKey());
            assertTrue(types.containsKey(family.getKey()), "no TYPE for " + family.getKey());
        }
        assertEquals(scrape.help().keySet(), types.keySet());
        for (Exposition.Sample sample : scrape.samples()) {
            String name = sample.name();
            String family = familyOf(name, types);
            assertTrue(family != null, "sample without a family: " + name);
            String type = types.get(family);
            assertTrue(METRIC_NAME.matcher(name).matches(), "not snake_case: " + name);
            for (String label : sample.labels().keySet()) {
                assertTrue(LABEL_NAME.matcher(label).matches(), "label " + label + " of " + name);
                assertFalse(label.startsWith("__"), "reserved label " + label);
            }
            assertEquals(type.equals("counter"), name.endsWith("_total"),
                    "only counters end in _total, and all of them: " + name + " (" + type + ")");
            if (!type.equals("histogram") && !type.equals("summary")) {
                assertFalse(name.matches(".*_(bucket|count|sum)$"), "reserved suffix on a " + type + ": " + name);
            }
            // Base units only: no milli-, micro- or nanoseconds, bytes rather than kilobytes.
            assertFalse(name.matches(".*_(milliseconds|microseconds|nanoseconds|minutes|hours|kilobytes|megabytes).*"),
                    "not a base unit: " + name);
        }
    }

    @Test
    void countersAndHistogramHaveTheirPrometheusTypes() {
        Map<String, String> types = scrape.types();
        assertEquals("counter", types.get("dyson_snapshots_received_total"));
        assertEquals("counter", types.get("dyson_snapshots_rejected_total"));
        assertEquals("histogram", types.get("dyson_level_spacing"));
        assertEquals("summary", types.get("dyson_spectrum_compute_seconds"));
        assertEquals("gauge", types.get("dyson_eigenvalue"));
        assertEquals("gauge", types.get("dyson_last_update_timestamp_seconds"));
        assertEquals("Latest eigenvalue x_mode of WᵀW, mode 0 the smallest", scrape.help().get("dyson_eigenvalue"));
    }

    /** The family a sample belongs to: its own name, or the name without a histogram/summary suffix. */
    private static String familyOf(String sample, Map<String, String> types) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum")) {
            if (sample.endsWith(suffix)) {
                String family = sample.substring(0, sample.length() - suffix.length());
                if (types.containsKey(family)) {
                    return family;
                }
            }
        }
        return null;
    }
}

package org.dysonmonitor.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The {@code dyson_level_spacing} histogram of one (run, layer): unfolded nearest-neighbour spacings
 * in classic buckets {@code le = 0.1, 0.2, …, 4.0, +Inf}.
 *
 * <p>Why not a Micrometer {@code DistributionSummary} with service-level objectives 0.1 … 4.0: its
 * fixed-boundary histogram records {@code (long) Math.ceil(value)}, so every spacing in (0, 1] lands
 * in {@code le="1.0"} and the buckets below 1 stay at 0 (Micrometer 1.17; its documented workaround,
 * {@code scale()}, would rename the buckets). Spacings have mean 1, so that would erase the very
 * level repulsion the histogram is for. Instead this class registers a Prometheus client histogram in
 * the {@link PrometheusRegistry} behind each {@link PrometheusMeterRegistry}, which compares the
 * doubles exactly. It shows up in {@code PrometheusMeterRegistry.scrape()} like any Micrometer meter.
 *
 * <p>The family {@code dyson_level_spacing{run, layer}} is shared by all layers of a Prometheus
 * registry, so it is registered once per registry (a second registration of the same name fails);
 * each layer owns only its child series. A registry that is not a Prometheus one (and holds none,
 * if composite) gets no level-spacing histogram: the alternative would be buckets that are wrong.
 * No Micrometer meter may be named {@code dyson.level.spacing} in the same registry, or every
 * scrape fails with "conflicting metric types".
 */
final class LevelSpacingHistogram {

    /** Prometheus name of the family (not a Micrometer name: no naming convention is applied). */
    static final String NAME = "dyson_level_spacing";

    private static final String HELP = "Unfolded nearest-neighbour level spacings of the layer's spectra (mean 1)";

    /** Bucket upper bounds 0.1 … 4.0; i / 10.0 is the double nearest to the decimal, as a literal. */
    static final double[] UPPER_BOUNDS = upperBounds();

    /** One family per Prometheus registry; weak keys, so a discarded registry takes its family along. */
    private static final Map<PrometheusRegistry, Histogram> FAMILIES = new WeakHashMap<>();

    private final String run;
    private final String layer;
    private final List<Histogram> families;
    private final List<DistributionDataPoint> series;

    private LevelSpacingHistogram(String run, String layer, List<Histogram> families) {
        this.run = run;
        this.layer = layer;
        this.families = families;
        // Creating the children now exposes zero buckets from the first report on, even a report
        // with no spacings.
        this.series = families.stream().map(f -> f.labelValues(run, layer)).toList();
    }

    /**
     * Creates the series of (run, layer) in every Prometheus registry that {@code registry} is or
     * (if composite, recursively) contains at this moment.
     */
    static LevelSpacingHistogram bind(MeterRegistry registry, String run, String layer) {
        List<Histogram> families = new ArrayList<>();
        for (PrometheusRegistry prometheus : prometheusRegistries(registry, new ArrayList<>())) {
            families.add(family(prometheus));
        }
        return new LevelSpacingHistogram(run, layer, families);
    }

    /** Records every finite spacing; NaN and infinities would poison {@code _sum}, so they are skipped. */
    void observe(double[] spacings) {
        for (DistributionDataPoint s : series) {
            for (double spacing : spacings) {
                if (Double.isFinite(spacing)) {
                    s.observe(spacing);
                }
            }
        }
    }

    /** Removes this layer's series; the (shared) family stays registered. */
    void close() {
        for (Histogram family : families) {
            family.remove(run, layer);
        }
    }

    private static List<PrometheusRegistry> prometheusRegistries(MeterRegistry registry, List<PrometheusRegistry> found) {
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            found.add(prometheus.getPrometheusRegistry());
        } else if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry child : composite.getRegistries()) {
                prometheusRegistries(child, found);
            }
        }
        return found;
    }

    private static Histogram family(PrometheusRegistry prometheus) {
        synchronized (FAMILIES) {
            return FAMILIES.computeIfAbsent(prometheus, p -> {
                Histogram family = Histogram.builder()
                        .name(NAME)
                        .help(HELP)
                        .labelNames("run", "layer")
                        .classicOnly()
                        .classicUpperBounds(UPPER_BOUNDS)
                        .withoutExemplars() // no tracer here: sampling would cost and show nothing
                        .build();
                p.register(family);
                return family;
            });
        }
    }

    private static double[] upperBounds() {
        double[] bounds = new double[40];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = (i + 1) / 10.0;
        }
        return bounds;
    }
}

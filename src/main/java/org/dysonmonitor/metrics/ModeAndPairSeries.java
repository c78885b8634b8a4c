package org.dysonmonitor.metrics;

import static org.dysonmonitor.metrics.LayerMetrics.EIGENVALUE;
import static org.dysonmonitor.metrics.LayerMetrics.EIGENVALUE_MEAN;
import static org.dysonmonitor.metrics.LayerMetrics.EIGENVALUE_VARIANCE;
import static org.dysonmonitor.metrics.LayerMetrics.PAIR_BINDER_CUMULANT;
import static org.dysonmonitor.metrics.LayerMetrics.PAIR_SIGMA_SQUARED;
import static org.dysonmonitor.metrics.LayerMetrics.PAIR_SPACING_S2;
import static org.dysonmonitor.metrics.LayerMetrics.SIGMA_SQUARED_PER_LR_BATCH;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.PairReport;

/**
 * The per-mode ({@code dyson_eigenvalue}, {@code _mean}, {@code _variance}) and per-pair
 * ({@code dyson_pair_*}, {@code dyson_sigma_squared_per_lr_batch}) series of one {@link LayerMetrics},
 * both under the same cap (--max-mode-series): at most {@code cap} modes, the largest, and at most
 * {@code cap} pairs, the report's last (largest) ones. Per-mode gauges read the layer's latest
 * report; per-pair gauges read the published pairs, set just before the report.
 *
 * <p>Not thread-safe: the owning {@link LayerMetrics} calls it under its lock; scrapes only read the
 * atomic references.
 */
final class ModeAndPairSeries {

    private final MeterRegistry registry;
    private final Tags tags;
    private final int cap;
    private final LayerMetrics.ReportGauges gauges;
    /** The pairs of the latest report that have series, by label; set just before the report. */
    private final AtomicReference<Map<String, PairReport>> latestPairs = new AtomicReference<>(Map.of());
    private final Map<Integer, List<Meter>> modeMeters = new HashMap<>();
    private final Map<String, List<Meter>> pairMeters = new HashMap<>();

    ModeAndPairSeries(MeterRegistry registry, Tags tags, int cap, LayerMetrics.ReportGauges gauges) {
        this.registry = registry;
        this.tags = tags;
        this.cap = cap;
        this.gauges = gauges;
    }

    /**
     * Before {@code report} becomes visible: removes the series it does not have and publishes its
     * pairs, so a concurrent scrape never reads a mode or pair the report it sees does not have.
     */
    void beforePublish(LayerReport report) {
        removeModesOutside(firstMode(report), lastMode(report));
        Map<String, PairReport> pairs = publishedPairs(report, cap);
        removePairsOtherThan(pairs.keySet());
        latestPairs.set(pairs);
    }

    /** After {@code report} became visible: registers the series it has and that are missing. */
    void afterPublish(LayerReport report) {
        addModes(firstMode(report), lastMode(report));
        addPairs(latestPairs.get().keySet());
    }

    /** Removes every mode and pair series. */
    void close() {
        removeModesOutside(0, 0);
        removePairsOtherThan(Set.of());
    }

    /** Mode numbers are those of the whole spectrum; a top-k report holds its top k of them. */
    private static int lastMode(LayerReport report) {
        return report.firstMode() + report.modes();
    }

    private int firstMode(LayerReport report) {
        return Math.max(0, lastMode(report) - cap);
    }

    private void addModes(int from, int to) {
        for (int m = from; m < to; m++) {
            if (modeMeters.containsKey(m)) {
                continue;
            }
            int mode = m;
            Tags modeTags = tags.and("mode", Integer.toString(mode));
            // The guard covers the moment between a report with fewer modes becoming visible and
            // this series being removed.
            modeMeters.put(mode, List.of(
                    gauges.gauge(EIGENVALUE, "Latest eigenvalue x_mode of WᵀW, mode 0 the smallest", modeTags,
                            r -> has(r, mode) ? r.eigenvalue(mode - r.firstMode()) : Double.NaN),
                    gauges.gauge(EIGENVALUE_MEAN, "Running mean of eigenvalue x_mode over the recent window", modeTags,
                            r -> has(r, mode) ? r.eigenvalueMean(mode - r.firstMode()) : Double.NaN),
                    gauges.gauge(EIGENVALUE_VARIANCE, "Running variance of eigenvalue x_mode over the recent window",
                            modeTags, r -> has(r, mode) ? r.eigenvalueVariance(mode - r.firstMode()) : Double.NaN)));
        }
    }

    /** Whether the report holds mode {@code mode} (a top-k report holds only its top k). */
    private static boolean has(LayerReport r, int mode) {
        return mode >= r.firstMode() && mode < r.firstMode() + r.modes();
    }

    private void removeModesOutside(int from, int to) {
        for (Iterator<Map.Entry<Integer, List<Meter>>> it = modeMeters.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, List<Meter>> entry = it.next();
            if (entry.getKey() < from || entry.getKey() >= to) {
                removeAll(entry.getValue());
                it.remove();
            }
        }
    }

    /**
     * The pairs that get series, by label: at most {@code cap} (the per-mode cap, --max-mode-series),
     * the last ones of the report (the largest modes, as for the per-mode series). Built once per
     * report, so a scrape looks each pair up instead of searching the report's pairs.
     */
    private static Map<String, PairReport> publishedPairs(LayerReport report, int cap) {
        List<PairReport> all = report.pairs();
        Map<String, PairReport> published = new HashMap<>();
        for (int i = Math.max(0, all.size() - cap); i < all.size(); i++) {
            PairReport pair = all.get(i);
            published.put(Objects.requireNonNull(pair.pair(), "pair label"), pair);
        }
        return Map.copyOf(published);
    }

    private void addPairs(Set<String> labels) {
        for (String label : labels) {
            if (pairMeters.containsKey(label)) {
                continue;
            }
            Tags pairTags = tags.and("pair", label);
            pairMeters.put(label, List.of(
                    gauges.gauge(PAIR_SIGMA_SQUARED, "σ̂² = ⟨S²⟩/4 of the degenerate pair's spacing S", pairTags,
                            r -> pairValue(label, PairReport::sigmaSquared)),
                    gauges.gauge(PAIR_SPACING_S2, "⟨s²⟩ of the pair's rescaled spacing s = S/⟨S⟩ (Wigner surmise: 4/π)",
                            pairTags, r -> pairValue(label, PairReport::spacingS2)),
                    gauges.gauge(PAIR_BINDER_CUMULANT,
                            "Binder cumulant U₄ of the pair's eigenvalues about their centre (two-level density: −4/27)",
                            pairTags, r -> pairValue(label, PairReport::binderCumulant)),
                    gauges.gauge(SIGMA_SQUARED_PER_LR_BATCH,
                            "σ̂² / (α/|B|) of the pair: constant across runs if linear scaling holds",
                            pairTags, r -> pairValue(label, PairReport::sigmaSquaredPerLrBatch))));
        }
    }

    /** The published pair's value; NaN in the moment a pair's series outlives its report. */
    private double pairValue(String label, ToDoubleFunction<PairReport> value) {
        PairReport pair = latestPairs.get().get(label);
        return pair == null ? Double.NaN : value.applyAsDouble(pair);
    }

    private void removePairsOtherThan(Set<String> keep) {
        for (Iterator<Map.Entry<String, List<Meter>>> it = pairMeters.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, List<Meter>> entry = it.next();
            if (!keep.contains(entry.getKey())) {
                removeAll(entry.getValue());
                it.remove();
            }
        }
    }

    private void removeAll(List<Meter> meters) {
        for (Meter meter : meters) {
            registry.remove(meter);
        }
    }
}

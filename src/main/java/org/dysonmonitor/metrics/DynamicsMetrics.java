package org.dysonmonitor.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.dysonmonitor.rmt.DysonReport;
import org.dysonmonitor.rmt.ModeReport;

/**
 * The measured Dyson Brownian motion of one (run, layer) in Micrometer, owned by {@link LayerMetrics}:
 * per row of the {@link DysonReport} (a tracked mode, or a degenerate pair's centre under its lower member)
 * {@code dyson_mode_relaxation_updates}, {@code _predicted_variance}, {@code _measured_variance},
 * {@code _drift_slope}, {@code _diffusion}, {@code _autocorrelation_updates}, labelled {@code mode}; per
 * layer {@code dyson_convergence_eta_seconds} and {@code dyson_convergence_eta_updates} (NaN while unknown) and
 * {@code dyson_convergence_band_eta_updates}, the band time (every row within its band; NaN while unknown).
 *
 * <p>Nothing is registered before the first measurement. Per-mode series exist for at most
 * {@code maxModeSeries} rows, those of the largest modes (as {@code dyson_eigenvalue}); the rows are at most
 * the tracked modes (64 by default) whatever the layer's size. Gauges read the latest report through a
 * strongly held {@link AtomicReference}. Guarded by the owning LayerMetrics' lock.
 */
final class DynamicsMetrics {

    static final String RELAXATION = "dyson.mode.relaxation.updates";
    static final String PREDICTED_VARIANCE = "dyson.mode.predicted.variance";
    static final String MEASURED_VARIANCE = "dyson.mode.measured.variance";
    static final String DRIFT_SLOPE = "dyson.mode.drift.slope";
    static final String DIFFUSION = "dyson.mode.diffusion";
    static final String AUTOCORRELATION = "dyson.mode.autocorrelation.updates";
    /** With base unit seconds: {@code dyson_convergence_eta_seconds}. */
    static final String ETA = "dyson.convergence.eta";
    static final String ETA_UPDATES = "dyson.convergence.eta.updates";
    static final String BAND_ETA_UPDATES = "dyson.convergence.band.eta.updates";

    private final MeterRegistry registry;
    private final Tags tags;
    private final int maxModeSeries;
    private final AtomicReference<DysonReport> latest = new AtomicReference<>(DysonReport.NONE);
    private final Map<Integer, List<Meter>> modeMeters = new HashMap<>();
    private final List<Meter> layerMeters = new ArrayList<>();

    DynamicsMetrics(MeterRegistry registry, Tags tags, int maxModeSeries) {
        this.registry = registry;
        this.tags = tags;
        this.maxModeSeries = maxModeSeries;
    }

    /** Publishes the report's dynamics; stale mode series go before it is visible, new ones after. */
    void update(DysonReport report) {
        if (report.measuredSnapshot() == 0) {
            return;
        }
        Set<Integer> keep = new TreeSet<>();
        List<ModeReport> rows = report.modes();
        for (int k = Math.max(0, rows.size() - maxModeSeries); k < rows.size(); k++) {
            keep.add(rows.get(k).mode());
        }
        for (Iterator<Map.Entry<Integer, List<Meter>>> it = modeMeters.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, List<Meter>> entry = it.next();
            if (!keep.contains(entry.getKey())) {
                entry.getValue().forEach(registry::remove);
                it.remove();
            }
        }
        latest.set(report);
        if (layerMeters.isEmpty()) {
            layerMeters.add(Gauge.builder(ETA, latest, ref -> ref.get().etaSeconds())
                    .description("Seconds until the layer's stationarity detector is forecast to declare it"
                            + " converged, from each mode's fitted relaxation (0 once it has; NaN without a forecast)")
                    .baseUnit("seconds")
                    .tags(tags)
                    .strongReference(true)
                    .register(registry));
            layerMeters.add(layerGauge(ETA_UPDATES, "The convergence ETA in training updates",
                    DysonReport::etaUpdates));
            layerMeters.add(layerGauge(BAND_ETA_UPDATES, "Training updates until every tracked mode is within its"
                    + " stationary band of its fixed point, from distance and relaxation rate (a lower bound of the"
                    + " convergence ETA in most runs)", DysonReport::etaBandUpdates));
        }
        for (int mode : keep) {
            if (!modeMeters.containsKey(mode)) {
                modeMeters.put(mode, modeGauges(mode));
            }
        }
    }

    void close() {
        modeMeters.values().forEach(meters -> meters.forEach(registry::remove));
        modeMeters.clear();
        layerMeters.forEach(registry::remove);
        layerMeters.clear();
    }

    private List<Meter> modeGauges(int mode) {
        Tags modeTags = tags.and("mode", Integer.toString(mode));
        return List.of(
                modeGauge(RELAXATION, "Relaxation time 1/Ω of mode (or pair centre) x_mode in updates, from its"
                        + " measured drift", modeTags, mode, ModeReport::relaxationUpdates),
                modeGauge(PREDICTED_VARIANCE, "Stationary variance of x_mode predicted from its measured drift and"
                        + " diffusion", modeTags, mode, ModeReport::predictedVariance),
                modeGauge(MEASURED_VARIANCE, "Variance of x_mode over the window its drift and diffusion were"
                        + " measured on", modeTags, mode, ModeReport::measuredVariance),
                modeGauge(DRIFT_SLOPE, "Slope of the measured mean increment of x_mode per update at its window"
                        + " mean (≈ −Ω)", modeTags, mode, ModeReport::driftSlope),
                modeGauge(DIFFUSION, "Measured diffusion g² of x_mode per update (half the increment variance)",
                        modeTags, mode, ModeReport::diffusion),
                modeGauge(AUTOCORRELATION, "Integrated autocorrelation time of x_mode in updates, measured",
                        modeTags, mode, ModeReport::autocorrelationUpdates));
    }

    private Gauge modeGauge(String name, String description, Tags modeTags, int mode,
                            ToDoubleFunction<ModeReport> value) {
        return Gauge.builder(name, latest, ref -> {
                    ModeReport row = ref.get().mode(mode);
                    return row == null ? Double.NaN : value.applyAsDouble(row);
                })
                .description(description)
                .tags(modeTags)
                .strongReference(true)
                .register(registry);
    }

    private Gauge layerGauge(String name, String description, ToDoubleFunction<DysonReport> value) {
        return Gauge.builder(name, latest, ref -> value.applyAsDouble(ref.get()))
                .description(description)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }
}

package org.dysonmonitor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.dysonmonitor.rmt.LayerReport;

/**
 * The meters of one (run, layer): publishes each {@link LayerReport} to Micrometer under the names
 * of design.md ("Metrics"), tagged {@code run} and {@code layer} (and {@code mode}, {@code q} or
 * {@code pair} where named).
 *
 * <p>Gauges read the latest report through an {@link AtomicReference} that the registry holds
 * strongly, so a scrape on another thread always sees one whole report, and the meters keep their
 * values even if the owner drops this object without {@link #close()} (a weakly held gauge would
 * silently turn into NaN after the next GC).
 *
 * <p>All meters are registered at the first report: before it nothing is known, and absent series
 * say that better than NaN. Per-mode series ({@code dyson_eigenvalue}, {@code _mean},
 * {@code _variance}) exist for at most {@code maxModeSeries} modes, the largest ones; their
 * {@code mode} label is the index in the ascending spectrum, so with 1000 modes and a cap of 64 the
 * labels are 936 … 999. Pair series ({@code pair} label) are under the same cap: at most
 * {@code maxModeSeries} pairs, the report's last (largest) ones. When a report has another number of modes, or other pairs, the series are
 * re-registered to match ({@link ModeAndPairSeries}). {@code dyson_target_distance} exists only while the report has a target
 * spectrum: Prometheus would accept NaN, but dashboards and alert rules handle absence better.
 *
 * <p>{@code dyson_level_spacing} is a Prometheus client histogram, not a Micrometer meter; see
 * {@link LevelSpacingHistogram} for why. The compute-time Timer also exposes Micrometer's
 * {@code dyson_spectrum_compute_seconds_max} (the maximum over a short sliding window).
 *
 * <p>There must be one {@code LayerMetrics} per (run, layer) and registry at a time: Micrometer
 * would hand a second one the first one's gauges, which read the first one's reports. The first
 * {@link #update} of a duplicate therefore fails. {@link #update} and {@link #close()} may be called
 * from different threads; scrapes never block on them.
 */
public final class LayerMetrics implements AutoCloseable {

    static final String EIGENVALUE = "dyson.eigenvalue";
    static final String EIGENVALUE_MEAN = "dyson.eigenvalue.mean";
    static final String EIGENVALUE_VARIANCE = "dyson.eigenvalue.variance";
    static final String EIGENVALUE_QUANTILE = "dyson.eigenvalue.quantile";
    static final String PAIR_SIGMA_SQUARED = "dyson.pair.sigma.squared";
    static final String PAIR_SPACING_S2 = "dyson.pair.spacing.s2";
    static final String PAIR_BINDER_CUMULANT = "dyson.pair.binder.cumulant";
    static final String SIGMA_SQUARED_PER_LR_BATCH = "dyson.sigma.squared.per.lr.batch";
    static final String SPACING_RATIO_MEAN = "dyson.spacing.ratio.mean";
    static final String SPACING_KS_WIGNER = "dyson.spacing.ks.wigner";
    static final String SPACING_KS_POISSON = "dyson.spacing.ks.poisson";
    static final String MP_KS_DISTANCE = "dyson.mp.ks.distance";
    static final String MP_SPIKES = "dyson.mp.spikes";
    static final String SPECTRAL_NORM = "dyson.spectral.norm";
    static final String STABLE_RANK = "dyson.stable.rank";
    static final String TARGET_DISTANCE = "dyson.target.distance";
    static final String CONVERGED = "dyson.converged";
    static final String POWERLAW_ALPHA = "dyson.powerlaw.alpha";
    static final String POWERLAW_ALPHA_WEIGHTED = "dyson.powerlaw.alpha.weighted";
    static final String POWERLAW_XMIN = "dyson.powerlaw.xmin";
    static final String POWERLAW_KS_DISTANCE = "dyson.powerlaw.ks.distance";
    static final String LOG_FROBENIUS_NORM = "dyson.log.frobenius.norm";
    static final String LOG_SPECTRAL_NORM = "dyson.log.spectral.norm";
    static final String MP_SOFTRANK = "dyson.mp.softrank";
    static final String MATRIX_ENTROPY = "dyson.matrix.entropy";
    static final String RANDOMIZED_DISTANCE = "dyson.randomized.distance";
    static final String CORRELATION_TRAPS = "dyson.correlation.traps";
    static final String SPECTRAL_RIGIDITY = "dyson.spectral.rigidity";
    static final String NUMBER_VARIANCE = "dyson.number.variance";
    /** The label of the window length L of Δ₃ and Σ² (lower case, as every label of the design). */
    static final String LENGTH_LABEL = "l";
    /** A Timer: the Prometheus naming convention appends the base unit, giving {@code _seconds}. */
    static final String SPECTRUM_COMPUTE = "dyson.spectrum.compute";
    /** With base unit seconds, giving {@code dyson_last_update_timestamp_seconds}. */
    static final String LAST_UPDATE_TIMESTAMP = "dyson.last.update.timestamp";
    static final String SPECTRUM_SNAPSHOTS = "dyson.spectrum.snapshots";
    static final String SPECTRUM_FORCED_FULL = "dyson.spectrum.forced.full";
    /** Why a tracked layer got an unscheduled full spectrum (a fixed set: bounded series). */
    static final List<String> FORCED_FULL_REASONS = List.of("not_converged", "slow_tracking");

    /** The label values of {@link LayerReport#QUANTILES}: "0", "0.25", "0.5", "0.75", "1". */
    private static final String[] QUANTILE_LABELS = quantileLabels();

    private final MeterRegistry registry;
    private final String run;
    private final String layer;
    private final Clock clock;
    private final Tags tags;
    private final Map<String, Counter> forcedFull = new HashMap<>();
    private Counter fullSnapshots;
    private Counter topSnapshots;

    /** What the gauges read; null until the first report. */
    private final AtomicReference<LayerReport> latest = new AtomicReference<>();
    private final AtomicLong lastUpdateMillis = new AtomicLong();

    // Guarded by this; written only by update and close.
    private final List<Meter> layerMeters = new ArrayList<>();
    private List<Meter> targetMeters = List.of();
    private Timer computeTime;
    private LevelSpacingHistogram spacings;
    private boolean bound;
    private boolean closed;
    private final DynamicsMetrics dynamics;
    private final ModeAndPairSeries modesAndPairs;
    private final HeavyTailGauges heavyTail;

    /**
     * Meters of one layer stamped with the system clock (UTC).
     *
     * @param maxModeSeries at most this many modes get per-mode series (the largest); 0 for none
     * @throws IllegalArgumentException if run or layer is not a valid name ({@link LabelValues}) or
     *                                  maxModeSeries is negative
     */
    public LayerMetrics(MeterRegistry registry, String run, String layer, int maxModeSeries) {
        this(registry, run, layer, maxModeSeries, Clock.systemUTC());
    }

    /**
     * Meters of one layer whose {@code dyson_last_update_timestamp_seconds} comes from {@code clock}.
     *
     * @param maxModeSeries at most this many modes get per-mode series (the largest); 0 for none
     * @throws IllegalArgumentException if run or layer is not a valid name ({@link LabelValues}) or
     *                                  maxModeSeries is negative
     */
    public LayerMetrics(MeterRegistry registry, String run, String layer, int maxModeSeries, Clock clock) {
        // Unlike RunMetrics, no mapping to "_invalid" here: a report exists only for a snapshot that
        // passed validation, and merging two layers into one set of gauges would publish wrong values.
        if (!LabelValues.isValidName(run) || !LabelValues.isValidName(layer)) {
            throw new IllegalArgumentException("run and layer must be " + LabelValues.nameRule(true)
                    + " (or a reserved label), got run " + run + ", layer " + layer);
        }
        if (maxModeSeries < 0) {
            throw new IllegalArgumentException("maxModeSeries must be ≥ 0, got " + maxModeSeries);
        }
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.run = run;
        this.layer = layer;
        this.tags = Tags.of("run", run, "layer", layer);
        this.dynamics = new DynamicsMetrics(registry, tags, maxModeSeries);
        this.modesAndPairs = new ModeAndPairSeries(registry, tags, maxModeSeries, this::gauge);
        this.heavyTail = new HeavyTailGauges(registry, tags, this::gauge);
    }

    /**
     * Publishes {@code report}: the gauges read it from now on, its unfolded spacings go into
     * {@code dyson_level_spacing}, {@code computeNanos} into {@code dyson_spectrum_compute_seconds},
     * and the clock's now into {@code dyson_last_update_timestamp_seconds}. Registers, or removes,
     * the per-mode, pair and target series the report calls for. Does nothing after {@link #close()}:
     * a report that arrives after its run finished must not bring the series back.
     *
     * @param computeNanos time it took to compute the report's spectrum and statistics, ≥ 0
     * @throws IllegalArgumentException if the report belongs to another run or layer, its per-mode
     *                                  or quantile arrays have the wrong length, or computeNanos < 0
     * @throws IllegalStateException    at the first report, if another LayerMetrics already publishes
     *                                  this (run, layer) in the registry
     */
    public synchronized void update(LayerReport report, long computeNanos) {
        if (closed) {
            return;
        }
        check(report, computeNanos);
        if (!bound) {
            bind();
        }
        // Stale series go before the new report is visible and new ones come after it, so a
        // concurrent scrape never reads a mode or pair the report it sees does not have.
        modesAndPairs.beforePublish(report);
        if (!report.hasTarget()) {
            removeTarget();
        }
        latest.set(report);
        lastUpdateMillis.set(clock.millis());
        modesAndPairs.afterPublish(report);
        if (report.hasTarget()) {
            addTarget();
        }
        if (report.randomizedStep() >= 0) {
            heavyTail.addBaseline();
        }
        dynamics.update(report.dynamics());
        computeTime.record(computeNanos, TimeUnit.NANOSECONDS);
        (LayerReport.TOP.equals(report.spectrumKind()) ? topSnapshots : fullSnapshots).increment();
        if (LayerReport.FULL.equals(report.spectrumKind())) {
            spacings.observe(report.unfoldedSpacings()); // a top report repeats the last full one's spacings
        }
    }

    /**
     * Counts a full spectrum a tracked layer was not scheduled for ({@code dyson_spectrum_forced_full_total}).
     *
     * @param reason one of {@link #FORCED_FULL_REASONS}
     */
    public synchronized void forcedFullSpectrum(String reason) {
        if (closed || !bound) {
            return;
        }
        Counter c = forcedFull.get(reason);
        if (c == null) {
            throw new IllegalArgumentException("forced full spectrum reason must be one of " + FORCED_FULL_REASONS
                    + ", got " + reason);
        }
        c.increment();
    }

    /**
     * Removes every series of this layer from the registry (a finished run's series disappear).
     * Idempotent; later {@link #update}s do nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        modesAndPairs.close();
        removeTarget();
        heavyTail.close();
        removeAll(layerMeters);
        dynamics.close();
        if (spacings != null) {
            spacings.close();
        }
    }

    private void check(LayerReport report, long computeNanos) {
        if (!run.equals(report.run()) || !layer.equals(report.layer())) {
            throw new IllegalArgumentException("report of " + report.run() + "/" + report.layer()
                    + " given to the metrics of " + run + "/" + layer);
        }
        int modes = report.modes();
        if (report.eigenvalueMean().length != modes || report.eigenvalueVariance().length != modes) {
            throw new IllegalArgumentException("eigenvalue mean and variance must have one entry per mode ("
                    + modes + "), got " + report.eigenvalueMean().length + " and "
                    + report.eigenvalueVariance().length);
        }
        if (report.eigenvalueQuantiles().length != LayerReport.QUANTILES.length) {
            throw new IllegalArgumentException("expected " + LayerReport.QUANTILES.length
                    + " eigenvalue quantiles, got " + report.eigenvalueQuantiles().length);
        }
        if (computeNanos < 0) {
            throw new IllegalArgumentException("computeNanos must be ≥ 0, got " + computeNanos);
        }
    }

    /** Registers the meters every report has; once, at the first report. */
    private void bind() {
        if (registry.find(CONVERGED).tags(tags).meter() != null) {
            throw new IllegalStateException("the meters of " + run + "/" + layer
                    + " are already registered; close the previous LayerMetrics first");
        }
        for (int i = 0; i < QUANTILE_LABELS.length; i++) {
            int q = i;
            layerMeters.add(gauge(EIGENVALUE_QUANTILE, "Eigenvalue quantile q of the latest spectrum of WᵀW",
                    tags.and("q", QUANTILE_LABELS[i]), r -> r.eigenvalueQuantile(q)));
        }
        layerMeters.add(gauge(SPACING_RATIO_MEAN,
                "Mean spacing ratio ⟨r̃⟩ of the latest spectrum (GOE 0.531, Poisson 0.386)",
                tags, LayerReport::spacingRatioMean));
        layerMeters.add(gauge(SPACING_KS_WIGNER,
                "Kolmogorov-Smirnov distance of the unfolded spacings to the Wigner surmise",
                tags, LayerReport::spacingKsWigner));
        layerMeters.add(gauge(SPACING_KS_POISSON,
                "Kolmogorov-Smirnov distance of the unfolded spacings to Poisson statistics e^(-s)",
                tags, LayerReport::spacingKsPoisson));
        layerMeters.add(gauge(MP_KS_DISTANCE,
                "Kolmogorov-Smirnov distance of the spectrum to the fitted Marchenko-Pastur law",
                tags, LayerReport::mpKsDistance));
        layerMeters.add(gauge(MP_SPIKES, "Number of eigenvalues above the fitted Marchenko-Pastur edge x₊",
                tags, LayerReport::mpSpikes));
        layerMeters.add(gauge(SPECTRAL_NORM, "Spectral norm of W: its largest singular value √(max x)",
                tags, LayerReport::spectralNorm));
        layerMeters.add(gauge(STABLE_RANK, "Stable rank of W: Σx / max x over the eigenvalues x of WᵀW",
                tags, LayerReport::stableRank));
        layerMeters.add(gauge(CONVERGED,
                "1 once the layer's spectrum is stationary (and near its target, if known), else 0",
                tags, r -> r.converged() ? 1 : 0));
        heavyTail.bind(layerMeters);
        layerMeters.add(Gauge.builder(LAST_UPDATE_TIMESTAMP, lastUpdateMillis, millis -> millis.get() / 1000.0)
                .description("Unix time at which the layer last produced a report")
                .baseUnit("seconds") // the Prometheus naming convention appends it: _seconds
                .tags(tags)
                .strongReference(true)
                .register(registry));
        computeTime = Timer.builder(SPECTRUM_COMPUTE)
                .description("Time to compute one spectrum of the layer and its statistics")
                .tags(tags)
                .register(registry);
        layerMeters.add(computeTime);
        spacings = LevelSpacingHistogram.bind(registry, run, layer);
        fullSnapshots = snapshotCounter(LayerReport.FULL);
        topSnapshots = snapshotCounter(LayerReport.TOP);
        for (String reason : FORCED_FULL_REASONS) {
            Counter c = Counter.builder(SPECTRUM_FORCED_FULL)
                    .description("Full spectra of a tracked layer not on its --full-every schedule: tracking did "
                            + "not converge, or kept needing many cycles (the layer then takes full spectra a while)")
                    .tags(tags.and("reason", reason))
                    .register(registry);
            layerMeters.add(c);
            forcedFull.put(reason, c);
        }
        bound = true;
    }

    private Counter snapshotCounter(String kind) {
        Counter c = Counter.builder(SPECTRUM_SNAPSHOTS)
                .description("Reports of the layer by spectrum kind: full (every eigenvalue) or top (a tracked top k)")
                .tags(tags.and("kind", kind))
                .register(registry);
        layerMeters.add(c);
        return c;
    }

    private void addTarget() {
        if (targetMeters.isEmpty()) {
            targetMeters = List.of(gauge(TARGET_DISTANCE,
                    "RMS distance of the eigenvalue window means to the target spectrum", tags,
                    LayerReport::targetDistance));
        }
    }

    private void removeTarget() {
        removeAll(targetMeters);
        targetMeters = List.of();
    }

    /** Registers a gauge that reads the layer's latest report (NaN before the first). */
    @FunctionalInterface
    interface ReportGauges {
        Gauge gauge(String name, String description, Tags gaugeTags, ToDoubleFunction<LayerReport> value);
    }

    private Gauge gauge(String name, String description, Tags gaugeTags, ToDoubleFunction<LayerReport> value) {
        return Gauge.builder(name, latest, ref -> {
                    LayerReport report = ref.get();
                    return report == null ? Double.NaN : value.applyAsDouble(report);
                })
                .description(description)
                .tags(gaugeTags)
                .strongReference(true)
                .register(registry);
    }

    private void removeAll(List<Meter> meters) {
        for (Meter meter : meters) {
            registry.remove(meter);
        }
    }

    /** Shortest decimal of each level: "0", "0.25", "0.5", "0.75", "1" (not Double's "0.0", "1.0"). */
    private static String[] quantileLabels() {
        String[] labels = new String[LayerReport.QUANTILES.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = BigDecimal.valueOf(LayerReport.QUANTILES[i]).stripTrailingZeros().toPlainString();
        }
        return labels;
    }
}

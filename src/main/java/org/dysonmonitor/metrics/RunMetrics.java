package org.dysonmonitor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one run: the gauges {@code dyson_training_step}, {@code dyson_learning_rate},
 * {@code dyson_batch_size} (tag {@code run}) and the snapshot accounting counters
 * {@code dyson_snapshots_received_total}, {@code _processed_total}, {@code _dropped_total} (tags
 * {@code run}, {@code layer}) and {@code dyson_snapshots_rejected_total} (tags {@code run},
 * {@code layer}, {@code reason}). The caller keeps {@code received = processed + dropped + rejected}
 * per run; this class only counts.
 *
 * <p>This object is the one owner of the run's state that is not configuration: the largest step
 * processed, α and |B|. The registry writes α and |B| given by {@code PUT}, a snapshot that names
 * its own writes them when it is admitted, spectrum actors raise the step; {@code GET /api/v1/runs}
 * and the gauges both read them here, so they cannot disagree.
 *
 * <p>Label values never come from user input unchecked, since each value is a time series: run and
 * layer names that {@link LabelValues} does not accept are counted under {@link LabelValues#INVALID},
 * and so are reasons outside {@code [a-z0-9_]{1,32}}. A snapshot rejected because its layer name is
 * invalid therefore still counts, under {@code layer="_invalid"}; callers may as well pass that
 * placeholder themselves. Reasons should come from a small fixed set of the caller's.
 *
 * <p>The gauges are absent until their value is known: an unknown value (NaN learning rate, batch
 * size 0) leaves a known one in place, since a snapshot without these parameters says nothing new
 * about the run. A layer's received, processed and dropped counters appear together, at 0, at its
 * first count; a rejection counter appears at its first (layer, reason). Thread-safe: counts may come from
 * several streams and HTTP threads at once. The run's {@link LayerMetrics} are closed separately.
 */
public final class RunMetrics implements AutoCloseable {

    static final String TRAINING_STEP = "dyson.training.step";
    static final String LEARNING_RATE = "dyson.learning.rate";
    static final String BATCH_SIZE = "dyson.batch.size";
    static final String SNAPSHOTS_REJECTED = "dyson.snapshots.rejected";

    /** The accounting counters with tags run and layer only; names without {@code _total}, Micrometer adds it. */
    private enum Tally {
        RECEIVED("dyson.snapshots.received", "Snapshots received for the layer"),
        PROCESSED("dyson.snapshots.processed", "Snapshots of the layer turned into a report"),
        DROPPED("dyson.snapshots.dropped",
                "Snapshots of the layer replaced by a newer one before processing (policy latest)");

        final String meterName;
        final String description;

        Tally(String meterName, String description) {
            this.meterName = meterName;
            this.description = description;
        }
    }

    private record LayerReason(String layer, String reason) {
    }

    private final MeterRegistry registry;
    private final String run;
    private final Tags tags;

    private final AtomicLong step = new AtomicLong(-1);
    private volatile double learningRate = Double.NaN;
    private volatile int batchSize;
    private volatile Gauge stepGauge;
    private volatile Gauge learningRateGauge;
    private volatile Gauge batchSizeGauge;

    private final Map<Tally, Map<String, Counter>> counters = new EnumMap<>(Tally.class);
    private final Map<LayerReason, Counter> rejected = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private final org.dysonmonitor.store.SnapshotLedger ledger;

    /**
     * The meters of run {@code run}; an invalid run name is published as {@link LabelValues#INVALID}
     * (so that snapshots for it can still be counted as rejected).
     */
    public RunMetrics(MeterRegistry registry, String run) {
        this(registry, run, null);
    }

    /**
     * As above, with every count also added to the cluster's {@code ledger} (null: none), the
     * accounting that outlives this node.
     */
    public RunMetrics(MeterRegistry registry, String run, org.dysonmonitor.store.SnapshotLedger ledger) {
        this.ledger = ledger;
        this.registry = Objects.requireNonNull(registry, "registry");
        this.run = LabelValues.runOrInvalid(run);
        this.tags = Tags.of("run", this.run);
        for (Tally tally : Tally.values()) {
            counters.put(tally, new ConcurrentHashMap<>());
        }
    }

    /** The value of the {@code run} label: the run name, or {@link LabelValues#INVALID}. */
    public String run() {
        return run;
    }

    /**
     * Reports that a layer reached {@code step}; the gauge shows the largest step seen so far, so
     * layers that report out of order do not move it back.
     *
     * @throws IllegalArgumentException if step is negative
     */
    public void setStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be ≥ 0, got " + step);
        }
        this.step.accumulateAndGet(step, Math::max);
        if (stepGauge == null) {
            registerStepGauge();
        }
    }

    /**
     * Sets the learning rate α; NaN (unknown) leaves the current value.
     *
     * @throws IllegalArgumentException if the rate is negative or infinite
     */
    public void setLearningRate(double learningRate) {
        if (Double.isNaN(learningRate)) {
            return;
        }
        if (learningRate < 0 || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and ≥ 0, got " + learningRate);
        }
        this.learningRate = learningRate;
        if (learningRateGauge == null) {
            registerLearningRateGauge();
        }
    }

    /**
     * Sets the batch size |B|; 0 (unknown) leaves the current value.
     *
     * @throws IllegalArgumentException if the size is negative
     */
    public void setBatchSize(int batchSize) {
        if (batchSize < 0) {
            throw new IllegalArgumentException("batch size must be ≥ 0, got " + batchSize);
        }
        if (batchSize == 0) {
            return;
        }
        this.batchSize = batchSize;
        if (batchSizeGauge == null) {
            registerBatchSizeGauge();
        }
    }

    /** The largest step seen, if any. */
    public OptionalLong step() {
        long s = step.get();
        return s < 0 ? OptionalLong.empty() : OptionalLong.of(s);
    }

    /** The learning rate, if known. */
    public OptionalDouble learningRate() {
        double lr = learningRate;
        return Double.isNaN(lr) ? OptionalDouble.empty() : OptionalDouble.of(lr);
    }

    /** The batch size, if known. */
    public OptionalInt batchSize() {
        int b = batchSize;
        return b == 0 ? OptionalInt.empty() : OptionalInt.of(b);
    }

    /** Counts a snapshot received for {@code layer} (invalid names count under {@code _invalid}). */
    public void received(String layer) {
        count(Tally.RECEIVED, layer);
    }

    /** Counts a snapshot of {@code layer} that was turned into a report. */
    public void processed(String layer) {
        count(Tally.PROCESSED, layer);
    }

    /** Counts a snapshot of {@code layer} that a newer one replaced before processing. */
    public void dropped(String layer) {
        count(Tally.DROPPED, layer);
    }

    /**
     * Counts a snapshot of {@code layer} rejected for {@code reason}. An invalid layer name or reason
     * counts under {@link LabelValues#INVALID}, so the count is never lost and never makes a label of
     * user input.
     */
    public void rejected(String layer, String reason) {
        if (closed) {
            return;
        }
        LayerReason key = new LayerReason(LabelValues.nameOrInvalid(layer), LabelValues.reasonOrInvalid(reason));
        if (ledger != null) {
            ledger.add(run, key.layer(), 0, 0, 0, 1);
        }
        Counter counter = rejected.get(key);
        if (counter == null) {
            counter = registerRejected(key);
        }
        if (counter != null) {
            counter.increment();
        }
    }

    /** Snapshots received for {@code layer} so far (0 for a layer never counted). */
    public long receivedCount(String layer) {
        return count(counters.get(Tally.RECEIVED).get(LabelValues.nameOrInvalid(layer)));
    }

    /** Snapshots of {@code layer} processed so far. */
    public long processedCount(String layer) {
        return count(counters.get(Tally.PROCESSED).get(LabelValues.nameOrInvalid(layer)));
    }

    /** Snapshots of {@code layer} dropped so far. */
    public long droppedCount(String layer) {
        return count(counters.get(Tally.DROPPED).get(LabelValues.nameOrInvalid(layer)));
    }

    /** Snapshots of {@code layer} rejected for {@code reason} so far. */
    public long rejectedCount(String layer, String reason) {
        return count(rejected.get(new LayerReason(LabelValues.nameOrInvalid(layer), LabelValues.reasonOrInvalid(reason))));
    }

    /** Snapshots of {@code layer} rejected so far, all reasons together. */
    public long rejectedCount(String layer) {
        String label = LabelValues.nameOrInvalid(layer);
        long sum = 0;
        for (Map.Entry<LayerReason, Counter> entry : rejected.entrySet()) {
            if (entry.getKey().layer().equals(label)) {
                sum += count(entry.getValue());
            }
        }
        return sum;
    }

    /**
     * Removes every meter of the run, counters included, from the registry. Idempotent; later calls
     * count and set nothing, and the getters report 0 and empty, since the run's series are gone.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Meter> meters = new ArrayList<>();
        for (Map<String, Counter> byLayer : counters.values()) {
            meters.addAll(byLayer.values());
            byLayer.clear();
        }
        meters.addAll(rejected.values());
        rejected.clear();
        for (Gauge gauge : new Gauge[] {stepGauge, learningRateGauge, batchSizeGauge}) {
            if (gauge != null) {
                meters.add(gauge);
            }
        }
        for (Meter meter : meters) {
            registry.remove(meter);
        }
        step.set(-1);
        learningRate = Double.NaN;
        batchSize = 0;
    }

    private void count(Tally tally, String layer) {
        if (closed) {
            return;
        }
        String label = LabelValues.nameOrInvalid(layer);
        if (ledger != null) {
            ledger.add(run, label, tally == Tally.RECEIVED ? 1 : 0, tally == Tally.PROCESSED ? 1 : 0,
                    tally == Tally.DROPPED ? 1 : 0, 0);
        }
        Counter counter = counters.get(tally).get(label);
        if (counter == null) {
            counter = registerCounter(tally, label);
        }
        if (counter != null) {
            counter.increment();
        }
    }

    // Registration is synchronized with close(), so no meter is registered after the run's are removed.

    /**
     * Registers all three outcome counters of {@code layer} at once, at 0: a counter that first
     * appears at 1 loses that increment in PromQL's {@code increase()} and {@code rate()}, so the
     * first dropped snapshot of a layer would go unnoticed by an alert rule.
     */
    private synchronized Counter registerCounter(Tally tally, String layer) {
        if (closed) {
            return null;
        }
        for (Tally o : Tally.values()) {
            counters.get(o).computeIfAbsent(layer, l -> Counter.builder(o.meterName)
                    .description(o.description)
                    .tags(tags.and("layer", l))
                    .register(registry));
        }
        return counters.get(tally).get(layer);
    }

    private synchronized Counter registerRejected(LayerReason key) {
        if (closed) {
            return null;
        }
        return rejected.computeIfAbsent(key, k -> Counter.builder(SNAPSHOTS_REJECTED)
                .description("Snapshots of the layer rejected as invalid, by reason")
                .tags(tags.and("layer", k.layer(), "reason", k.reason()))
                .register(registry));
    }

    private synchronized void registerStepGauge() {
        if (!closed && stepGauge == null) {
            stepGauge = Gauge.builder(TRAINING_STEP, step, AtomicLong::get)
                    .description("Largest training step seen over the run's layers")
                    .tags(tags)
                    .strongReference(true)
                    .register(registry);
        }
    }

    private synchronized void registerLearningRateGauge() {
        if (!closed && learningRateGauge == null) {
            learningRateGauge = Gauge.builder(LEARNING_RATE, this, m -> m.learningRate)
                    .description("Learning rate α of the run")
                    .tags(tags)
                    .strongReference(true)
                    .register(registry);
        }
    }

    private synchronized void registerBatchSizeGauge() {
        if (!closed && batchSizeGauge == null) {
            batchSizeGauge = Gauge.builder(BATCH_SIZE, this, m -> m.batchSize)
                    .description("Batch size |B| of the run")
                    .tags(tags)
                    .strongReference(true)
                    .register(registry);
        }
    }

    private static long count(Counter counter) {
        // Counter keeps a double; exact for counts below 2^53.
        return counter == null ? 0 : (long) counter.count();
    }
}

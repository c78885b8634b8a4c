package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import org.dysonmonitor.metrics.LayerMetrics;
import org.dysonmonitor.metrics.RunMetrics;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The statistics half of a layer: its {@link LayerStatistics} and where each report goes — the
 * history store, the layer's gauges, the live stream (throttled) and the watchers. A spectrum actor
 * holds one on a single node; in a cluster the layer's sharded entity does, wherever it runs, while
 * the node that received the snapshot computes the eigenvalues. Owned by one actor; not thread-safe.
 */
public final class LayerAnalysis {

    private final LayerStatistics statistics;
    private final LayerHistory history;
    private final LayerMetrics metrics;
    private final RunMetrics accounting;
    private final Consumer<LayerReport> live;
    private final long reportIntervalNanos;
    private final List<ActorRef<LayerReport>> watchers;
    private LayerReport latest;
    private long lastPublishedNanos;

    /**
     * @param history    the layer's store writer, or null without a store
     * @param accounting the run's counters whose layer accounting the checkpoints store, or null
     *                   (in a cluster the ledger keeps the accounting)
     * @param live       the live stream (the node's report bus, or the cluster's topic)
     */
    public LayerAnalysis(LayerStatistics statistics, LayerHistory history, LayerMetrics metrics, RunMetrics accounting,
                         Consumer<LayerReport> live, Duration reportInterval, List<ActorRef<LayerReport>> watchers) {
        this.statistics = statistics;
        this.history = history;
        this.metrics = metrics;
        this.accounting = accounting;
        this.live = live;
        this.reportIntervalNanos = reportInterval.toNanos();
        this.watchers = List.copyOf(watchers);
    }

    public LayerStatistics statistics() {
        return statistics;
    }

    /** The latest report, or null before the first. */
    public LayerReport latest() {
        return latest;
    }

    /**
     * Sends the report the statistics just made to the store (full spectra only: the store's points
     * hold whole-spectrum mode numbers, and a top report's whole-spectrum statistics are those of its
     * full one, already kept), the gauges, the live stream and the watchers.
     *
     * @param computeNanos the time the eigenvalues and statistics took
     * @param forced       why a tracked layer needed a full spectrum ({@code not_converged},
     *                     {@code slow_tracking}), or null
     */
    public void publish(LayerReport report, long computeNanos, String forced) {
        latest = report;
        if (history != null && LayerReport.FULL.equals(report.spectrumKind())) {
            history.record(report, statistics, accounting);
        }
        metrics.update(report, computeNanos);
        if (forced != null) {
            metrics.forcedFullSpectrum(forced);
        }
        long now = System.nanoTime();
        // The live page needs ~10 reports a second per layer, not every snapshot.
        if (lastPublishedNanos == 0 || now - lastPublishedNanos >= reportIntervalNanos) {
            live.accept(report);
            lastPublishedNanos = now;
        }
        for (ActorRef<LayerReport> watcher : watchers) {
            watcher.tell(report);
        }
    }

    /** Stores a last checkpoint (when the layer leaves this node) and removes the layer's gauges. */
    public void close() {
        if (history != null && latest != null) {
            history.checkpoint(latest, statistics);
        }
        metrics.close();
    }
}

package org.dysonmonitor.monitor;

import org.dysonmonitor.metrics.RunMetrics;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.store.HistoryStore;
import org.dysonmonitor.store.StoredLayer;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a spectrum actor keeps in the history store: every report, and every few seconds a
 * checkpoint of its running statistics with the layer's accounting. Offers never block (the store
 * queues or drops). Owned by the actor.
 */
public final class LayerHistory {

    private final HistoryStore store;
    private final SpectrumActor.Identity id;
    private final long intervalNanos;
    private long lastCheckpoint = System.nanoTime();
    private long lastAccounting = lastCheckpoint;

    public LayerHistory(HistoryStore store, SpectrumActor.Identity id, java.time.Duration interval) {
        this.store = store;
        this.id = id;
        this.intervalNanos = interval.toNanos();
    }

    /**
     * Offers the report; every interval the layer's accounting from {@code metrics} (null: none, in a
     * cluster the ledger keeps it), and a checkpoint of the statistics when one is due.
     */
    void record(LayerReport report, LayerStatistics statistics, RunMetrics metrics) {
        store.offer(report, System.currentTimeMillis());
        long now = System.nanoTime();
        if (metrics != null && now - lastAccounting >= intervalNanos) {
            lastAccounting = now;
            store.offerLayer(id.run(), new StoredLayer(id.layer(), id.rows(), id.cols(),
                    metrics.receivedCount(id.layer()), metrics.processedCount(id.layer()),
                    metrics.droppedCount(id.layer()), metrics.rejectedCount(id.layer())));
        }
        // At least the interval apart, and as far as the store asks (all layers' checkpoints within its share
        // of a core: a layer with full dynamics windows costs tens of milliseconds to encode), which it is only
        // once the interval has passed; the accounting above, one row, keeps the interval.
        long since = now - lastCheckpoint;
        if (since >= intervalNanos && since >= (long) (store.checkpointWait(id.run(), id.layer()) * 1e9)) {
            lastCheckpoint = now;
            store.offerCheckpoint(id.run(), id.layer(), report.step(), statistics.state());
        }
    }

    /** Offers a checkpoint now (the layer is leaving this node: the next owner resumes from it). */
    void checkpoint(LayerReport latest, LayerStatistics statistics) {
        lastCheckpoint = System.nanoTime();
        store.offerCheckpoint(id.run(), id.layer(), latest.step(), statistics.state());
    }

    /**
     * The statistics a layer resumes from its checkpoint, or null when the checkpoint is of another
     * layer's making: another shape, target or configuration would mix two different series.
     */
    public static LayerStatistics resume(HistoryStore.Checkpoint checkpoint, SpectrumActor.Identity id,
                                  SpectrumActor.Analysis analysis) {
        LayerStatistics.State s = checkpoint.state();
        double[] target = analysis.target() == null ? new double[0] : analysis.target().clone();
        Arrays.sort(target);
        boolean same = s.rows() == id.rows() && s.cols() == id.cols() && Arrays.equals(s.target(), target)
                && Objects.equals(s.config(), analysis.statistics());
        return same ? LayerStatistics.restore(s) : null;
    }
}

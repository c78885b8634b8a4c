package org.dysonmonitor.monitor;

import io.micrometer.core.instrument.MeterRegistry;
import org.dysonmonitor.metrics.LabelValues;
import org.dysonmonitor.metrics.RunMetrics;

/**
 * Where {@link RunRegistry} counts a rejected snapshot ({@code dyson_snapshots_rejected_total}), so
 * that rejections keep the series bounded. Owned by the registry actor, which alone calls it.
 */
final class RejectionCounter {

    private final MeterRegistry meters;
    /** The series of run="_invalid", registered at the first rejection of a run that does not exist. */
    private RunMetrics unattributed;

    RejectionCounter(MeterRegistry meters) {
        this.meters = meters;
    }

    /**
     * Counts a rejection of {@code layer} of a run, {@code entry} null when the run does not exist.
     * A rejection never creates a run (junk sent to new names would otherwise fill --max-runs), nor a
     * layer's series (junk sent to new layer names would grow /metrics without bound): it counts
     * under its layer only when that layer exists (or is the reserved _model), under
     * layer="_invalid" of its run otherwise, and under run="_invalid" when the run does not exist.
     * So rejections add at most (runs + 1) × 2 × reasons series. A rejection of an existing run is
     * a sign of life: a client whose every snapshot is refused (503 overloaded, 413, 415) is still
     * sending, and its run must not go idle under it. The count arrives here anyway, so this costs the
     * hot path nothing.
     */
    void count(RunEntry entry, String layer, String reason) {
        if (entry != null) {
            entry.touch();
        }
        RunMetrics metrics = entry != null ? entry.metrics : unattributed();
        boolean ownSeries = LabelValues.WHOLE_MODEL.equals(layer)
                || entry != null && entry.layers.containsKey(layer);
        String label = ownSeries ? layer : LabelValues.INVALID;
        // received = processed + dropped + rejected holds for this series too.
        metrics.received(label);
        metrics.rejected(label, reason);
    }

    private RunMetrics unattributed() {
        if (unattributed == null) {
            unattributed = new RunMetrics(meters, LabelValues.INVALID);
        }
        return unattributed;
    }
}

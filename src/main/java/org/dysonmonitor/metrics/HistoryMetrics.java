package org.dysonmonitor.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.dysonmonitor.store.StoreCounters;

/**
 * The history store's meters, read from its strongly held counters: {@code dyson_history_written_total},
 * {@code dyson_history_dropped_total} (writes that never reached the disk: a full queue or a failed
 * transaction), {@code dyson_history_write_errors_total}, {@code dyson_history_thinned_total},
 * {@code dyson_history_queued} and {@code dyson_history_database_bytes}.
 */
public final class HistoryMetrics {

    private HistoryMetrics() {
    }

    public static void bind(MeterRegistry registry, StoreCounters counters) {
        FunctionCounter.builder("dyson.history.written", counters, StoreCounters::pointsWritten)
                .description("History points committed to the store").register(registry);
        FunctionCounter.builder("dyson.history.dropped", counters, StoreCounters::dropped)
                .description("Store writes dropped: queue full (slow disk) or failed transaction").register(registry);
        FunctionCounter.builder("dyson.history.write.errors", counters, StoreCounters::writeErrors)
                .description("Store transactions that failed (full or read-only disk)").register(registry);
        FunctionCounter.builder("dyson.history.thinned", counters, StoreCounters::pointsThinned)
                .description("History points removed by retention and the size cap").register(registry);
        Gauge.builder("dyson.history.queued", counters, StoreCounters::queued)
                .description("Store writes waiting for the writer").register(registry);
        Gauge.builder("dyson.history.database", counters, StoreCounters::databaseBytes).baseUnit("bytes")
                .description("Bytes the history database holds").register(registry);
    }
}

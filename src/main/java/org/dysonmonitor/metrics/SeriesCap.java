package org.dysonmonitor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The global series budget ({@code --max-series}): once the registry holds {@code max} meters, a new
 * meter is refused (Micrometer hands out a no-op one, which counts nothing and is never scraped) and
 * {@code dyson_series_refused_total} counts it. The per-run, per-layer and per-mode caps keep a
 * healthy monitor far below it; this is the last line whatever clients send. A meter is one series
 * for a gauge or counter, a few for a timer (count, sum, max). Counting is by the registry's own
 * add and remove events, so no scrape or registration walks the meters.
 */
public final class SeriesCap {

    static final String REFUSED = "dyson.series.refused";

    private final AtomicInteger meters = new AtomicInteger();
    private final int max;
    private final Counter refused;

    private SeriesCap(MeterRegistry registry, int max) {
        this.max = max;
        registry.config().onMeterAdded(m -> meters.incrementAndGet());
        registry.config().onMeterRemoved(m -> meters.decrementAndGet());
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                if (meters.get() >= SeriesCap.this.max && !REFUSED.equals(id.getName()) && SeriesCap.this.refused != null) {
                    SeriesCap.this.refused.increment();
                    return MeterFilterReply.DENY;
                }
                return MeterFilterReply.NEUTRAL;
            }
        });
        this.refused = Counter.builder(REFUSED)
                .description("New metric series refused because the registry holds --max-series meters")
                .register(registry);
    }

    /** Installs the cap on a registry that has no meters yet (filters apply to meters registered after them). */
    public static SeriesCap install(MeterRegistry registry, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max series must be ≥ 1, got " + max);
        }
        return new SeriesCap(registry, max);
    }

    /** Meters held now. */
    public int meters() {
        return meters.get();
    }

    /** New meters refused so far. */
    public long refused() {
        return (long) refused.count();
    }
}

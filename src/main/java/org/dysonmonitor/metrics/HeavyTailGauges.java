package org.dysonmonitor.metrics;

import static org.dysonmonitor.metrics.LayerMetrics.CORRELATION_TRAPS;
import static org.dysonmonitor.metrics.LayerMetrics.LENGTH_LABEL;
import static org.dysonmonitor.metrics.LayerMetrics.LOG_FROBENIUS_NORM;
import static org.dysonmonitor.metrics.LayerMetrics.LOG_SPECTRAL_NORM;
import static org.dysonmonitor.metrics.LayerMetrics.MATRIX_ENTROPY;
import static org.dysonmonitor.metrics.LayerMetrics.MP_SOFTRANK;
import static org.dysonmonitor.metrics.LayerMetrics.NUMBER_VARIANCE;
import static org.dysonmonitor.metrics.LayerMetrics.POWERLAW_ALPHA;
import static org.dysonmonitor.metrics.LayerMetrics.POWERLAW_ALPHA_WEIGHTED;
import static org.dysonmonitor.metrics.LayerMetrics.POWERLAW_KS_DISTANCE;
import static org.dysonmonitor.metrics.LayerMetrics.POWERLAW_XMIN;
import static org.dysonmonitor.metrics.LayerMetrics.RANDOMIZED_DISTANCE;
import static org.dysonmonitor.metrics.LayerMetrics.SPECTRAL_RIGIDITY;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import org.dysonmonitor.rmt.LayerReport;

/**
 * The diagnostics gauges of one {@link LayerMetrics}: WeightWatcher's heavy-tail metrics and the
 * rigidity of the bulk (every report has them, NaN when undefined), and the randomized-baseline
 * gauges (from the first report with a randomized baseline on).
 *
 * <p>Not thread-safe: the owning {@link LayerMetrics} calls it under its lock.
 */
final class HeavyTailGauges {

    private final MeterRegistry registry;
    private final Tags tags;
    private final LayerMetrics.ReportGauges gauges;
    private List<Meter> baselineMeters = List.of();

    HeavyTailGauges(MeterRegistry registry, Tags tags, LayerMetrics.ReportGauges gauges) {
        this.registry = registry;
        this.tags = tags;
        this.gauges = gauges;
    }

    /** WeightWatcher's metrics and the rigidity of the bulk: every report has them (NaN when undefined). */
    void bind(List<Meter> layerMeters) {
        layerMeters.add(gauges.gauge(POWERLAW_ALPHA,
                "Power-law exponent α of the eigenvalue tail (Clauset-Shalizi-Newman fit; 2 to 6 well trained)",
                tags, LayerReport::powerlawAlpha));
        layerMeters.add(gauges.gauge(POWERLAW_ALPHA_WEIGHTED, "α̂ = α log10 λ_max of the eigenvalue tail fit",
                tags, LayerReport::powerlawAlphaWeighted));
        layerMeters.add(gauges.gauge(POWERLAW_XMIN, "xmin of the power-law fit: the smallest eigenvalue of the tail",
                tags, LayerReport::powerlawXmin));
        layerMeters.add(gauges.gauge(POWERLAW_KS_DISTANCE, "Kolmogorov-Smirnov distance D of the power-law fit of the tail",
                tags, LayerReport::powerlawKsDistance));
        layerMeters.add(gauges.gauge(LOG_FROBENIUS_NORM, "log10 of the squared Frobenius norm of W: log10 Σλ",
                tags, LayerReport::logFrobeniusNorm));
        layerMeters.add(gauges.gauge(LOG_SPECTRAL_NORM, "log10 of the squared spectral norm of W: log10 λ_max",
                tags, LayerReport::logSpectralNorm));
        layerMeters.add(gauges.gauge(MP_SOFTRANK, "Marchenko-Pastur soft rank: fitted bulk edge x₊ / λ_max",
                tags, LayerReport::mpSoftrank));
        layerMeters.add(gauges.gauge(MATRIX_ENTROPY, "Matrix entropy −Σ p ln p / ln rank of p = λ/Σλ (1 flat, 0 rank one)",
                tags, LayerReport::matrixEntropy));
        for (int length : org.dysonmonitor.rmt.SpectralRigidity.LENGTHS) {
            Tags lengthTags = tags.and(LENGTH_LABEL, Integer.toString(length));
            layerMeters.add(gauges.gauge(SPECTRAL_RIGIDITY,
                    "Spectral rigidity Δ₃(L) of the unfolded bulk (GOE ≈ ln(L)/π², Poisson L/15)",
                    lengthTags, r -> r.spectralRigidity(length)));
            layerMeters.add(gauges.gauge(NUMBER_VARIANCE, "Number variance Σ²(L) of the unfolded bulk (GOE ≈ 2 ln(L)/π², Poisson L)",
                    lengthTags, r -> r.numberVariance(length)));
        }
    }

    /** From the first report with a randomized baseline on (reports without one say nothing about it). */
    void addBaseline() {
        if (baselineMeters.isEmpty()) {
            baselineMeters = List.of(
                    gauges.gauge(RANDOMIZED_DISTANCE,
                            "Jensen-Shannon distance of the spectrum to that of W with permuted entries",
                            tags, LayerReport::randomizedDistance),
                    gauges.gauge(CORRELATION_TRAPS,
                            "Eigenvalues of W with permuted entries above its Marchenko-Pastur edge + Tracy-Widom margin",
                            tags, r -> r.correlationTraps() == null ? Double.NaN : r.correlationTraps()));
        }
    }

    /** Removes the baseline gauges (the heavy-tail ones are in the layer's own meters). */
    void close() {
        for (Meter meter : baselineMeters) {
            registry.remove(meter);
        }
        baselineMeters = List.of();
    }
}

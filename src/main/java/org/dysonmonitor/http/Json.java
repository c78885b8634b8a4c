package org.dysonmonitor.http;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.dysonmonitor.rmt.DriftBin;
import org.apache.commons.math3.random.MersenneTwister;
import org.dysonmonitor.rmt.DysonReport;
import org.dysonmonitor.rmt.LayerDynamics;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.ModeReport;
import org.dysonmonitor.rmt.Spectrum;

/**
 * The API's JSON: snake_case names (so {@code spacingRatioMean} is {@code spacing_ratio_mean}, like
 * the metric), and non-finite numbers as {@code null}, since JSON has no NaN and an unknown value
 * (e.g. the learning rate of a run that never named it) is best read as absent.
 *
 * <p>A LayerReport's measured dynamics ({@link DysonReport}) appear at the top level of the report
 * ({@code modes}, {@code eta_seconds}, {@code eta_updates}, {@code what_if}, ...). {@link #writeStream}, for the
 * live stream, leaves out the drift bins of every mode (16 per mode: they would multiply the size of a
 * report of a wide layer, many times a second); {@code GET .../layers/{layer}} has them.
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(new SimpleModule("finite-numbers")
                    .addSerializer(Double.class, new FiniteDouble())
                    .addSerializer(Double.TYPE, new FiniteDouble())
                    .addSerializer(double[].class, new FiniteDoubleArray()))
            .addMixIn(LayerReport.class, UnwrappedDynamics.class);

    private static final ObjectMapper STREAM = MAPPER.copy().addMixIn(ModeReport.class, WithoutBins.class);

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #write}, without the drift bins of the measured modes (for the live stream). */
    public static String writeStream(Object value) {
        try {
            return STREAM.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Builds both mappers' serializers of a full LayerReport (a pair, measured dynamics with bins, what-ifs) once,
     * at server start: built lazily they make the first live subscriber slow for a moment, and the report bus
     * drops a slow subscriber's oldest reports (the live page would miss a run's first snapshots).
     */
    public static void warmUp() {
        LayerStatistics statistics = new LayerStatistics("_warm-up", "_warm-up", 2, 2, new double[] {1, 1},
                LayerStatistics.Config.defaults());
        MersenneTwister rng = new MersenneTwister(1);
        LayerReport report = null;
        for (int k = 1; k <= LayerDynamics.MEASURE_EVERY; k++) {
            double a = 1 + 0.1 * rng.nextGaussian();
            double b = 1 + 0.1 * rng.nextGaussian();
            report = statistics.update(k, new Spectrum(2, 2, new double[] {Math.min(a, b), Math.max(a, b)}), 0.1, 16);
        }
        write(report);
        writeStream(report);
    }

    private abstract static class UnwrappedDynamics {
        @JsonUnwrapped
        abstract DysonReport dynamics();
    }

    private abstract static class WithoutBins {
        @JsonIgnore
        abstract List<DriftBin> bins();
    }

    /** {@code {"error": message}}: the body of every 4xx and 5xx answer. */
    public static String error(String message) {
        return MAPPER.createObjectNode().put("error", message).toString();
    }

    private static final class FiniteDouble extends JsonSerializer<Double> {
        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            writeFinite(value, gen);
        }
    }

    private static final class FiniteDoubleArray extends JsonSerializer<double[]> {
        @Override
        public void serialize(double[] values, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeStartArray(values, values.length);
            for (double v : values) {
                writeFinite(v, gen);
            }
            gen.writeEndArray();
        }
    }

    private static void writeFinite(double v, JsonGenerator gen) throws IOException {
        if (Double.isFinite(v)) {
            gen.writeNumber(v);
        } else {
            gen.writeNull();
        }
    }
}

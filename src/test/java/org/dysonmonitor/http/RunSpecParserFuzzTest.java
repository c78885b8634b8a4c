package org.dysonmonitor.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The body of {@code PUT /api/v1/runs/{run}}: whatever the text, {@link RunSpecParser} answers with a
 * spec whose every field is valid, or with an error message (a 400); it never throws.
 */
class RunSpecParserFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void parsesOrExplains(FuzzedDataProvider data) {
        RunSpecParser.Result result = RunSpecParser.parse(data.consumeRemainingAsString());
        if (result.error() != null) {
            assertTrue(result.spec() == null && !result.error().isBlank(), result::toString);
            return;
        }
        var spec = result.spec();
        assertTrue(Double.isNaN(spec.learningRate()) || (spec.learningRate() > 0 && Double.isFinite(spec.learningRate())),
                () -> "learning rate " + spec.learningRate());
        assertTrue(spec.batchSize() >= 0, () -> "batch " + spec.batchSize());
        spec.targets().forEach((layer, values) -> {
            assertTrue(org.dysonmonitor.metrics.LabelValues.isLayerName(layer), layer);
            assertTrue(values.length > 0, layer);
            for (int i = 0; i < values.length; i++) {
                assertTrue(Double.isFinite(values[i]) && values[i] >= 0, () -> layer + " has " + java.util.Arrays.toString(values));
                assertTrue(i == 0 || values[i - 1] <= values[i], "targets are sorted ascending");
            }
        });
    }
}

package org.dysonmonitor.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The query of a snapshot POST ({@code step}, {@code lr}, {@code batch}, each present or not): parsed
 * into valid values or refused with a reason and a message, never an exception.
 */
class SnapshotParametersFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void parsesOrRefuses(FuzzedDataProvider data) {
        Optional<String> step = data.consumeBoolean() ? Optional.of(data.consumeString(40)) : Optional.empty();
        Optional<String> lr = data.consumeBoolean() ? Optional.of(data.consumeString(40)) : Optional.empty();
        Optional<String> batch = data.consumeBoolean() ? Optional.of(data.consumeRemainingAsString()) : Optional.empty();
        SnapshotParameters.Result r = SnapshotParameters.parse(step, lr, batch);
        if (r.error() != null) {
            assertTrue(r.reason().equals("bad_step") || r.reason().equals("bad_parameter"), r::toString);
            return;
        }
        assertTrue(step.isPresent() && r.step() >= 0, r::toString);
        r.learningRate().ifPresent(a -> assertTrue(a > 0 && Double.isFinite(a), r::toString));
        r.batchSize().ifPresent(b -> assertTrue(b >= 1, r::toString));
    }
}

package org.dysonmonitor.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RunMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private Exposition scrape() {
        return Exposition.parse(registry.scrape());
    }

    @Test
    void countersAreExposedWithTotalAndCountedPerLayer() {
        RunMetrics run = new RunMetrics(registry, "r1");
        for (int i = 0; i < 5; i++) {
            run.received("W");
        }
        run.processed("W");
        run.processed("W");
        run.dropped("W");
        run.rejected("W", "bad_npy");
        run.rejected("W", "bad_npy");
        run.received("V");

        Exposition e = scrape();
        assertEquals(5.0, e.value("dyson_snapshots_received_total", "run", "r1", "layer", "W"));
        assertEquals(2.0, e.value("dyson_snapshots_processed_total", "run", "r1", "layer", "W"));
        assertEquals(1.0, e.value("dyson_snapshots_dropped_total", "run", "r1", "layer", "W"));
        assertEquals(2.0, e.value("dyson_snapshots_rejected_total", "run", "r1", "layer", "W", "reason", "bad_npy"));
        assertEquals(1.0, e.value("dyson_snapshots_received_total", "run", "r1", "layer", "V"));
        assertEquals("counter", e.types().get("dyson_snapshots_received_total"));

        assertEquals(5, run.receivedCount("W"));
        assertEquals(2, run.processedCount("W"));
        assertEquals(1, run.droppedCount("W"));
        assertEquals(2, run.rejectedCount("W", "bad_npy"));
        assertEquals(2, run.rejectedCount("W"));
        assertEquals(run.receivedCount("W"),
                run.processedCount("W") + run.droppedCount("W") + run.rejectedCount("W"));
        assertEquals(1, run.receivedCount("V"));
        assertEquals(0, run.processedCount("V"));
        assertEquals(0, run.receivedCount("never-seen"));
        // A layer's outcome counters start together at 0, so increase() sees its first drop;
        // reading a count creates no series.
        Exposition after = scrape();
        assertEquals(0.0, after.value("dyson_snapshots_processed_total", "run", "r1", "layer", "V"));
        assertEquals(0.0, after.value("dyson_snapshots_dropped_total", "run", "r1", "layer", "V"));
        assertTrue(after.samplesWith("layer", "never-seen").isEmpty());
    }

    @Test
    void rejectionsAreCountedByReason() {
        RunMetrics run = new RunMetrics(registry, "r1");
        run.rejected("W", "bad_npy");
        run.rejected("W", "too_large");
        run.rejected("W", "too_large");
        run.rejected("W", "too_large");
        Exposition e = scrape();
        assertEquals(1.0, e.value("dyson_snapshots_rejected_total", "run", "r1", "layer", "W", "reason", "bad_npy"));
        assertEquals(3.0, e.value("dyson_snapshots_rejected_total", "run", "r1", "layer", "W", "reason", "too_large"));
        assertEquals(2, e.samples("dyson_snapshots_rejected_total").size());
        assertEquals(3, run.rejectedCount("W", "too_large"));
        assertEquals(4, run.rejectedCount("W"));
    }

    @Test
    void invalidLabelInputIsCountedUnderInvalid() {
        RunMetrics run = new RunMetrics(registry, "r1");
        String tooLong = "x".repeat(129);
        run.received("bad layer!");
        run.received(tooLong);
        run.received("");
        run.received(null);
        run.received("x".repeat(128)); // the longest valid layer name is a name
        run.rejected("../../etc/passwd", "bad_name");
        run.rejected("W", "Reason With Spaces");
        run.rejected("W", "r".repeat(33));
        run.rejected("W", null);

        Exposition e = scrape();
        assertEquals(4.0, e.value("dyson_snapshots_received_total", "run", "r1", "layer", "_invalid"));
        assertEquals(1.0, e.value("dyson_snapshots_received_total", "run", "r1", "layer", "x".repeat(128)));
        assertEquals(1.0,
                e.value("dyson_snapshots_rejected_total", "run", "r1", "layer", "_invalid", "reason", "bad_name"));
        assertEquals(3.0,
                e.value("dyson_snapshots_rejected_total", "run", "r1", "layer", "W", "reason", "_invalid"));
        assertEquals(4, run.receivedCount("another bad name"));
        assertEquals(3, run.rejectedCount("W", "Another Bad Reason"));
        for (Exposition.Sample s : e.samples()) {
            for (String value : s.labels().values()) {
                assertTrue(LabelValues.isValidName(value) || LabelValues.isValidReason(value), value);
            }
        }

        assertEquals(LabelValues.INVALID, new RunMetrics(registry, "r".repeat(65)).run(), "runs: at most 64 characters");
        RunMetrics badRun = new RunMetrics(registry, "run with spaces");
        badRun.rejected("W", "bad_name");
        assertEquals(LabelValues.INVALID, badRun.run());
        assertEquals(1.0, scrape().value("dyson_snapshots_rejected_total",
                "run", "_invalid", "layer", "W", "reason", "bad_name"));
    }

    @Test
    void runGaugesAreAbsentUntilKnownAndTheStepOnlyGrows() {
        RunMetrics run = new RunMetrics(registry, "r1");
        run.setLearningRate(Double.NaN);
        run.setBatchSize(0);
        Exposition empty = scrape();
        assertFalse(empty.has("dyson_training_step", "run", "r1"));
        assertFalse(empty.has("dyson_learning_rate", "run", "r1"));
        assertFalse(empty.has("dyson_batch_size", "run", "r1"));
        assertEquals(OptionalLong.empty(), run.step());
        assertEquals(OptionalDouble.empty(), run.learningRate());
        assertEquals(OptionalInt.empty(), run.batchSize());

        run.setStep(100);
        run.setStep(40); // a slower layer reporting an older step
        run.setLearningRate(0.01);
        run.setBatchSize(32);
        Exposition e = scrape();
        assertEquals(100.0, e.value("dyson_training_step", "run", "r1"));
        assertEquals(0.01, e.value("dyson_learning_rate", "run", "r1"));
        assertEquals(32.0, e.value("dyson_batch_size", "run", "r1"));

        run.setStep(250);
        run.setLearningRate(Double.NaN); // a snapshot without a learning rate keeps the known one
        run.setBatchSize(0);
        run.setLearningRate(0.005);
        Exposition later = scrape();
        assertEquals(250.0, later.value("dyson_training_step", "run", "r1"));
        assertEquals(0.005, later.value("dyson_learning_rate", "run", "r1"));
        assertEquals(32.0, later.value("dyson_batch_size", "run", "r1"));
        assertEquals(OptionalLong.of(250), run.step());

        assertThrows(IllegalArgumentException.class, () -> run.setStep(-1));
        assertThrows(IllegalArgumentException.class, () -> run.setLearningRate(-0.1));
        assertThrows(IllegalArgumentException.class, () -> run.setBatchSize(-3));
    }

    @Test
    void closeRemovesTheRunsMetersAndLeavesOtherRuns() {
        RunMetrics r1 = new RunMetrics(registry, "r1");
        RunMetrics r2 = new RunMetrics(registry, "r2");
        for (RunMetrics run : List.of(r1, r2)) {
            run.setStep(7);
            run.setLearningRate(0.1);
            run.setBatchSize(8);
            run.received("W");
            run.processed("W");
            run.dropped("W");
            run.rejected("W", "bad_npy");
        }
        int r2Series = scrape().samplesWith("run", "r2").size();
        assertEquals(7, r2Series);

        r1.close();
        Exposition e = scrape();
        assertEquals(List.of(), e.samplesWith("run", "r1"));
        assertEquals(r2Series, e.samplesWith("run", "r2").size());
        assertEquals(1.0, e.value("dyson_snapshots_received_total", "run", "r2", "layer", "W"));

        // After close nothing comes back, and closing twice is harmless.
        r1.received("W");
        r1.rejected("W", "bad_npy");
        r1.setStep(9);
        r1.setLearningRate(0.2);
        r1.setBatchSize(16);
        r1.close();
        assertEquals(List.of(), scrape().samplesWith("run", "r1"));
        assertEquals(0, r1.receivedCount("W"));
    }

    @Test
    void labelValuesAcceptExactlyTheDesignsNames() {
        assertTrue(LabelValues.isValidName("layer.0:weight_q-k"));
        assertFalse(LabelValues.isValidName("layer/0"));
        assertFalse(LabelValues.isValidName("ünïcode"));
        assertEquals("_invalid", LabelValues.nameOrInvalid("a\"b"));
        assertEquals("too_large", LabelValues.reasonOrInvalid("too_large"));
        assertEquals("_invalid", LabelValues.reasonOrInvalid("Too-Large"));
    }
}

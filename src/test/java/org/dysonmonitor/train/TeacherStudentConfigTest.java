package org.dysonmonitor.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TeacherStudentConfigTest {

    @Test
    void defaultsAreTheAuthors() {
        TeacherStudentConfig c = TeacherStudentConfig.defaults();
        assertEquals(0.1, c.learningRate());
        assertEquals(16, c.batchSize());
        assertEquals(0.05, c.noise());
        assertEquals(0.1, c.initStd());
        assertEquals(new TeacherStudentConfig(0.2, 4, 0.1, 0.0, 9),
                c.withLearningRate(0.2).withBatchSize(4).withNoise(0.1).withInitStd(0).withSeed(9));
    }

    @Test
    void invalidValuesAreRejectedWithTheirName() {
        TeacherStudentConfig d = TeacherStudentConfig.defaults();
        expect("learningRate", () -> d.withLearningRate(0));
        expect("learningRate", () -> d.withLearningRate(Double.NaN));
        expect("batchSize", () -> d.withBatchSize(0));
        expect("noise", () -> d.withNoise(-0.01));
        expect("initStd", () -> d.withInitStd(Double.POSITIVE_INFINITY));
    }

    private static void expect(String name, Supplier<TeacherStudentConfig> bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::get);
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }
}

package org.dysonmonitor.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RbmConfigTest {

    @Test
    void defaultsAreTheAuthors() {
        RbmConfig c = RbmConfig.defaults();
        assertEquals(10, c.visible());
        assertEquals(10, c.hidden());
        assertEquals(9.0, c.mu2());
        assertEquals(1.0, c.sigmaH());
        assertEquals(0.0, c.eta());
        assertEquals(4.0, c.targetMass2());
        assertEquals(0.1, c.initStd());
        assertEquals(16, c.batchSize());
        assertEquals(0.1, c.learningRate());
        assertEquals(3, c.gibbsSteps());
    }

    @Test
    void withersChangeOneField() {
        RbmConfig d = RbmConfig.defaults();
        assertEquals(new RbmConfig(10, 10, 9, 1, 0, 4, 0.1, 32, 0.1, 3, 1), d.withBatchSize(32));
        assertEquals(new RbmConfig(10, 10, 9, 1, 0, 4, 0.1, 16, 0.05, 3, 1), d.withLearningRate(0.05));
        assertEquals(new RbmConfig(8, 6, 7, 2, 0.5, 3, 0.2, 16, 0.1, 5, 42),
                d.withVisible(8).withHidden(6).withMu2(7).withSigmaH(2).withEta(0.5).withTargetMass2(3)
                        .withInitStd(0.2).withGibbsSteps(5).withSeed(42));
    }

    @Test
    void invalidValuesAreRejectedWithTheirName() {
        RbmConfig d = RbmConfig.defaults();
        expect("visible", () -> d.withVisible(0));
        expect("hidden", () -> d.withHidden(-1));
        expect("mu2", () -> d.withMu2(0));
        expect("mu2", () -> d.withMu2(Double.NaN));
        expect("sigmaH", () -> d.withSigmaH(-1));
        expect("sigmaH", () -> d.withSigmaH(Double.POSITIVE_INFINITY));
        expect("eta", () -> d.withEta(Double.NaN));
        expect("targetMass2", () -> d.withTargetMass2(0));
        expect("initStd", () -> d.withInitStd(0));
        expect("batchSize", () -> d.withBatchSize(0));
        expect("learningRate", () -> d.withLearningRate(0));
        expect("learningRate", () -> d.withLearningRate(-0.1));
        expect("gibbsSteps", () -> d.withGibbsSteps(0));
    }

    private static void expect(String name, Supplier<RbmConfig> bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::get);
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }
}

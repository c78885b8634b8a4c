package org.dysonmonitor.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@link Trainer} contract, run by every implementation. */
class TrainerContractTest {

    static Stream<Arguments> trainers() {
        return Stream.of(
                Arguments.of("rbm", (LongFunction<Trainer>) seed ->
                        new RbmTrainer(RbmConfig.defaults().withSeed(seed))),
                Arguments.of("rbm 7x4, |B|=5, eta=0.2", (LongFunction<Trainer>) seed ->
                        new RbmTrainer(RbmConfig.defaults().withVisible(7).withHidden(4).withBatchSize(5)
                                .withEta(0.2).withSeed(seed))),
                Arguments.of("teacher-student", (LongFunction<Trainer>) seed ->
                        new TeacherStudentTrainer(TeacherStudentConfig.defaults().withSeed(seed))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trainers")
    void sameSeedGivesBitIdenticalWeights(String name, LongFunction<Trainer> factory) {
        Trainer a = factory.apply(5);
        Trainer b = factory.apply(5);
        assertArrayEquals(a.weights(), b.weights(), 0.0);
        for (int i = 0; i < 1000; i++) {
            a.step();
            b.step();
        }
        assertArrayEquals(a.weights(), b.weights(), 0.0);
        assertEquals(1000, a.steps());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trainers")
    void differentSeedsGiveDifferentWeights(String name, LongFunction<Trainer> factory) {
        Trainer a = factory.apply(5);
        Trainer b = factory.apply(6);
        for (int i = 0; i < 1000; i++) {
            a.step();
            b.step();
        }
        assertFalse(Arrays.equals(a.weights(), b.weights()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trainers")
    void weightAccessorsCopy(String name, LongFunction<Trainer> factory) {
        Trainer t = factory.apply(1);
        t.step();
        double[] w = t.weights();
        assertEquals(t.rows() * t.cols(), w.length);
        w[0] = 1e9;
        assertFalse(t.weights()[0] == 1e9, "weights() must be a copy");
        double[] into = new double[w.length + 3];
        Arrays.fill(into, -7);
        t.copyWeights(into);
        assertArrayEquals(t.weights(), Arrays.copyOf(into, w.length), 0.0);
        assertEquals(-7, into[w.length], "copyWeights writes rows*cols values only");
        assertThrows(IllegalArgumentException.class, () -> t.copyWeights(new double[w.length - 1]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trainers")
    void describesItself(String name, LongFunction<Trainer> factory) {
        Trainer t = factory.apply(1);
        assertEquals(0, t.steps());
        assertTrue(t.learningRate() > 0);
        assertTrue(t.batchSize() >= 1);
        assertTrue(t.model().equals("rbm") || t.model().equals("teacher-student"));
        double[] target = t.targetSpectrum();
        if (target != null) {
            assertEquals(t.cols(), target.length);
            for (int i = 1; i < target.length; i++) {
                assertTrue(target[i - 1] <= target[i], "targetSpectrum must be ascending");
            }
            target[0] = -1;
            assertNotNull(t.targetSpectrum());
            assertFalse(t.targetSpectrum()[0] == -1, "targetSpectrum() must be a copy");
        }
    }
}

package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LinearScalingWhatIfTest {

    /** "×2 batch → σ² × 0.5, same relaxation"; "×2 α → σ² × 2, relaxation × 0.5" (physics.md §2). */
    @Test
    void batchAndLearningRateScaleTheWidthAndTheTime() {
        LinearScalingWhatIf batch = LinearScalingWhatIf.at(0.08, 0.1, 16, 0.1, 32);
        assertEquals(0.5, batch.varianceFactor(), 1e-15);
        assertEquals(0.04, batch.variance(), 1e-15);
        assertEquals(1.0, batch.relaxationFactor(), 1e-15);
        assertFalse(batch.beyondLinear());
        LinearScalingWhatIf rate = LinearScalingWhatIf.at(0.08, 0.05, 16, 0.1, 16);
        assertEquals(2.0, rate.varianceFactor(), 1e-15);
        assertEquals(0.5, rate.relaxationFactor(), 1e-15);
        assertFalse(rate.beyondLinear(), "0.1/16 is the edge of the measured linear range");
    }

    /** Towards (0.1, 4) the sweep measured the bend: the what-if is flagged as an upper bound. */
    @Test
    void largeAlphaOverBatchIsFlagged() {
        assertTrue(LinearScalingWhatIf.at(0.08, 0.1, 16, 0.1, 4).beyondLinear());
        assertThrows(IllegalArgumentException.class, () -> LinearScalingWhatIf.at(0.08, 0.1, 0, 0.1, 4));
    }
}

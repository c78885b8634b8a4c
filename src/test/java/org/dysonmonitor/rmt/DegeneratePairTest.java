package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DegeneratePairTest {

    @Test
    void rbmTargetGivesFourPairs() {
        // physics.md §5: κ_k = m² + 2 − 2cos(2πk/N_v), N_v = 10, m² = 4; x = (μ² − κ)/σ_h², μ² = 9.
        double[] x = new double[10];
        for (int k = 0; k < 10; k++) {
            x[k] = 9.0 - (4.0 + 2.0 - 2.0 * Math.cos(2.0 * Math.PI * k / 10));
        }
        Arrays.sort(x);
        double[] copy = x.clone();
        // cos(2πk/10) and cos(2π(10−k)/10) differ by a few ulp; 1e-9 is far above that, far below 0.382.
        List<DegeneratePair> pairs = DegeneratePair.fromTarget(x, 1e-9);
        assertEquals(List.of(new DegeneratePair(1, 2), new DegeneratePair(3, 4), new DegeneratePair(5, 6),
                new DegeneratePair(7, 8)), pairs);
        assertArrayEquals(copy, x);
        assertEquals("3-4", pairs.get(1).label());
        assertEquals(1.382, x[1], 1e-3);
        assertThrows(UnsupportedOperationException.class, () -> pairs.add(new DegeneratePair(0, 9)));
    }

    @Test
    void longerRunsArePairedConsecutively() {
        double[] x = {1, 2, 2, 2, 3, 4, 4, 4, 4, 5};
        assertEquals(List.of(new DegeneratePair(1, 2), new DegeneratePair(5, 6), new DegeneratePair(7, 8)),
                DegeneratePair.fromTarget(x, 0.0));
        // A chain of levels each 0.6·tol apart: measured from the run start, only the first two pair up.
        double[] chain = {10.0, 10.006, 10.012, 10.018};
        assertEquals(List.of(new DegeneratePair(0, 1), new DegeneratePair(2, 3)), DegeneratePair.fromTarget(chain, 1e-3));
        assertTrue(DegeneratePair.fromTarget(new double[] {1, 2, 3}, 1e-6).isEmpty());
        assertTrue(DegeneratePair.fromTarget(new double[0], 1e-6).isEmpty());
    }

    @Test
    void validates() {
        assertThrows(IllegalArgumentException.class, () -> new DegeneratePair(2, 2));
        assertThrows(IllegalArgumentException.class, () -> new DegeneratePair(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> DegeneratePair.fromTarget(new double[] {2, 1}, 0.1));
        assertThrows(IllegalArgumentException.class, () -> DegeneratePair.fromTarget(new double[] {1, 2}, -0.1));
        assertThrows(IllegalArgumentException.class, () -> DegeneratePair.fromTarget(new double[] {1, Double.NaN}, 0.1));
    }
}

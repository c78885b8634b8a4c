package org.dysonmonitor.monitor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The soft heap target's rule: four times the heap in use after a cycle, within [2 GiB, max heap]. */
class SoftHeapTargetTest {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    @Test
    void aSmallLiveSetGetsTheFloorAndALargeOneFourTimesItself() {
        assertEquals(2 * GIB, SoftHeapTarget.target(0, 6 * GIB));
        assertEquals(2 * GIB, SoftHeapTarget.target(400 * MIB, 6 * GIB), "4 × 400 MiB is under the floor");
        assertEquals(3 * GIB, SoftHeapTarget.target(768 * MIB, 6 * GIB));
        assertEquals(6 * GIB, SoftHeapTarget.target(2 * GIB, 6 * GIB), "never above the max heap");
    }

    @Test
    void aHeapSmallerThanTheFloorIsTheTarget() {
        assertEquals(GIB, SoftHeapTarget.target(10 * MIB, GIB));
    }

    @Test
    void onlyAMoveOfMoreThanAnEighthIsSet() {
        assertFalse(SoftHeapTarget.moved(2 * GIB, 2 * GIB + 200 * MIB));
        assertTrue(SoftHeapTarget.moved(2 * GIB, 2 * GIB + 300 * MIB));
        assertTrue(SoftHeapTarget.moved(3 * GIB, 2 * GIB), "down as well as up");
    }
}

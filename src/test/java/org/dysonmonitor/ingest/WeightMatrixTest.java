package org.dysonmonitor.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WeightMatrixTest {

    private static final double[] SIX = {1, 2, 3, 4, 5, 6};

    @Test
    void storesRowMajor() {
        WeightMatrix m = WeightMatrix.of(2, 3, SIX, false);
        assertEquals(2, m.rows());
        assertEquals(3, m.cols());
        assertEquals(6, m.size());
        assertFalse(m.float32());
        assertEquals(3.0, m.get(0, 2));
        assertEquals(4.0, m.get(1, 0));
        assertArrayEquals(SIX, m.toRowMajor());
    }

    @Test
    void copiesItsInput() {
        double[] values = SIX.clone();
        WeightMatrix m = WeightMatrix.of(2, 3, values, false);
        values[0] = 99;
        assertEquals(1.0, m.get(0, 0));
    }

    @Test
    void neverExposesItsArray() {
        WeightMatrix m = WeightMatrix.of(2, 3, SIX, false);
        m.toRowMajor()[0] = 99;
        assertEquals(1.0, m.get(0, 0));
    }

    @Test
    void copyRowMajorFillsAPrefixOfALargerWorkspace() {
        WeightMatrix m = WeightMatrix.of(2, 3, SIX, false);
        double[] into = new double[8];
        into[6] = -1;
        into[7] = -2;
        m.copyRowMajor(into);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, -1, -2}, into);
        into[0] = 99;
        assertEquals(1.0, m.get(0, 0));
    }

    @Test
    void copyRowMajorRejectsAShortDestination() {
        WeightMatrix m = WeightMatrix.of(2, 3, SIX, false);
        assertThrows(IllegalArgumentException.class, () -> m.copyRowMajor(new double[5]));
    }

    @Test
    void getChecksBounds() {
        WeightMatrix m = WeightMatrix.of(2, 3, SIX, false);
        assertThrows(IndexOutOfBoundsException.class, () -> m.get(2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> m.get(0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> m.get(-1, 0));
        // (0, 3) would be a valid flat index 3; the column check must catch it anyway.
        assertThrows(IndexOutOfBoundsException.class, () -> m.get(0, -1));
    }

    @Test
    void rejectsBadDimensionsAndLengths() {
        assertThrows(IllegalArgumentException.class, () -> WeightMatrix.of(0, 3, new double[0], false));
        assertThrows(IllegalArgumentException.class, () -> WeightMatrix.of(3, -1, new double[0], false));
        assertThrows(IllegalArgumentException.class, () -> WeightMatrix.of(2, 3, new double[5], false));
        assertThrows(IllegalArgumentException.class, () -> WeightMatrix.of(2, 3, new double[7], false));
        assertThrows(IllegalArgumentException.class, () -> WeightMatrix.of(65536, 65536, new double[1], false));
        assertThrows(NullPointerException.class, () -> WeightMatrix.of(1, 1, null, false));
    }

    @Test
    void float32RequiresFloatValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightMatrix.of(1, 2, new double[] {0.5, 0.1}, true));
        assertTrue(e.getMessage().contains("index 1"), e.getMessage());
        WeightMatrix m = WeightMatrix.of(1, 4, new double[] {0.5, (float) 0.1, Double.NaN, Double.NEGATIVE_INFINITY}, true);
        assertTrue(m.float32());
    }

    @Test
    void equalityCoversShapePrecisionAndValues() {
        WeightMatrix a = WeightMatrix.of(2, 3, SIX, false);
        assertEquals(a, WeightMatrix.of(2, 3, SIX, false));
        assertEquals(a.hashCode(), WeightMatrix.of(2, 3, SIX, false).hashCode());
        assertNotEquals(a, WeightMatrix.of(3, 2, SIX, false));
        assertNotEquals(a, WeightMatrix.of(2, 3, SIX, true));
        assertNotEquals(a, WeightMatrix.of(2, 3, new double[] {1, 2, 3, 4, 5, 7}, false));
    }

    @Test
    void toStringShowsShapeNotValues() {
        assertEquals("WeightMatrix[2x3 float64]", WeightMatrix.of(2, 3, SIX, false).toString());
    }

    @Test
    void float32IsStoredAsFloatsAndLentWithoutACopy() {
        WeightMatrix m = WeightMatrix.of(2, 3, new float[] {1, 2, 3, 4, 5, 0.1f});
        assertTrue(m.float32());
        float[] first = m.read((v, r, c) -> v, (v, r, c) -> null);
        float[] second = m.read((v, r, c) -> v, (v, r, c) -> null);
        // The same array both times: read() lends the backing store, it does not copy it.
        assertSame(first, second);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 0.1f}, first);
        assertEquals("2x3", m.read((v, r, c) -> r + "x" + c, (v, r, c) -> "float64"));
        assertEquals((double) 0.1f, m.get(1, 2));
    }

    @Test
    void float32FactoryFromDoublesNarrowsExactly() {
        WeightMatrix m = WeightMatrix.of(1, 2, new double[] {(float) 0.1, -3}, true);
        assertArrayEquals(new float[] {0.1f, -3}, m.read((v, r, c) -> v, (v, r, c) -> null));
        assertEquals(m, WeightMatrix.of(1, 2, new float[] {0.1f, -3}));
    }

    @Test
    void float64IsLentAsDoubles() {
        WeightMatrix m = WeightMatrix.of(2, 3, SIX, false);
        assertArrayEquals(SIX, m.read((v, r, c) -> null, (v, r, c) -> v));
    }

    @Test
    void copyRowMajorIntoFloats() {
        float[] into = new float[7];
        into[6] = -1;
        WeightMatrix.of(2, 3, new float[] {1, 2, 3, 4, 5, 0.1f}).copyRowMajor(into);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 0.1f, -1}, into);
        // A float64 matrix is rounded to the nearest float.
        WeightMatrix.of(1, 2, new double[] {0.1, 1e300}, false).copyRowMajor(into);
        assertEquals(0.1f, into[0]);
        assertEquals(Float.POSITIVE_INFINITY, into[1]);
        assertThrows(IllegalArgumentException.class,
                () -> WeightMatrix.of(2, 3, SIX, false).copyRowMajor(new float[5]));
    }

    @Test
    void float32WidensExactlyIntoDoubles() {
        WeightMatrix m = WeightMatrix.of(1, 2, new float[] {0.1f, Float.MIN_VALUE});
        assertArrayEquals(new double[] {0.1f, Float.MIN_VALUE}, m.toRowMajor());
    }

    @Test
    void floatFactoryCopiesItsInput() {
        float[] values = {1, 2};
        WeightMatrix m = WeightMatrix.of(1, 2, values);
        values[0] = 99;
        assertEquals(1.0, m.get(0, 0));
        assertThrows(IllegalArgumentException.class, () -> WeightMatrix.of(1, 3, values));
    }
}

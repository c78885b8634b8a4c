package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RunningMomentsTest {

    /**
     * Worst-case relative rounding of a sum of n terms is n·ε; ×10 covers the two stages (mean,
     * then squares) of either algorithm.
     */
    private static double tolerance(int n) {
        return 10.0 * n * Math.ulp(1.0);
    }

    /** Careful reference: mean relative to the first value (exact differences), then corrected two-pass. */
    private static double[] twoPass(double[][] data, int from, int to, int mode) {
        int n = to - from;
        double x0 = data[from][mode];
        double s = 0.0;
        for (int i = from; i < to; i++) {
            s += data[i][mode] - x0;
        }
        double meanD = s / n;
        double ss = 0.0;
        double c = 0.0;
        for (int i = from; i < to; i++) {
            double d = data[i][mode] - x0 - meanD;
            ss += d * d;
            c += d;
        }
        return new double[] {x0 + meanD, (ss - c * c / n) / (n - 1)};
    }

    private static double[][] randomSpectra(long seed, int count, int modes, double offset) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] data = new double[count][modes];
        for (int i = 0; i < count; i++) {
            for (int m = 0; m < modes; m++) {
                // Modes of very different location and scale, like an ascending spectrum.
                data[i][m] = offset + m * m + (0.01 + m) * rng.nextGaussian();
            }
        }
        return data;
    }

    private static void assertMatchesTwoPass(RunningMoments rm, double[][] data, int added) {
        int modes = rm.modes();
        int w = Math.min(added, rm.window());
        double tol = tolerance(added);
        for (int m = 0; m < modes; m++) {
            double[] all = twoPass(data, 0, added, m);
            double[] win = twoPass(data, added - w, added, m);
            // Means: both sides add the (exactly subtracted) first value back, rounding by ≤ ulp(mean);
            // the mean of the differences (≲ 10 s.d. each) carries the summation tolerance.
            assertEquals(all[0], rm.mean(m), tol * 10 * Math.sqrt(all[1]) + Math.ulp(all[0]));
            assertEquals(all[1], rm.variance(m), tol * all[1]);
            assertEquals(win[0], rm.windowMean(m), tol * 10 * Math.sqrt(win[1]) + Math.ulp(win[0]));
            assertEquals(win[1], rm.windowVariance(m), tol * win[1]);
        }
    }

    @Test
    void matchesTwoPassSinceStartAndOverWindowIncludingWrapAround() {
        int modes = 7;
        int window = 50;
        double[][] data = randomSpectra(11L, 333, modes, 0.0);
        RunningMoments rm = new RunningMoments(modes, window);
        for (int i = 0; i < data.length; i++) {
            rm.add(data[i]);
            int added = i + 1;
            assertEquals(added, rm.count());
            assertEquals(Math.min(added, window), rm.windowCount());
            // Before the window fills, exactly at full, after one wrap, and at the end.
            if (added >= 2 && (added == 10 || added == window || added == window + 1 || added == 2 * window + 7
                    || added == data.length)) {
                assertMatchesTwoPass(rm, data, added);
            }
        }
        double[] means = rm.windowMeans();
        double[] again = rm.windowMeans();
        assertNotSame(means, again);
        means[0] = Double.NaN;
        assertEquals(again[0], rm.windowMean(0));
        assertArrayEquals(new double[] {rm.mean(0), rm.mean(1)}, new double[] {rm.means()[0], rm.means()[1]});
    }

    /** All modes at once (slot by slot) give the per-mode queries' values bit for bit, at every fill level. */
    @Test
    void allModesAtOnceEqualTheModeByModeQueries() {
        int modes = 37;
        int window = 11;
        RunningMoments rm = new RunningMoments(modes, window);
        SplittableRandom rng = new SplittableRandom(7);
        double[] means = new double[modes];
        double[] variances = new double[modes];
        rm.windowMoments(means, variances);
        for (int i = 0; i < modes; i++) {
            assertTrue(Double.isNaN(means[i]) && Double.isNaN(variances[i]), "empty window: NaN");
        }
        for (int added = 1; added <= 3 * window + 4; added++) {
            double[] x = new double[modes];
            for (int i = 0; i < modes; i++) {
                x[i] = 1e6 * i + rng.nextGaussian();
            }
            rm.add(x);
            rm.windowMoments(means, variances);
            for (int i = 0; i < modes; i++) {
                assertEquals(rm.windowMean(i), means[i], 0.0, "mean of mode " + i + " after " + added);
                assertEquals(rm.windowVariance(i), variances[i], 0.0, "variance of mode " + i + " after " + added);
            }
            double[] meansOnly = new double[modes];
            rm.windowMoments(meansOnly, null);
            assertArrayEquals(means, meansOnly, 0.0);
        }
        assertThrows(IllegalArgumentException.class, () -> rm.windowMoments(new double[modes - 1], null));
        assertThrows(IllegalArgumentException.class, () -> rm.windowMoments(means, new double[modes + 1]));
    }

    @Test
    void windowHoldsExactlyTheLastSpectra() {
        RunningMoments rm = new RunningMoments(1, 5);
        for (int i = 1; i <= 12; i++) {
            rm.add(new double[] {i});
        }
        // Last five: 8..12, mean 10, unbiased variance (4+1+0+1+4)/4 = 2.5; since start 1..12.
        assertEquals(10.0, rm.windowMean(0), 0.0);
        assertEquals(2.5, rm.windowVariance(0), 0.0);
        assertEquals(6.5, rm.mean(0), 1e-15);
        assertEquals(13.0, rm.variance(0), 1e-14); // n(n+1)/12 for 1..n
    }

    @Test
    void largeOffsetKeepsFullPrecision() {
        int n = 10_000;
        double[][] data = randomSpectra(5L, n, 3, 1e9);
        RunningMoments rm = new RunningMoments(3, 1000);
        for (double[] x : data) {
            rm.add(x);
        }
        assertMatchesTwoPass(rm, data, n);
        // Why this test matters: the textbook Σx²/n − x̄² has cancellation error ≈ ε·(10⁹)² ≈ 2·10²,
        // hundreds of times the variance of mode 0 (≈ 10⁻⁴).
        double s = 0.0;
        double ss = 0.0;
        for (double[] x : data) {
            s += x[0];
            ss += x[0] * x[0];
        }
        double naive = (ss - s * s / n) / (n - 1);
        double exact = twoPass(data, 0, n, 0)[1];
        assertTrue(Math.abs(naive - exact) > 100 * exact, "naive formula unexpectedly accurate");
        assertEquals(exact, rm.variance(0), tolerance(n) * exact);
    }

    @Test
    void conventionsValidationAndClear() {
        RunningMoments rm = new RunningMoments(2, 3);
        assertTrue(Double.isNaN(rm.mean(0)));
        assertTrue(Double.isNaN(rm.variance(0)));
        assertTrue(Double.isNaN(rm.windowMean(1)));
        assertTrue(Double.isNaN(rm.windowVariance(1)));
        double[] x = {1.5, -2.0};
        rm.add(x);
        assertArrayEquals(new double[] {1.5, -2.0}, x);
        assertEquals(0.0, rm.variance(0));
        assertEquals(0.0, rm.windowVariance(0));
        assertEquals(1, rm.getN());
        assertThrows(IllegalArgumentException.class, () -> rm.add(new double[] {1.0}));
        assertThrows(IndexOutOfBoundsException.class, () -> rm.mean(2));
        assertThrows(IndexOutOfBoundsException.class, () -> rm.windowMean(-1));
        assertThrows(IllegalArgumentException.class, () -> new RunningMoments(0, 3));
        rm.clear();
        assertEquals(0, rm.count());
        assertEquals(0, rm.windowCount());
        rm.add(new double[] {7.0, 8.0});
        assertEquals(7.0, rm.mean(0));
        assertEquals(8.0, rm.windowMean(1));
    }
}

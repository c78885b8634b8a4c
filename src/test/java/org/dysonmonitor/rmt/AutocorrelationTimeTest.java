package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AutocorrelationTimeTest {

    /** Stationary AR(1): x₀ ~ N(0, 1/(1−φ²)), x_t = φ x_{t−1} + ξ_t. */
    private static double[] ar1(long seed, int n, double phi) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = new double[n];
        x[0] = rng.nextGaussian() / Math.sqrt(1.0 - phi * phi);
        for (int t = 1; t < n; t++) {
            x[t] = phi * x[t - 1] + rng.nextGaussian();
        }
        return x;
    }

    @Test
    void ar1MatchesAnalyticTau() {
        double phi = 0.9;
        int n = 1_000_000;
        double[] x = ar1(17L, n, phi);
        double[] copy = x.clone();
        AutocorrelationTime.Estimate e = AutocorrelationTime.estimate(x, AutocorrelationTime.DEFAULT_WINDOW_FACTOR);
        assertArrayEquals(copy, x);
        double exact = (1 + phi) / (2 * (1 - phi)); // 9.5
        // Tolerance: 5 Madras-Sokal standard errors plus the windowing bias Σ_{t>W} φ^t = φ^{W+1}/(1−φ).
        double bias = Math.pow(phi, e.window() + 1) / (1 - phi);
        assertEquals(exact, e.tau(), 5 * e.error() + bias);
        assertTrue(e.windowConverged());
        assertTrue(e.window() >= AutocorrelationTime.DEFAULT_WINDOW_FACTOR * e.tau());
        assertEquals(n / (2 * e.tau()), e.effectiveSampleSize(), 1e-9);
        assertEquals(e.tau(), AutocorrelationTime.integratedAutocorrelationTime(x), 0.0);
        // The estimated error itself: τ √(2(2W+1)/n) ≈ 0.13 here.
        assertEquals(exact * Math.sqrt(2.0 * (2 * e.window() + 1) / n), e.error(), 0.1 * e.error());
    }

    @Test
    void whiteNoiseGivesOneHalf() {
        int n = 200_000;
        AutocorrelationTime.Estimate e = AutocorrelationTime.estimate(ar1(5L, n, 0.0), 5.0);
        assertEquals(0.5, e.tau(), 5 * e.error());
        assertTrue(e.windowConverged());
    }

    @Test
    void edgeCases() {
        assertTrue(Double.isNaN(AutocorrelationTime.integratedAutocorrelationTime(new double[] {3, 3, 3, 3})));
        assertThrows(IllegalArgumentException.class, () -> AutocorrelationTime.integratedAutocorrelationTime(new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> AutocorrelationTime.estimate(new double[] {1, 2}, 0.0));
        // A linear ramp is "correlated forever": no window satisfies W ≥ 5τ within the series.
        double[] ramp = new double[100];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i;
        }
        assertFalse(AutocorrelationTime.estimate(ramp, 5.0).windowConverged());
    }
}

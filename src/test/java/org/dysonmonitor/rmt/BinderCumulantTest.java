package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BinderCumulantTest {

    @Test
    void twoSymmetricPointsGiveMinusTwoThirds() {
        // ⟨u⁴⟩ = a⁴, ⟨u²⟩ = a²: a⁴/(3a⁴) − 1 = −2/3, exactly in binary for a = 2.
        assertEquals(-2.0 / 3.0, BinderCumulant.of(new double[] {-2.0, 2.0, 2.0, -2.0}), 1e-15);
        assertEquals(-2.0 / 3.0, BinderCumulant.aboutMean(new double[] {9.0, 11.0}), 1e-15);
    }

    @Test
    void gaussianSampleIsNearZero() {
        int n = 200_000;
        SplittableRandom rng = new SplittableRandom(3L);
        double[] u = new double[n];
        double[] shifted = new double[n];
        for (int i = 0; i < n; i++) {
            u[i] = rng.nextGaussian();
            shifted[i] = 1e9 + u[i];
        }
        // For a Gaussian, Var(m₄/m₂²) = 24/n (about the true or the sample mean), so
        // Var(U₄) = 24/(9n) = 8/(3n); 5 standard errors.
        double se = Math.sqrt(8.0 / (3.0 * n));
        assertEquals(0.0, BinderCumulant.of(u), 5 * se);
        assertEquals(0.0, BinderCumulant.aboutMean(u), 5 * se);
        // A 10⁹ offset only rounds each value by ≤ ulp(10⁹)/2 ≈ 6·10⁻⁸ = 6·10⁻⁸σ, which moves U₄
        // by O(10⁻⁷) at most; allow 10·ulp(10⁹)/σ.
        assertEquals(BinderCumulant.aboutMean(u), BinderCumulant.aboutMean(shifted), 10 * Math.ulp(1e9));
    }

    @Test
    void validatesAndDoesNotModify() {
        double[] x = {1.0, 2.0, 4.0};
        double[] copy = x.clone();
        BinderCumulant.of(x);
        BinderCumulant.aboutMean(x);
        assertArrayEquals(copy, x);
        assertThrows(IllegalArgumentException.class, () -> BinderCumulant.of(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> BinderCumulant.aboutMean(new double[0]));
        assertTrue(Double.isNaN(BinderCumulant.of(new double[] {0.0, 0.0})));
    }
}

package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;

import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class SpacingRatioTest {

    private static double integrate(DoubleUnaryOperator f, double lo, double hi) {
        return new IterativeLegendreGaussIntegrator(8, 1e-14, 1e-15)
                .integrate(1_000_000, f::applyAsDouble, lo, hi);
    }

    /** ∫₀^∞ f(r) dr via r = u/(1 − u), dr = du/(1 − u)²: the integrand stays finite at u → 1. */
    private static double integrateHalfLine(DoubleUnaryOperator f) {
        return integrate(u -> {
            double r = u / (1 - u);
            return f.applyAsDouble(r) / ((1 - u) * (1 - u));
        }, 0, 1);
    }

    @Test
    void wishartSpectrumHasGoeMeanRatio() {
        // 1000×1000 W, W_ij ~ N(0, 1/M): the 1000 eigenvalues of WᵀW (≈ 1 s with EJML).
        double[] levels = BulkTestSpectra.wishart(1000, 1000, 1e-3, new Well19937c(2407L));
        double[] r = SpacingRatio.ratios(levels);
        double mean = SpacingRatio.mean(levels);
        assertEquals(BulkTestSpectra.mean(r), mean, 1e-15);
        // Tolerance: 4 standard errors of the mean of the 998 ratios (s.e. ≈ 0.008, treating them
        // as independent; neighbouring ratios share a spacing, which the sample s.d. does not see).
        double tolerance = 4 * BulkTestSpectra.standardError(r);
        assertEquals(SpacingRatio.GOE_MEAN, mean, tolerance);
        assertTrue(mean - SpacingRatio.POISSON_MEAN > tolerance);
    }

    @Test
    void uniformRandomLevelsHavePoissonMeanRatio() {
        double[] levels = BulkTestSpectra.sortedUniform(10_000, new Well19937c(3863L));
        double[] r = SpacingRatio.ratios(levels);
        // Tolerance: 4 standard errors (s.e. ≈ 0.0028 for 9998 ratios, sd of r̃ ≈ 0.28).
        double tolerance = 4 * BulkTestSpectra.standardError(r);
        assertEquals(SpacingRatio.POISSON_MEAN, SpacingRatio.mean(levels), tolerance);
        assertTrue(SpacingRatio.GOE_MEAN - SpacingRatio.mean(levels) > tolerance);
    }

    @Test
    void surmiseIsNormalisedOnTheHalfLineAndItsFoldedMeanIsFourMinusTwoRootThree() {
        assertEquals(1.0, integrateHalfLine(SpacingRatio::surmiseDensity), 1e-12);
        // r̃ = min(r, 1/r) has density 2P(r̃) on [0, 1] (P(1/r)/r² = P(r)), so
        // ⟨r̃⟩ = 2∫₀¹ r P(r) dr = 4 − 2√3; half the mass lies on each side of r = 1.
        assertEquals(0.5, integrate(SpacingRatio::surmiseDensity, 0, 1), 1e-12);
        assertEquals(SpacingRatio.GOE_SURMISE_MEAN,
                2 * integrate(r -> r * SpacingRatio.surmiseDensity(r), 0, 1), 1e-12);
        assertEquals(0.5358983848622456, SpacingRatio.GOE_SURMISE_MEAN, 1e-15);
        // The mean of r itself on [0, ∞) is 7/4 (= ∫₀¹ (r + 1/r) P(r) dr), not 4 − 2√3.
        assertEquals(1.75, integrateHalfLine(r -> r * SpacingRatio.surmiseDensity(r)), 1e-10);
        for (double r : new double[] {0.01, 0.3, 1.0, 2.5, 40.0}) {
            assertEquals(SpacingRatio.surmiseDensity(r), SpacingRatio.surmiseDensity(1 / r) / (r * r), 1e-15);
        }
        assertEquals(0.0, SpacingRatio.surmiseDensity(-0.1));
    }

    @Test
    void poissonMeanConstantIsTheMeanOfTwoOverOnePlusRSquared() {
        // Poisson: P(r̃) = 2/(1 + r̃)² on [0, 1].
        assertEquals(SpacingRatio.POISSON_MEAN, integrate(r -> 2 * r / ((1 + r) * (1 + r)), 0, 1), 1e-14);
        assertEquals(0.3862943611198906, SpacingRatio.POISSON_MEAN, 1e-15);
    }

    @Test
    void degenerateSpacingsFollowTheDocumentedConvention() {
        // s = 1, 0, 0, 2, 2: pairs (1,0) → 0, (0,0) skipped, (0,2) → 0, (2,2) → 1.
        double[] levels = {0, 1, 1, 1, 3, 5};
        assertArrayEquals(new double[] {0, 0, 1}, SpacingRatio.ratios(levels), 0);
        assertEquals(1.0 / 3, SpacingRatio.mean(levels), 1e-15);
        // All levels equal: no defined ratio.
        assertEquals(0, SpacingRatio.ratios(new double[] {2, 2, 2, 2}).length);
        assertTrue(Double.isNaN(SpacingRatio.mean(new double[] {2, 2, 2, 2})));
    }

    @Test
    void fewerThanThreeLevelsGiveNoRatio() {
        assertEquals(0, SpacingRatio.ratios(new double[] {0, 1}).length);
        assertTrue(Double.isNaN(SpacingRatio.mean(new double[] {0, 1})));
        assertTrue(Double.isNaN(SpacingRatio.mean(new double[0])));
        assertArrayEquals(new double[] {0.5}, SpacingRatio.ratios(new double[] {0, 2, 3}), 0);
    }

    @Test
    void ratiosAreInvariantUnderAffineMapsAndInputIsNotModified() {
        double[] levels = BulkTestSpectra.goe(200, new Well19937c(5L));
        double[] copy = levels.clone();
        double[] mapped = new double[levels.length];
        for (int i = 0; i < levels.length; i++) {
            mapped[i] = 3.7 * levels[i] - 11.0;
        }
        assertArrayEquals(SpacingRatio.ratios(levels), SpacingRatio.ratios(mapped), 1e-12);
        assertArrayEquals(copy, levels, 0);
        // Picket fence: every ratio is 1.
        assertEquals(1.0, SpacingRatio.mean(new double[] {0, 1, 2, 3, 4}), 0);
    }

    @Test
    void rejectsUnsortedOrNonFiniteLevels() {
        assertThrows(IllegalArgumentException.class, () -> SpacingRatio.ratios(new double[] {0, 2, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> SpacingRatio.mean(new double[] {0, Double.NaN, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> SpacingRatio.mean(new double[] {0, 1, Double.POSITIVE_INFINITY}));
    }
}

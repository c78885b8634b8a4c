package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.random.Well19937c;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

class SpacingsTest {

    private static final double ALPHA = 1e-3;

    /**
     * D∞ = sup_s |F_Wigner(s) − F_Poisson(s)| ≈ 0.21, on a grid of step 1e-4, from the closed forms
     * F_Wigner(s) = 1 − exp(−πs²/4) and F_Poisson(s) = 1 − exp(−s) (not the classes under test).
     */
    private static double wignerPoissonDistance() {
        double d = 0;
        for (int k = 0; k <= 100_000; k++) {
            double s = 1e-4 * k;
            d = Math.max(d, Math.abs(Math.exp(-s) - Math.exp(-Math.PI * s * s / 4)));
        }
        return d;
    }

    /**
     * Unfolded spacings have mean 1, none is negative, and their KS distance from {@code accepted}
     * is below the α = 1e-3 critical value while that from {@code rejected} exceeds D∞ − critical
     * (triangle inequality through the accepted law).
     */
    private static void assertSpacingLaw(double[] s, boolean goe) {
        assertEquals(1.0, BulkTestSpectra.mean(s), 1e-12);
        for (double v : s) {
            assertTrue(v >= 0);
        }
        double critical = KolmogorovSmirnov.criticalValue(s.length, ALPHA);
        double toWigner = WignerSurmise.ksDistance(s);
        double toPoisson = PoissonSpacing.ksDistance(s);
        double accepted = goe ? toWigner : toPoisson;
        double rejected = goe ? toPoisson : toWigner;
        assertTrue(accepted < critical, "accepted-law KS " + accepted + " >= " + critical);
        assertTrue(rejected > wignerPoissonDistance() - critical, "rejected-law KS " + rejected);
    }

    @Test
    void nearestNeighbourSpacingsAreDifferences() {
        assertArrayEquals(new double[] {1, 0, 2.5},
                Spacings.nearestNeighbour(new double[] {-1, 0, 0, 2.5}), 0);
        assertEquals(0, Spacings.nearestNeighbour(new double[] {4}).length);
        assertEquals(0, Spacings.nearestNeighbour(new double[0]).length);
    }

    @Test
    void defaultDegreeGrowsLogarithmicallyFromLinear() {
        assertEquals(1, Spacings.defaultDegree(3));
        assertEquals(1, Spacings.defaultDegree(19));
        assertEquals(2, Spacings.defaultDegree(20));
        assertEquals(6, Spacings.defaultDegree(400));
        assertEquals(8, Spacings.defaultDegree(2000));
        assertEquals(Spacings.MAX_UNFOLDING_DEGREE, Spacings.defaultDegree(1_000_000));
    }

    @Test
    void goeSpectrumUnfoldsToTheWignerSurmise() {
        // 400×400 GOE (semicircle density): 399 unfolded spacings; critical value ≈ 0.097.
        // Spacings of a rigid spectrum are anti-correlated, so the i.i.d. critical value is conservative.
        double[] s = Spacings.unfolded(BulkTestSpectra.goe(400, new Well19937c(400L)));
        assertEquals(399, s.length);
        assertSpacingLaw(s, true);
    }

    @Test
    void wishartSpectrumUnfoldsToTheWignerSurmise() {
        // 800×400 Wishart, σ² = 1/M (Marchenko-Pastur density with square-root edges).
        double[] s = Spacings.unfolded(BulkTestSpectra.wishart(800, 400, 1.0 / 800, new Well19937c(800L)));
        assertTrue(s.length >= 390, "at most 2 % of spacings dropped at folds, got " + s.length);
        assertSpacingLaw(s, true);
    }

    @Test
    void uniformPoissonLevelsUnfoldToExponentialSpacings() {
        double[] s = Spacings.unfolded(BulkTestSpectra.sortedUniform(2000, new Well19937c(1L)));
        assertEquals(1999, s.length);
        assertSpacingLaw(s, false);
    }

    @Test
    void exponentiallyDistributedPoissonLevelsNeedAndGetUnfolding() {
        // Density n·e^{−x}: varies by e^{−8} ≈ 3·10⁻⁴ across the 2000 levels.
        double[] levels = BulkTestSpectra.sortedExponential(2000, new Well19937c(2L));
        double[] s = Spacings.unfolded(levels);
        // The fit may fold in the sparse tail (≈ 20 levels lie beyond x ≈ 4.6): at most 2 % are
        // dropped (≤ 29 of 1999 over 60 seeds tried).
        assertTrue(s.length >= 1960, "dropped too many spacings: " + s.length);
        assertSpacingLaw(s, false);
        // Without unfolding the raw spacings (scaled to mean 1) are a broad mixture of exponentials
        // of rates ∝ e^{−x}: far from Poisson.
        double[] raw = Spacings.nearestNeighbour(levels);
        double mean = BulkTestSpectra.mean(raw);
        for (int i = 0; i < raw.length; i++) {
            raw[i] /= mean;
        }
        assertTrue(PoissonSpacing.ksDistance(raw) > KolmogorovSmirnov.criticalValue(raw.length, ALPHA));
    }

    @Test
    void rankDeficientGramSpectrumDropsItsNullSpace() {
        // W is 300×500, so WᵀW (500×500) has rank 300: 200 eigenvalues are zero up to rounding.
        DMatrixRMaj w = BulkTestSpectra.gaussian(300, 500, 1.0 / 300, new Well19937c(3L));
        double[] gram = BulkTestSpectra.gramEigenvalues(w);
        DMatrixRMaj wt = CommonOps_DDRM.transpose(w, null);
        double[] small = BulkTestSpectra.gramEigenvalues(wt); // the 300 eigenvalues of WWᵀ
        double[] nonZero = Spacings.nonZero(gram, Spacings.ZERO_TOLERANCE);
        assertEquals(300, nonZero.length);
        assertArrayEquals(small, nonZero, 1e-12 * small[small.length - 1]);
        // unfolded() removes the null space itself, with the same tolerance.
        assertArrayEquals(Spacings.unfolded(nonZero), Spacings.unfolded(gram), 0);
        assertSpacingLaw(Spacings.unfolded(gram), true);
    }

    @Test
    void nonZeroCutsTheBlockAroundZeroOnly() {
        double[] levels = {-2, -1e-13, -0.0, 0, 1e-15, 1e-11, 3};
        assertArrayEquals(new double[] {-2, 1e-11, 3}, Spacings.nonZero(levels, 1e-12), 0);
        assertArrayEquals(new double[] {-2, -1e-13, 1e-15, 1e-11, 3}, Spacings.nonZero(levels, 0), 0);
        assertEquals(0, Spacings.nonZero(new double[] {0, 0, 0}, 1e-12).length);
        double[] untouched = {1, 2, 3};
        double[] copy = Spacings.nonZero(untouched, 1e-12);
        assertArrayEquals(untouched, copy, 0);
        assertTrue(copy != untouched, "always a new array");
    }

    @Test
    void degenerateLevelsGiveExactZeroSpacings() {
        // Every level of a GOE spectrum doubled (as for a Kramers pair): half the spacings are 0.
        double[] goe = BulkTestSpectra.goe(200, new Well19937c(4L));
        double[] doubled = new double[2 * goe.length];
        for (int i = 0; i < goe.length; i++) {
            doubled[2 * i] = goe[i];
            doubled[2 * i + 1] = goe[i];
        }
        double[] s = Spacings.unfolded(doubled);
        assertEquals(doubled.length - 1, s.length);
        int zeros = 0;
        for (int i = 0; i < s.length; i++) {
            assertTrue(s[i] >= 0);
            if (i % 2 == 0) {
                assertEquals(0.0, s[i], 0.0);
                zeros++;
            }
        }
        assertEquals(goe.length, zeros);
        assertEquals(1.0, BulkTestSpectra.mean(s), 1e-12);
    }

    @Test
    void smallAndFlatSpectra() {
        assertEquals(0, Spacings.unfolded(new double[] {1, 2}).length);
        assertEquals(0, Spacings.unfolded(new double[0]).length);
        assertEquals(0, Spacings.unfolded(new double[] {5, 5, 5, 5}).length);
        // Three levels: linear fit, two spacings with mean 1 in the ratio of the raw spacings.
        assertArrayEquals(new double[] {0.5, 1.5}, Spacings.unfolded(new double[] {1, 2, 5}), 1e-9);
        // A level at exactly 0 counts as a structural zero and is dropped before unfolding.
        assertArrayEquals(new double[] {0.5, 1.5}, Spacings.unfolded(new double[] {0, 1, 2, 5}), 1e-9);
    }

    @Test
    void inputIsNotModifiedAndMustBeSorted() {
        double[] levels = BulkTestSpectra.goe(50, new Well19937c(6L));
        double[] copy = levels.clone();
        Spacings.unfolded(levels);
        Spacings.nearestNeighbour(levels);
        Spacings.nonZero(levels, 1e-3);
        assertArrayEquals(copy, levels, 0);
        assertThrows(IllegalArgumentException.class, () -> Spacings.unfolded(new double[] {1, 0, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> Spacings.nearestNeighbour(new double[] {Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> Spacings.nonZero(new double[] {1, 2}, -1));
        assertThrows(IllegalArgumentException.class, () -> Spacings.unfolded(new double[] {1, 2, 3}, 0));
    }
}

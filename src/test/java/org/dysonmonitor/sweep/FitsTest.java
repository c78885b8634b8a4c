package org.dysonmonitor.sweep;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fits and the jackknife against hand-computed cases. */
class FitsTest {

    private static final double EPS = 1e-12;

    @Test
    void fitThroughTheOriginByHand() {
        // a = Σxy/Σx² = (2 + 8 + 21)/(1 + 4 + 9) = 31/14; residuals −3/14, −6/14, 5/14, χ² = 70/196 = 5/14.
        OriginFit f = OriginFit.fit(new double[] {1, 2, 3}, new double[] {2, 4, 7}, new double[] {1, 1, 1});
        assertEquals(31.0 / 14, f.slope(), EPS);
        assertEquals(5.0 / 14, f.chiSquared(), EPS);
        assertEquals(3, f.n());
        assertEquals(5.0 / 28, f.chiSquaredPerDof(), EPS);
        assertEquals(1 / Math.sqrt(14), f.slopeError(), EPS);
    }

    @Test
    void weightsActLikeRepeatedPointsAndUnusablePointsAreSkipped() {
        OriginFit weighted = OriginFit.fit(new double[] {1, 2, 3, 5}, new double[] {2, 4, 7, Double.NaN},
                new double[] {1, 3, 1, 1});
        OriginFit repeated = OriginFit.fit(new double[] {1, 2, 2, 2, 3}, new double[] {2, 4, 4, 4, 7},
                new double[] {1, 1, 1, 1, 1});
        assertEquals(repeated.slope(), weighted.slope(), EPS);
        assertEquals(3, weighted.n());
    }

    @Test
    void straightLineByHand() {
        // x̄ = 2.5, ȳ = 6.125, Sxx = 5, Sxy = 10.75: b = 2.15, c = 0.75; SS_res = 0.075, SS_tot = 23.1875.
        LinearFit f = LinearFit.fit(new double[] {1, 2, 3, 4}, new double[] {3, 5, 7, 9.5}, new double[] {1, 1, 1, 1});
        assertEquals(2.15, f.slope(), EPS);
        assertEquals(0.75, f.intercept(), EPS);
        assertEquals(0.075, f.chiSquared(), EPS);
        assertEquals(1 - 0.075 / 23.1875, f.rSquared(), EPS);
        assertEquals(0.075 / 2, f.chiSquaredPerDof(), EPS);
        assertEquals(1 / Math.sqrt(5), f.slopeError(), EPS);
        assertEquals(Math.sqrt(1.0 / 4 + 2.5 * 2.5 / 5), f.interceptError(), EPS);
    }

    @Test
    void rSquaredIsOneOnALineAndUndefinedForTwoPoints() {
        LinearFit line = LinearFit.fit(new double[] {0.1, 0.2, 0.4}, new double[] {1.3, 1.6, 2.2}, new double[] {1, 5, 2});
        assertEquals(3.0, line.slope(), 1e-12);
        assertEquals(1.0, line.intercept(), 1e-12);
        assertEquals(1.0, line.rSquared(), 1e-12);
        LinearFit two = LinearFit.fit(new double[] {1, 2}, new double[] {1, 3}, new double[] {1, 1});
        assertEquals(2.0, two.slope(), EPS);
        assertTrue(Double.isNaN(two.rSquared()));
    }

    @Test
    void weightedStraightLineEqualsTheFitOfRepeatedPoints() {
        LinearFit weighted = LinearFit.fit(new double[] {1, 2, 3, 4}, new double[] {3, 5, 7, 9.5}, new double[] {1, 2, 1, 1});
        LinearFit repeated = LinearFit.fit(new double[] {1, 2, 2, 3, 4}, new double[] {3, 5, 5, 7, 9.5},
                new double[] {1, 1, 1, 1, 1});
        assertEquals(repeated.slope(), weighted.slope(), EPS);
        assertEquals(repeated.intercept(), weighted.intercept(), EPS);
        assertEquals(repeated.rSquared(), weighted.rSquared(), EPS);
    }

    @Test
    void jackknifeOfAMeanIsTheStandardError() {
        // Leave-one-out means of {1, 2, 3, 4}: 3, 8/3, 7/3, 2; error √(3/4 · 5/9) = √(5/12) = s/√4 with s² = 5/3.
        double[] loo = {3, 8.0 / 3, 7.0 / 3, 2};
        assertEquals(Math.sqrt(5.0 / 12), Jackknife.error(loo), EPS);
        assertEquals(Math.sqrt(5.0 / 3) / 2, Jackknife.error(loo), EPS);
        assertTrue(Double.isNaN(Jackknife.error(new double[] {1.0})));
    }
}

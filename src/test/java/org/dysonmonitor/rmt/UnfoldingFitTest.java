package org.dysonmonitor.rmt;

import org.apache.commons.math3.analysis.polynomials.PolynomialFunction;
import org.apache.commons.math3.fitting.PolynomialCurveFitter;
import org.apache.commons.math3.fitting.WeightedObservedPoints;
import org.apache.commons.math3.random.MersenneTwister;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct (Chebyshev normal equations) unfolding fit against Commons Math's iterative
 * {@link PolynomialCurveFitter} (Levenberg-Marquardt on the monomial basis), which computed the
 * unfolding before: both minimise the same sum of squares over the same polynomials, so the fitted
 * staircase must agree to the iterative fitter's convergence tolerance on fixed spectra.
 */
class UnfoldingFitTest {

    /** ξ_i of the monomial fit by Commons Math on t = (2x − x_0 − x_{n−1})/(x_{n−1} − x_0). */
    private static double[] iterativeFit(double[] x, int degree) {
        int n = x.length;
        double centre = 0.5 * (x[0] + x[n - 1]);
        double halfWidth = 0.5 * (x[n - 1] - x[0]);
        WeightedObservedPoints points = new WeightedObservedPoints();
        for (int i = 0; i < n; i++) {
            points.add((x[i] - centre) / halfWidth, i + 0.5);
        }
        PolynomialFunction p = new PolynomialFunction(PolynomialCurveFitter.create(degree).fit(points.toList()));
        double[] xi = new double[n];
        for (int i = 0; i < n; i++) {
            xi[i] = p.value((x[i] - centre) / halfWidth);
        }
        return xi;
    }

    private static void assertSameFit(double[] x, int degree) {
        double[] direct = Spacings.smoothCountingFunction(x, degree);
        double[] iterative = iterativeFit(x, degree);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(direct[i] - iterative[i]));
        }
        // ξ runs over [0, n]; the iterative fitter stops at a relative cost change of ~1e-10, so the
        // two agree to far below one unfolded spacing (1) but not to the last digit.
        assertTrue(worst <= 1e-6 * x.length, "degree " + degree + ", n = " + x.length + ": max |Δξ| = " + worst);
    }

    @Test
    void agreesWithIterativeFitOnWishartAndGoeSpectra() {
        MersenneTwister rng = new MersenneTwister(11);
        for (int n : new int[]{30, 120, 400}) {
            double[] wishart = BulkTestSpectra.wishart(2 * n, n, 1.0, rng);
            double[] square = BulkTestSpectra.wishart(n, n, 1.0, rng);
            double[] goe = BulkTestSpectra.goe(n, rng);
            for (int degree = 1; degree <= Spacings.MAX_UNFOLDING_DEGREE; degree++) {
                assertSameFit(wishart, degree);
                assertSameFit(Spacings.nonZero(square, Spacings.ZERO_TOLERANCE), degree);
                assertSameFit(goe, degree);
            }
        }
    }

    @Test
    void agreesWithIterativeFitOnDegenerateLevels() {
        // Pairs of exactly equal levels: half as many distinct abscissae, the same projection.
        MersenneTwister rng = new MersenneTwister(5);
        double[] base = BulkTestSpectra.wishart(120, 60, 1.0, rng);
        double[] doubled = new double[2 * base.length];
        for (int i = 0; i < base.length; i++) {
            doubled[2 * i] = base[i];
            doubled[2 * i + 1] = base[i];
        }
        assertSameFit(doubled, Spacings.defaultDegree(doubled.length));
    }

    @Test
    void fewerDistinctLevelsThanCoefficientsInterpolateTheirMeans() {
        // Three distinct levels, degree 5: the projection is the parabola through the mean staircase
        // heights of the three groups, (0.5+1.5)/2 = 1, 2.5, (3.5+4.5+5.5)/3 = 4.5.
        double[] x = {1, 1, 2, 3, 3, 3};
        double[] xi = Spacings.smoothCountingFunction(x, 5);
        double[] expected = {1, 1, 2.5, 4.5, 4.5, 4.5};
        for (int i = 0; i < x.length; i++) {
            assertEquals(expected[i], xi[i], 1e-12, Arrays.toString(xi));
        }
    }
}

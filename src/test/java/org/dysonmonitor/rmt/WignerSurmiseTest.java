package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;

import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.analysis.integration.UnivariateIntegrator;
import org.apache.commons.math3.distribution.WeibullDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class WignerSurmiseTest {

    /** Tail beyond s = 12 is exp(−36π) ≈ 1e-49: [0, 12] is [0, ∞) to double precision. */
    private static final double S_MAX = 12.0;
    private static final int SAMPLES = 2000;
    private static final double ALPHA = 1e-3;

    private static double integrate(DoubleUnaryOperator f, double lo, double hi) {
        UnivariateIntegrator integrator = new IterativeLegendreGaussIntegrator(8, 1e-14, 1e-15);
        return integrator.integrate(1_000_000, f::applyAsDouble, lo, hi);
    }

    @Test
    void pdfIsNormalisedWithUnitMeanAndSecondMomentFourOverPi() {
        assertEquals(1.0, integrate(WignerSurmise::pdf, 0, S_MAX), 1e-12);
        assertEquals(1.0, integrate(s -> s * WignerSurmise.pdf(s), 0, S_MAX), 1e-12);
        assertEquals(4.0 / Math.PI, integrate(s -> s * s * WignerSurmise.pdf(s), 0, S_MAX), 1e-12);
        assertEquals(1.2732395447351628, WignerSurmise.MEAN_S_SQUARED, 1e-15);
    }

    @Test
    void cdfIsTheIntegralOfThePdf() {
        for (double s : new double[] {0.01, 0.1, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0}) {
            assertEquals(integrate(WignerSurmise::pdf, 0, s), WignerSurmise.cdf(s), 1e-13, "s = " + s);
        }
        assertEquals(0.0, WignerSurmise.cdf(-1.0));
        assertEquals(0.0, WignerSurmise.pdf(-1.0));
        // Level repulsion: F(s) ≈ π s²/4 at small s, kept to full relative precision by expm1.
        assertEquals(Math.PI / 4 * 1e-16, WignerSurmise.cdf(1e-8), 1e-30);
    }

    @Test
    void cdfIsWeibullWithShapeTwoAndScaleTwoOverRootPi() {
        WeibullDistribution weibull = new WeibullDistribution(2.0, 2.0 / Math.sqrt(Math.PI));
        for (int k = 0; k <= 100; k++) {
            double s = 0.05 * k;
            assertEquals(weibull.cumulativeProbability(s), WignerSurmise.cdf(s), 1e-15);
            assertEquals(weibull.density(s), WignerSurmise.pdf(s), 1e-14);
        }
    }

    @Test
    void quantileInvertsCdf() {
        for (int k = 0; k < 100; k++) {
            double p = 0.01 * k;
            assertEquals(p, WignerSurmise.cdf(WignerSurmise.quantile(p)), 1e-14);
        }
        assertEquals(Double.POSITIVE_INFINITY, WignerSurmise.quantile(1.0));
    }

    @Test
    void ksDistanceSeparatesSurmiseFromPoissonSamples() {
        RandomGenerator rng = new Well19937c(20240723L);
        double[] wigner = new double[SAMPLES];
        double[] poisson = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            wigner[i] = WignerSurmise.quantile(rng.nextDouble());
            poisson[i] = PoissonSpacing.quantile(rng.nextDouble());
        }
        // Tolerance: exact KS critical value at α = 1e-3 for n = 2000 i.i.d. draws (≈ 0.043).
        double critical = KolmogorovSmirnov.criticalValue(SAMPLES, ALPHA);
        assertTrue(WignerSurmise.ksDistance(wigner) < critical);
        // Poisson draws: D(sample, Wigner) ≥ D∞ − D(sample, Poisson) > D∞ − critical (triangle
        // inequality, probability 1 − α), D∞ = sup|F_Wigner − F_Poisson| ≈ 0.21 from a fine grid.
        double dInfinity = 0;
        for (int k = 0; k <= 100_000; k++) {
            double s = 1e-4 * k;
            dInfinity = Math.max(dInfinity, Math.abs(WignerSurmise.cdf(s) - PoissonSpacing.cdf(s)));
        }
        assertTrue(PoissonSpacing.ksDistance(poisson) < critical);
        assertTrue(WignerSurmise.ksDistance(poisson) > dInfinity - critical);
    }
}

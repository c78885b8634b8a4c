package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;

import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class PoissonSpacingTest {

    /** Tail beyond s = 60 is e^{−60} ≈ 1e-26: [0, 60] is [0, ∞) to double precision. */
    private static final double S_MAX = 60.0;
    private static final int SAMPLES = 2000;

    private static double integrate(DoubleUnaryOperator f, double lo, double hi) {
        return new IterativeLegendreGaussIntegrator(8, 1e-14, 1e-15)
                .integrate(1_000_000, f::applyAsDouble, lo, hi);
    }

    @Test
    void pdfIsNormalisedWithUnitMeanAndSecondMomentTwo() {
        assertEquals(1.0, integrate(PoissonSpacing::pdf, 0, S_MAX), 1e-12);
        assertEquals(1.0, integrate(s -> s * PoissonSpacing.pdf(s), 0, S_MAX), 1e-12);
        assertEquals(PoissonSpacing.MEAN_S_SQUARED,
                integrate(s -> s * s * PoissonSpacing.pdf(s), 0, S_MAX), 1e-12);
    }

    @Test
    void cdfAndQuantileMatchTheUnitExponential() {
        ExponentialDistribution exponential = new ExponentialDistribution(1.0);
        for (int k = 1; k <= 200; k++) {
            double s = 0.05 * k;
            assertEquals(exponential.cumulativeProbability(s), PoissonSpacing.cdf(s), 1e-15);
            assertEquals(exponential.density(s), PoissonSpacing.pdf(s), 1e-15);
            assertEquals(integrate(PoissonSpacing::pdf, 0, s), PoissonSpacing.cdf(s), 1e-13);
        }
        for (int k = 0; k < 100; k++) {
            double p = 0.01 * k;
            assertEquals(p, PoissonSpacing.cdf(PoissonSpacing.quantile(p)), 1e-15);
        }
        assertEquals(0.0, PoissonSpacing.cdf(-0.5));
        assertEquals(0.0, PoissonSpacing.pdf(-0.5));
    }

    @Test
    void ksDistanceAcceptsExponentialAndRejectsWignerSamples() {
        RandomGenerator rng = new Well19937c(7L);
        double[] poisson = new double[SAMPLES];
        double[] wigner = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            poisson[i] = PoissonSpacing.quantile(rng.nextDouble());
            wigner[i] = WignerSurmise.quantile(rng.nextDouble());
        }
        // Tolerance: exact KS critical value at α = 1e-3 for n = 2000 (≈ 0.043); Wigner draws sit
        // ≈ 0.21 = sup|F_Wigner − F_Poisson| away, so they must exceed the critical value.
        double critical = KolmogorovSmirnov.criticalValue(SAMPLES, 1e-3);
        assertTrue(PoissonSpacing.ksDistance(poisson) < critical);
        assertTrue(PoissonSpacing.ksDistance(wigner) > critical);
    }
}

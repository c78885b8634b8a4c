package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.RealDistribution;
import org.apache.commons.math3.distribution.UniformRealDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class KolmogorovSmirnovTest {

    /** Commons Math's implementation, the reference. */
    private static final org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest COMMONS =
            new org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest();

    @Test
    void distanceEqualsCommonsMathStatistic() {
        RandomGenerator rng = new Well19937c(11L);
        RealDistribution[] laws = {
            new NormalDistribution(0, 1), new ExponentialDistribution(2.0), new UniformRealDistribution(-1, 3)
        };
        for (RealDistribution law : laws) {
            for (int n : new int[] {2, 3, 10, 137, 1000}) {
                double[] sample = new double[n];
                for (int i = 0; i < n; i++) {
                    // Draw from a shifted law too, so D_n is not always small.
                    sample[i] = law.inverseCumulativeProbability(rng.nextDouble()) + (n % 2) * 0.3;
                }
                double[] copy = sample.clone();
                double d = KolmogorovSmirnov.distance(sample, law::cumulativeProbability);
                assertEquals(COMMONS.kolmogorovSmirnovStatistic(law, sample), d, 1e-12);
                assertArrayEquals(copy, sample, "sample must not be modified");
            }
        }
    }

    @Test
    void distanceIsExactWithTies() {
        // Values rounded to 0.1 produce many ties; the sup is still attained at a jump of F_n.
        RandomGenerator rng = new Well19937c(12L);
        NormalDistribution law = new NormalDistribution(0, 1);
        double[] sample = new double[500];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = Math.rint(10 * rng.nextGaussian()) / 10;
        }
        assertEquals(COMMONS.kolmogorovSmirnovStatistic(law, sample),
                KolmogorovSmirnov.distance(sample, law::cumulativeProbability), 1e-12);
        // A single point: D_1 = max(1 − F(x), F(x)).
        assertEquals(0.75, KolmogorovSmirnov.distance(new double[] {0.25}, x -> x), 1e-15);
        assertTrue(Double.isNaN(KolmogorovSmirnov.distance(new double[0], x -> x)));
    }

    @Test
    void criticalValueTendsToTheAsymptoticCoefficient() {
        assertEquals(1.3581, KolmogorovSmirnov.asymptoticCoefficient(0.05), 1e-4);
        assertEquals(1.6276, KolmogorovSmirnov.asymptoticCoefficient(0.01), 1e-4);
        assertEquals(1.9495, KolmogorovSmirnov.asymptoticCoefficient(0.001), 1e-4);
        // The finite-n correction to √n·d_α is O(1/√n) (Pelz-Good), so 1/√n bounds it.
        for (int n : new int[] {200, 1000, 10000}) {
            for (double alpha : new double[] {0.05, 0.01, 0.001}) {
                double scaled = Math.sqrt(n) * KolmogorovSmirnov.criticalValue(n, alpha);
                double c = KolmogorovSmirnov.asymptoticCoefficient(alpha);
                assertTrue(scaled < c && scaled > c - 1 / Math.sqrt(n), "n=" + n + " α=" + alpha);
            }
        }
    }

    @Test
    void criticalValueHasTheNominalSize() {
        // 4000 uniform samples of n = 50 (the small-n Marsaglia-Tsang-Wang branch) at α = 0.05:
        // rejections ~ Binomial(4000, 0.05), mean 200, s.d. 13.8; tolerance 4 s.d.
        int trials = 4000;
        int n = 50;
        double alpha = 0.05;
        double critical = KolmogorovSmirnov.criticalValue(n, alpha);
        RandomGenerator rng = new Well19937c(13L);
        double[] sample = new double[n];
        int rejected = 0;
        for (int t = 0; t < trials; t++) {
            for (int i = 0; i < n; i++) {
                sample[i] = rng.nextDouble();
            }
            if (KolmogorovSmirnov.distance(sample, x -> x) >= critical) {
                rejected++;
            }
        }
        double expected = trials * alpha;
        assertEquals(expected, rejected, 4 * Math.sqrt(expected * (1 - alpha)));
    }

    @Test
    void rejectsInvalidArguments() {
        assertThrows(IllegalArgumentException.class, () -> KolmogorovSmirnov.criticalValue(0, 0.05));
        assertThrows(IllegalArgumentException.class, () -> KolmogorovSmirnov.criticalValue(10, 0.0));
        assertThrows(IllegalArgumentException.class, () -> KolmogorovSmirnov.criticalValue(10, 1.0));
        assertThrows(IllegalArgumentException.class, () -> KolmogorovSmirnov.asymptoticCoefficient(-1));
    }
}

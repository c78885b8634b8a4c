package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;

import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class MarchenkoPasturTest {

    private static final double ALPHA = 1e-3;

    /**
     * ∫_{x₋}^{x} f(t) P(t) dt via t = x₋ + h(1 − cos θ) = x₋ + 2h sin²(θ/2) (h: half-width of the
     * support), dt = h sin θ dθ. The substitution removes the square-root edges (and the 1/√t hard
     * edge at r = 1), leaving a smooth integrand for Gauss-Legendre; sin² avoids the cancellation
     * of 1 − cos θ at small θ.
     */
    private static double integrateDensity(MarchenkoPastur law, DoubleUnaryOperator f, double x) {
        double h = 0.5 * (law.upperEdge() - law.lowerEdge());
        double thetaMax = 2 * Math.asin(Math.sqrt(Math.min(1, (x - law.lowerEdge()) / (2 * h))));
        return new IterativeLegendreGaussIntegrator(8, 1e-14, 1e-15).integrate(1_000_000, theta -> {
            double half = Math.sin(0.5 * theta);
            double t = law.lowerEdge() + 2 * h * half * half;
            return f.applyAsDouble(t) * law.density(t) * h * Math.sin(theta);
        }, 0, thetaMax);
    }

    /** Spiked model W + Σ_k θ_k u_k v_kᵀ with orthonormal u_k ∈ ℝ^M, v_k ∈ ℝ^N. */
    private static void addSpikes(DMatrixRMaj w, double[] strengths, RandomGenerator rng) {
        double[][] u = orthonormal(w.numRows, strengths.length, rng);
        double[][] v = orthonormal(w.numCols, strengths.length, rng);
        for (int k = 0; k < strengths.length; k++) {
            for (int i = 0; i < w.numRows; i++) {
                for (int j = 0; j < w.numCols; j++) {
                    w.add(i, j, strengths[k] * u[k][i] * v[k][j]);
                }
            }
        }
    }

    /** k random orthonormal vectors of ℝ^n (Gram-Schmidt of Gaussian vectors). */
    private static double[][] orthonormal(int n, int k, RandomGenerator rng) {
        double[][] q = new double[k][n];
        for (int a = 0; a < k; a++) {
            for (int i = 0; i < n; i++) {
                q[a][i] = rng.nextGaussian();
            }
            for (int b = 0; b < a; b++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += q[a][i] * q[b][i];
                }
                for (int i = 0; i < n; i++) {
                    q[a][i] -= dot * q[b][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += q[a][i] * q[a][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                q[a][i] /= norm;
            }
        }
        return q;
    }

    @Test
    void edgesMatchThePhysicsReference() {
        // physics.md §1: M = 2000, N = 1000, σ² = 1/M gives x± = (1 ± 1/√2)² = 0.0858, 2.914.
        MarchenkoPastur law = new MarchenkoPastur(2000, 1000, 1.0 / 2000);
        assertEquals(0.0858, law.lowerEdge(), 5e-5);
        assertEquals(2.914, law.upperEdge(), 5e-4);
        assertEquals(Math.pow(1 - Math.sqrt(0.5), 2), law.lowerEdge(), 1e-15);
        assertEquals(Math.pow(1 + Math.sqrt(0.5), 2), law.upperEdge(), 1e-15);
        assertEquals(0.5, law.ratio());
        // N > M: the non-zero spectra of WᵀW and WWᵀ agree, so the law is the same.
        MarchenkoPastur swapped = new MarchenkoPastur(1000, 2000, 1.0 / 2000);
        assertEquals(2000, swapped.rows());
        assertEquals(1000, swapped.cols());
        assertEquals(law.upperEdge(), swapped.upperEdge(), 0);
        assertEquals(law.cdf(1.0), swapped.cdf(1.0), 0);
    }

    @Test
    void densityIsNormalisedWithMeanMSigmaSquaredAndVarianceR() {
        for (MarchenkoPastur law : new MarchenkoPastur[] {
            new MarchenkoPastur(2000, 1000, 1.0 / 2000),
            new MarchenkoPastur(500, 500, 0.01),
            new MarchenkoPastur(1000, 10, 2.0)}) {
            double scale = law.mean(); // Mσ²
            assertEquals(1.0, integrateDensity(law, t -> 1, law.upperEdge()), 1e-12, law.toString());
            assertEquals(scale, integrateDensity(law, t -> t, law.upperEdge()), 1e-12 * scale);
            // ⟨λ²⟩ = 1 + r in units λ = x/(Mσ²).
            assertEquals(scale * scale * (1 + law.ratio()),
                    integrateDensity(law, t -> t * t, law.upperEdge()), 1e-12 * scale * scale);
        }
    }

    @Test
    void closedFormCdfIsTheIntegralOfTheDensity() {
        // Required accuracy 1e-8; the closed form is checked against quadrature to 1e-12.
        for (MarchenkoPastur law : new MarchenkoPastur[] {
            new MarchenkoPastur(2000, 1000, 1.0 / 2000),
            new MarchenkoPastur(300, 300, 1.0),
            new MarchenkoPastur(1000, 3, 1.0)}) {
            for (int k = 1; k <= 100; k++) {
                double x = law.lowerEdge() + (law.upperEdge() - law.lowerEdge()) * k / 100.0;
                assertEquals(integrateDensity(law, t -> 1, x), law.cdf(x), 1e-12, law + " x=" + x);
            }
        }
    }

    @Test
    void cdfIsClampedAndMonotone() {
        for (MarchenkoPastur law : new MarchenkoPastur[] {
            new MarchenkoPastur(2000, 1000, 1.0 / 2000), new MarchenkoPastur(500, 500, 1.0 / 500)}) {
            double lo = law.lowerEdge();
            double hi = law.upperEdge();
            assertEquals(0.0, law.cdf(lo - 1));
            assertEquals(0.0, law.cdf(lo));
            assertEquals(1.0, law.cdf(hi));
            assertEquals(1.0, law.cdf(hi + 1));
            assertEquals(0.0, law.density(lo - 1e-3));
            assertEquals(0.0, law.density(hi + 1e-3));
            // Strictly monotone on a 10⁵ grid and on a fine grid within 1e-9·x₊ of each edge.
            double previous = 0;
            for (int k = 1; k <= 100_000; k++) {
                double f = law.cdf(lo + (hi - lo) * k / 100_000.0);
                assertTrue(f > previous, "not increasing at k = " + k);
                previous = f;
            }
            previous = 0;
            for (int k = 1; k <= 10_000; k++) {
                double f = law.cdf(lo + 1e-9 * hi * k / 10_000.0);
                assertTrue(f >= previous);
                previous = f;
            }
            previous = law.cdf(hi - 1e-9 * hi);
            for (int k = 9_999; k >= 0; k--) {
                double f = law.cdf(hi - 1e-9 * hi * k / 10_000.0);
                assertTrue(f >= previous);
                previous = f;
            }
        }
    }

    @Test
    void squareMatrixHasAHardEdgeAtZero() {
        MarchenkoPastur law = new MarchenkoPastur(500, 500, 1.0 / 500);
        assertEquals(0.0, law.lowerEdge());
        assertEquals(4.0, law.upperEdge(), 1e-15);
        // Near 0 the density is 1/(π√x) (units Mσ² = 1), so F(x) = (2/π)√x (1 − O(x)).
        for (double x : new double[] {1e-12, 1e-8, 1e-4}) {
            assertEquals(1 / (Math.PI * Math.sqrt(x)), law.density(x), 1e-3 / Math.sqrt(x));
            assertEquals(2 / Math.PI * Math.sqrt(x), law.cdf(x), 2 * x);
        }
        double[] eigenvalues = BulkTestSpectra.wishart(500, 500, 1.0 / 500, new Well19937c(500L));
        assertTrue(law.ksDistance(eigenvalues) < KolmogorovSmirnov.criticalValue(500, ALPHA));
        MarchenkoPastur fitted = MarchenkoPastur.fit(500, 500, eigenvalues);
        assertEquals(1.0 / 500, fitted.variance(), 0.05 / 500);
    }

    @Test
    void quantileInvertsTheCdf() {
        MarchenkoPastur law = new MarchenkoPastur(2000, 1000, 1.0 / 2000);
        assertEquals(law.lowerEdge(), law.quantile(0), 0);
        assertEquals(law.upperEdge(), law.quantile(1), 0);
        for (int k = 1; k < 100; k++) {
            assertEquals(k / 100.0, law.cdf(law.quantile(k / 100.0)), 1e-12);
        }
        // The median scales linearly in σ², which fit() relies on.
        assertEquals(3 * law.median(), new MarchenkoPastur(2000, 1000, 3.0 / 2000).median(), 1e-13);
    }

    @Test
    void wishartSpectrumFollowsTheLawUpToItsEdges() {
        int m = 1000;
        int n = 500;
        MarchenkoPastur law = new MarchenkoPastur(m, n, 1.0 / m);
        double[] x = BulkTestSpectra.wishart(m, n, 1.0 / m, new Well19937c(1000L));
        double[] copy = x.clone();
        // Tolerance: the i.i.d. KS critical value at α = 1e-3 (≈ 0.087). It is conservative: eigenvalues
        // are rigid (empirical-cdf fluctuations O(ln N / N), not O(1/√N)), and the finite-N
        // corrections to the cdf are O(1/N) (edges smeared over N^{-2/3} where the density is
        // O(N^{-1/3})). The observed D is ≈ 0.005.
        assertTrue(law.ksDistance(x) < KolmogorovSmirnov.criticalValue(n, ALPHA));
        assertArrayEquals(copy, x, 0);
        // Extreme eigenvalues: Tracy-Widom, x_max = x₊ + σ_TW·TW₁ (Johnstone 2001), and the analogue
        // at the soft lower edge with σ_low = σ²(√M − √N)(1/√N − 1/√M)^{1/3}. TW₁ lies in [−6, 6]
        // with probability > 1 − 1e-4, so 6 scales is the tolerance.
        double sigmaLow = (Math.sqrt(m) - Math.sqrt(n)) * Math.cbrt(1 / Math.sqrt(n) - 1 / Math.sqrt(m)) / m;
        assertEquals(law.upperEdge(), x[n - 1], 6 * law.tracyWidomScale());
        assertEquals(law.lowerEdge(), x[0], 6 * sigmaLow);
        // Bulk eigenvalues above x₊ are rare fluctuations, never several TW scales out.
        assertEquals(0, law.countAbove(x, 2.0));
    }

    @Test
    void fitRecoversTheVarianceDespiteSpikesAndCountAboveFindsThem() {
        int m = 1000;
        int n = 500;
        double variance = 1.0 / m;
        RandomGenerator rng = new Well19937c(3L);
        DMatrixRMaj w = BulkTestSpectra.gaussian(m, n, variance, rng);
        // Signal singular values θ = 3, 4, 5 (noise edge 1 + √r ≈ 1.71): outliers at
        // (1 + θ²)(r + θ²)/θ² ≈ 10.6, 17.5, 26.5, far beyond x₊ ≈ 2.91 (BBP threshold θ = r^{1/4}).
        addSpikes(w, new double[] {3, 4, 5}, rng);
        double[] x = BulkTestSpectra.gramEigenvalues(w);

        MarchenkoPastur fitted = MarchenkoPastur.fit(m, n, x);
        MarchenkoPastur truth = new MarchenkoPastur(m, n, variance);
        // Tolerance, to first order: |F_N − F| ≤ D everywhere, so the sample median m̂ has
        // |F(m̂) − ½| ≤ D + 1/(2N), i.e. |m̂ − x_med| ≤ (D + 1/(2N))/P(x_med); since σ̂² ∝ m̂,
        // |σ̂²/σ² − 1| ≤ (D + 1/(2N)) / (x_med P(x_med)). D includes the spikes' k/N.
        double median = truth.median();
        double d = truth.ksDistance(x);
        double tolerance = (d + 0.5 / n) / (median * truth.density(median));
        assertEquals(1.0, fitted.variance() / variance, tolerance);
        assertTrue(tolerance < 0.05, "a few per cent, got " + tolerance);

        assertEquals(3, fitted.countAbove(x));
        assertEquals(3, fitted.countAbove(x, 2.0));
        assertEquals(3, truth.countAbove(x));
        assertTrue(x[n - 4] < fitted.upperEdge() + 2 * fitted.tracyWidomScale());
    }

    @Test
    void fitWithoutSpikes() {
        double[] x = BulkTestSpectra.wishart(800, 400, 2.5, new Well19937c(4L));
        MarchenkoPastur truth = new MarchenkoPastur(800, 400, 2.5);
        double median = truth.median();
        double tolerance = (truth.ksDistance(x) + 0.5 / 400) / (median * truth.density(median));
        assertEquals(2.5, MarchenkoPastur.fit(800, 400, x).variance(), 2.5 * tolerance);
        assertEquals(MarchenkoPastur.fit(800, 400, x).variance(),
                MarchenkoPastur.fit(400, 800, x).variance(), 0);
    }

    @Test
    void rejectsInvalidArguments() {
        assertThrows(IllegalArgumentException.class, () -> new MarchenkoPastur(0, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> new MarchenkoPastur(5, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new MarchenkoPastur(5, 5, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> MarchenkoPastur.fit(10, 5, new double[4]));
        assertThrows(IllegalArgumentException.class,
                () -> MarchenkoPastur.fit(10, 3, new double[] {3, 2, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> MarchenkoPastur.fit(10, 3, new double[] {0, 0, 1}));
        assertThrows(IllegalArgumentException.class, () -> new MarchenkoPastur(5, 5, 1).quantile(1.5));
    }
}

package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Drift and diffusion against processes whose drift and noise are known. Every tolerance is five standard
 * errors computed here from the AR(1) sampling theory of the estimator (n pairs, lag coefficient a):
 * SE(â) = √((1 − a²)/n), SE(σ̂²) = σ²√(2(1 + a²)/((1 − a²)n)), SE(s²) = s²√(2/n), and Madras–Sokal for τ_int.
 */
class KramersMoyalFitTest {

    private static final int N = 200_000;

    /** Snapshots of an exact Ornstein–Uhlenbeck process, rate Ω per update, every Δ updates. */
    private static double[] ornsteinUhlenbeck(long seed, int n, double rate, long delta, double fixed, double variance) {
        SplittableRandom rng = new SplittableRandom(seed);
        double a = Math.exp(-rate * delta);
        double innovation = Math.sqrt(variance * (1 - a * a));
        double[] x = new double[n];
        x[0] = fixed + Math.sqrt(variance) * rng.nextGaussian();
        for (int k = 1; k < n; k++) {
            x[k] = fixed + a * (x[k - 1] - fixed) + innovation * rng.nextGaussian();
        }
        return x;
    }

    private static long[] steps(int n, long delta) {
        long[] s = new long[n];
        for (int k = 0; k < n; k++) {
            s[k] = 1000 + k * delta;
        }
        return s;
    }

    private static double tauError(double tauSnapshots, int n) {
        double window = Math.ceil(AutocorrelationTime.DEFAULT_WINDOW_FACTOR * tauSnapshots);
        return tauSnapshots * Math.sqrt(2 * (2 * window + 1) / n);
    }

    /**
     * OU with Ω = 0.05 per update sampled every Δ = 10 updates (ΩΔ = 0.5, far from the small-Δ limit): Ω, g²,
     * σ², x_s and τ come back, and the small-Δ forms (1 − a)/Δ and s²/(2Δ) are excluded.
     */
    @Test
    void ornsteinUhlenbeckSampledCoarselyGivesBackRateDiffusionVarianceAndTau() {
        double rate = 0.05;
        long delta = 10;
        double variance = 0.04;
        double fixed = 2.0;
        double[] x = ornsteinUhlenbeck(11, N, rate, delta, fixed, variance);
        ModeDynamics m = KramersMoyalFit.fit(3, steps(N, delta), x, N, 16, 3.0);

        double a = Math.exp(-rate * delta);
        double phi = Math.exp(-rate);
        double seA = Math.sqrt((1 - a * a) / N);
        double seRate = seA / (a * delta);
        assertEquals(3, m.mode());
        assertEquals(delta, m.interval());
        // Every pair whose x_n lies within ±3 s.d.: a Gaussian's 99.73 % (± 5 binomial SE, + 0.1 % for the
        // correlation of the series).
        double inRange = 0.9973 * (N - 1);
        assertEquals(inRange, m.pairs(), 5 * Math.sqrt(inRange * 0.0027) + 0.001 * N, "pairs within the range");
        assertEquals(rate, m.rate(), 5 * seRate, "Omega");
        assertEquals(phi - 1, m.driftSlope(), 5 * phi * seRate, "drift slope per update");
        assertEquals(1 / rate, m.relaxationUpdates(), 5 * seRate / (rate * rate), "1/Omega");
        // the estimator's own error agrees with the sampling theory
        assertEquals(seRate, m.rateError(), 0.1 * seRate);

        double seVariance = variance * Math.sqrt(2 * (1 + a * a) / ((1 - a * a) * N));
        assertEquals(variance, m.measuredVariance(), 5 * seVariance, "measured variance");
        // s² = σ²(1 − a²) has relative error √(2/n); σ² = s²/(1 − a²) adds 2a SE(â)/(1 − a²)
        double sePredicted = variance * Math.hypot(Math.sqrt(2.0 / N), 2 * a * seA / (1 - a * a));
        assertEquals(variance, m.predictedVariance(), 5 * sePredicted, "predicted variance");

        double g2 = 0.5 * variance * (1 - phi * phi);
        double dLog = 2 * phi * phi / (1 - phi * phi) - 2 * delta * a * a / (1 - a * a);
        double seG2 = g2 * Math.hypot(Math.sqrt(2.0 / N), dLog * seRate);
        assertEquals(g2, m.diffusion(), 5 * seG2, "g^2 per update");
        assertEquals(rate * variance, m.continuumDiffusion(), 5 * rate * variance * (seRate / rate + sePredicted / variance));

        double tauSnapshots = (1 + a) / (2 * (1 - a));
        assertEquals(delta * tauSnapshots, m.predictedAutocorrelationUpdates(), 5 * delta * tauError(tauSnapshots, N));
        assertEquals(delta * tauSnapshots, m.autocorrelationUpdates(), 5 * delta * tauError(tauSnapshots, N),
                "measured tau_int in updates");
        assertEquals(fixed, m.fixedPoint(), 5 * Math.sqrt(variance * 2 * tauSnapshots / N), "fixed point");

        // The small-Δ approximations are wrong here by far more than the errors.
        double naiveRate = (1 - a) / delta;
        assertTrue(Math.abs(m.rate() - naiveRate) > 20 * seRate, "small-Delta rate " + naiveRate + " vs " + m.rate());
        double naiveG2 = variance * (1 - a * a) / (2 * delta);
        assertTrue(Math.abs(m.diffusion() - naiveG2) > 20 * seG2, "small-Delta g^2 " + naiveG2 + " vs " + m.diffusion());
    }

    /**
     * A discrete AR(1) per update, x_{t+1} = x_t − 0.1(x_t − x_s) + √(2g²)η with g² = 0.002, snapshot every
     * update: drift slope −0.1 exactly, Ω = −ln 0.9, g² = 0.002, σ² = 2g²/(1 − 0.81).
     */
    @Test
    void discreteAr1GivesBackDriftSlopeAndDiffusionPerUpdate() {
        double slope = -0.1;
        double g2 = 0.002;
        double fixed = -1.5;
        SplittableRandom rng = new SplittableRandom(5);
        double[] x = new double[N];
        double phi = 1 + slope;
        double variance = 2 * g2 / (1 - phi * phi);
        x[0] = fixed;
        for (int t = 1; t < N; t++) {
            x[t] = x[t - 1] + slope * (x[t - 1] - fixed) + Math.sqrt(2 * g2) * rng.nextGaussian();
        }
        ModeDynamics m = KramersMoyalFit.fit(0, steps(N, 1), x, N, 16, 3.0);
        double seA = Math.sqrt((1 - phi * phi) / N);
        assertEquals(slope, m.driftSlope(), 5 * seA);
        assertEquals(-Math.log(phi), m.rate(), 5 * seA / phi);
        double seG2 = g2 * Math.hypot(Math.sqrt(2.0 / N), 0); // Δ = 1: g² = s²/2 exactly
        assertEquals(g2, m.diffusion(), 5 * seG2 + 1e-12);
        double seVariance = variance * Math.sqrt(2 * (1 + phi * phi) / ((1 - phi * phi) * N));
        assertEquals(variance, m.measuredVariance(), 5 * seVariance);
        assertEquals(variance, m.predictedVariance(), 5 * variance * Math.hypot(Math.sqrt(2.0 / N), 2 * phi * seA / (1 - phi * phi)));
        double tau = (1 + phi) / (2 * (1 - phi));
        assertEquals(tau, m.autocorrelationUpdates(), 5 * tauError(tau, N));
        assertEquals(fixed, m.fixedPoint(), 5 * Math.sqrt(variance * 2 * tau / N));
    }

    /**
     * A non-linear drift K(u) = −0.05u − 2u³ (u = x − 1, per update, Δ = 1, g² = 10⁻³): each well-filled bin's
     * conditional mean increment equals K at the bin's mean x within 5 of its standard errors plus the
     * within-bin curvature K''·Var_bin/2 ≤ 12|u|·(w²/12)/2 (w the bin width).
     */
    @Test
    void binnedDriftFollowsANonLinearDrift() {
        SplittableRandom rng = new SplittableRandom(23);
        int n = 400_000;
        double g2 = 1e-3;
        double[] x = new double[n];
        x[0] = 1;
        for (int t = 1; t < n; t++) {
            double u = x[t - 1] - 1;
            x[t] = x[t - 1] - 0.05 * u - 2 * u * u * u + Math.sqrt(2 * g2) * rng.nextGaussian();
        }
        ModeDynamics m = KramersMoyalFit.fit(0, steps(n, 1), x, n, 16, 3.0);
        double width = 6 * Math.sqrt(m.measuredVariance()) / 16;
        int checked = 0;
        for (DriftBin b : m.bins()) {
            if (b.count() < 2000) {
                continue;
            }
            double u = b.x() - 1;
            double expected = -0.05 * u - 2 * u * u * u;
            double curvature = 12 * Math.abs(u) * width * width / 24;
            assertEquals(expected, b.driftPerUpdate(), 5 * b.driftError() + curvature, "bin at x = " + b.x());
            assertEquals(2 * g2, b.incrementVariance(), 5 * 2 * g2 * Math.sqrt(2.0 / b.count()) + expected * expected);
            checked++;
        }
        assertTrue(checked >= 8, "bins checked: " + checked);
        // the local slope at the mean is the linear coefficient plus the cubic's average over the fitted range
        assertTrue(m.driftSlope() < -0.05, "slope " + m.driftSlope());
    }

    /**
     * A live layer's window that still holds its approach: the drift −Ω·tanh(x − x_s) per update (Ω = 0.07,
     * linear within the stationary width σ = 0.22, a constant pull of 0.07 per update far away), from 5 below
     * x_s, Δ = 2, 3 500 snapshots. The approach's 35 far pairs, fitted at their long lever arm, would flatten
     * the line; the fit of the pairs within 3 robust s.d. of the median gives back Ω within 4 SE and the
     * fixed point within 4 SE.
     */
    @Test
    void anApproachFromFarAwayDoesNotFlattenTheFit() {
        SplittableRandom rng = new SplittableRandom(31);
        double omega = 0.07;
        double sigma = 0.22;
        double fixed = 5.2;
        long delta = 2;
        int n = 3500;
        double phi = Math.exp(-omega);
        double noise = sigma * Math.sqrt(1 - phi * phi);
        double[] x = new double[n];
        double v = fixed - 5;
        for (int k = 0; k < n; k++) {
            x[k] = v;
            for (int t = 0; t < delta; t++) {
                v += -omega * Math.tanh(v - fixed) + noise * rng.nextGaussian();
            }
        }
        ModeDynamics m = KramersMoyalFit.fit(9, steps(n, delta), x, n, 16, 3.0);
        assertEquals(omega, m.rate(), 4 * m.rateError(), "rate, slope per update " + m.driftSlope());
        assertEquals(fixed, m.fixedPoint(), 4 * m.fixedPointError());
        assertTrue(m.bins().stream().allMatch(b -> b.x() > fixed - 1), "no bin of the approach: " + m.bins());
    }

    /** Dropped snapshots (a gap of 2Δ) do not enter the fit: the lag stays Δ and Ω is unchanged. */
    @Test
    void gapsAreLeftOut() {
        long delta = 4;
        int n = 56_000;
        double[] full = ornsteinUhlenbeck(3, n, 0.02, delta, 0.0, 1.0);
        long[] fullSteps = steps(n, delta);
        int kept = n - n / 7;
        double[] x = new double[kept];
        long[] s = new long[kept];
        int j = 0;
        for (int k = 0; k < n && j < kept; k++) {
            if (k % 7 != 6) { // every 7th snapshot was dropped
                x[j] = full[k];
                s[j++] = fullSteps[k];
            }
        }
        ModeDynamics withGaps = KramersMoyalFit.fit(0, s, x, j, 16, 3.0);
        assertEquals(delta, withGaps.interval());
        // Pairs across a gap are skipped; of the rest, those within ±3 s.d. are fitted (a Gaussian's 99.73 %).
        // (+ 0.1 %: the series is correlated, so fewer values are independent than the binomial error assumes.)
        double fitted = 0.9973 * (j - 1 - n / 7);
        assertEquals(fitted, withGaps.pairs(), 5 * Math.sqrt(fitted * 0.0027) + 0.001 * j, "pairs across a gap are skipped");
        double a = Math.exp(-0.02 * delta);
        double seRate = Math.sqrt((1 - a * a) / withGaps.pairs()) / (a * delta);
        assertEquals(0.02, withGaps.rate(), 5 * seRate);
    }
}

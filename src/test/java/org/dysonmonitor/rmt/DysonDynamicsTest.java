package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DysonDynamicsTest {

    @Test
    void smallLayersTrackEveryModeLargeOnesTheTopAndAnEvenBulkSubset() {
        assertArrayEquals(new int[] {0, 1, 2}, TrackedModes.select(3, 64));
        int[] big = TrackedModes.select(1000, 64);
        assertEquals(64, big.length);
        for (int j = 1; j < big.length; j++) {
            assertTrue(big[j] > big[j - 1], "ascending and distinct");
        }
        assertEquals(0, big[0]);
        assertEquals(999, big[63]);
        assertEquals(1000 - 32, big[32], "the 32 largest modes");
        assertEquals(1000 - 33, big[31], "the bulk subset ends just below the top modes");
        assertThrows(IllegalArgumentException.class, () -> TrackedModes.select(10, 1));
    }

    /**
     * Two OU modes (rates 0.02 and 0.2 per update, Δ = 2) streamed through a window of 20 000 snapshots out
     * of 50 000: each mode's fit is the fit of its last 20 000 snapshots, and gives back its own rate within
     * 5 SE (SE(â) = √((1 − a²)/n)).
     */
    @Test
    void theWindowHoldsTheLatestSnapshotsOfEachTrackedMode() {
        int window = 20_000;
        long delta = 2;
        DysonDynamics dynamics = new DysonDynamics(2, new DysonDynamics.Config(window, 16, 3.0, 64, 3.0));
        SplittableRandom rng = new SplittableRandom(9);
        double[] rates = {0.02, 0.2};
        double[] centres = {1.0, 5.0};
        double[] x = centres.clone();
        int total = 50_000;
        double[][] kept = new double[2][window];
        long[] keptSteps = new long[window];
        for (int k = 0; k < total; k++) {
            for (int i = 0; i < 2; i++) {
                double a = Math.exp(-rates[i] * delta);
                x[i] = centres[i] + a * (x[i] - centres[i]) + 0.01 * Math.sqrt(1 - a * a) * rng.nextGaussian();
            }
            dynamics.add(k * delta, x);
            if (k >= total - window) {
                keptSteps[k - (total - window)] = k * delta;
                kept[0][k - (total - window)] = x[0];
                kept[1][k - (total - window)] = x[1];
            }
        }
        DysonDynamics.Report report = dynamics.measure(100.0);
        assertEquals(2, report.modes().size());
        for (int i = 0; i < 2; i++) {
            ModeDynamics m = report.modes().get(i);
            assertEquals(KramersMoyalFit.fit(i, keptSteps, kept[i], window, 16, 3.0), m);
            double a = Math.exp(-rates[i] * delta);
            assertEquals(rates[i], m.rate(), 5 * Math.sqrt((1 - a * a) / window) / (a * delta));
        }
        assertEquals(0.0, report.eta().updates(), "stationary modes are inside their bands");
        assertThrows(IllegalArgumentException.class, () -> dynamics.add(0, x), "steps must increase");
        assertThrows(IllegalArgumentException.class, () -> dynamics.add(total * delta, new double[3]));
    }

    /**
     * A mode relaxing from 100σ (Ω = 0.01 per update, σ = 0.01, Δ = 5): the ETA measured 200 updates in is
     * checked against the step at which the simulated mode really first entered its 3σ band, over 40 seeds.
     * The ETA is the time for the mean distance to reach 3σ. The first entry of the noisy mode scatters
     * about it by the noise over the approach speed, σ/(3σΩ) = 1/(3Ω) ≈ 33 updates (correlated over 1/Ω, so
     * single runs differ by up to ≈ 70), and comes earlier on average (the noise reaches into the band before
     * the mean does): the mean entry must lie within 3 standard errors of the mean ETA, minus at most 1/(3Ω).
     */
    @Test
    void etaToTheStationaryBandMatchesWhenTheModeGotThere() {
        double rate = 0.01;
        double sigma = 0.01;
        long delta = 5;
        int seeds = 40;
        double sumEta = 0;
        double sumDiff = 0;
        double sumDiff2 = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            DysonDynamics dynamics = new DysonDynamics(1, DysonDynamics.Config.defaults());
            double a = Math.exp(-rate * delta);
            double x = 3.0 + 100 * sigma;
            long step = 0;
            double[] one = new double[1];
            ConvergenceEta eta = null;
            long entered = -1;
            while (entered < 0) {
                x = 3.0 + a * (x - 3.0) + sigma * Math.sqrt(1 - a * a) * rng.nextGaussian();
                step += delta;
                one[0] = x;
                dynamics.add(step, one);
                if (step == 200) {
                    eta = dynamics.measure(50.0).eta();
                }
                if (eta != null && Math.abs(x - 3.0) <= 3 * sigma) {
                    entered = step - 200;
                }
            }
            assertTrue(eta.updates() > 0);
            assertEquals(eta.updates() / 50.0, eta.seconds(), 1e-12);
            assertEquals(0, eta.slowestMode());
            double diff = entered - eta.updates();
            assertTrue(Math.abs(diff) < 3 / rate, "seed " + seed + ": ETA " + eta.updates() + ", entered after " + entered);
            sumEta += eta.updates();
            sumDiff += diff;
            sumDiff2 += diff * diff;
        }
        double meanDiff = sumDiff / seeds;
        double se = Math.sqrt((sumDiff2 / seeds - meanDiff * meanDiff) / (seeds - 1));
        assertTrue(meanDiff <= 3 * se && meanDiff >= -1 / (3 * rate) - 3 * se,
                "mean entry − ETA = " + meanDiff + " ± " + se + " updates (mean ETA " + sumEta / seeds + ")");
    }

    /** A random walk has no restoring drift: no fixed point, no ETA. */
    @Test
    void noRestoringDriftGivesNoEta() {
        SplittableRandom rng = new SplittableRandom(4);
        DysonDynamics dynamics = new DysonDynamics(1, DysonDynamics.Config.defaults());
        double x = 0;
        for (int k = 0; k < 4000; k++) {
            x += 0.01 + 0.001 * rng.nextGaussian(); // drifting away, never returning
            dynamics.add(k, new double[] {x});
        }
        ConvergenceEta eta = dynamics.measure(10.0).eta();
        assertTrue(Double.isNaN(eta.updates()), "ETA " + eta.updates());
        assertTrue(Double.isNaN(eta.seconds()));
        assertEquals(-1, eta.slowestMode());
    }
}

package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hysteresis of the layer's decisions on synthetic series near their thresholds: the number of toggles
 * is bounded, and a real change is still detected within the stated delay.
 */
class ConvergenceHysteresisTest {

    private static final int MODES = 10;
    private static final int L = StationarityDetector.DEFAULT_BLOCK_LENGTH;
    private static final int K = StationarityDetector.DEFAULT_BLOCKS;
    private static final int P = K / 2;

    /**
     * Ten stationary modes, one of them an AR(1) with correlation time 33 snapshots (the RBM's κ = 8 mode
     * against blocks of 10): its block means are correlated (lag-one ≈ 0.74), so its trend statistic passes
     * z_exit = 6 far more often than Student's t₁₈ allows, in runs of a few evaluations. Over 60 000
     * snapshots (6 000 evaluations) a detector exiting on the first evaluation above z_exit toggles many
     * times; with P = K/2 consecutive evaluations it changes state at most once per P evaluations above
     * z_exit (a deterministic bound, checked), and in fact far less often.
     *
     * <p>Then the slow mode starts to drift to a far new fixed point (a relaxation much slower than the window
     * is a line in it) by 40 of its standard deviations per window. The one-evaluation detector leaves once
     * the drift is far enough inside the window for t &gt; z_exit (within K/2 blocks); t then only grows, so
     * the persistent detector leaves P − 1 evaluations later: the stated delay, (P − 1)·L snapshots more.
     * (A clean step is not such a change: its residuals about the window's line grow with it, so t stays
     * near 4–5 whatever its height; the detector is built for trends.)
     */
    @Test
    void slowCorrelatedNoiseNoLongerTogglesStationarityAndAStepIsStillDetected() {
        double phi = Math.exp(-1.0 / 33);
        double sd = 0.1;
        int n = 60_000;
        StationarityDetector once = new StationarityDetector(MODES, L, K, 4, 6);
        StationarityDetector persistent = new StationarityDetector(MODES, L, K, 4, 6, P);
        SplittableRandom rng = new SplittableRandom(21);
        double slow = 0;
        double[] x = new double[MODES];
        int togglesOnce = 0;
        int togglesPersistent = 0;
        int above = 0;
        boolean previousOnce = false;
        boolean previousPersistent = false;
        for (int i = 1; i <= n; i++) {
            slow = phi * slow + sd * Math.sqrt(1 - phi * phi) * rng.nextGaussian();
            fill(x, rng, slow, 0);
            boolean a = once.add(x);
            boolean b = persistent.add(x);
            togglesOnce += a != previousOnce ? 1 : 0;
            togglesPersistent += b != previousPersistent ? 1 : 0;
            previousOnce = a;
            previousPersistent = b;
            if (i % L == 0 && persistent.maxStatistic() > 6) {
                above++;
            }
        }
        assertTrue(togglesOnce >= 20, "the scenario must make the one-evaluation exit toggle: " + togglesOnce);
        assertTrue(togglesPersistent <= 2 * (above / P) + 1, "bound: " + togglesPersistent + " for " + above);
        assertTrue(togglesPersistent <= togglesOnce / 5, togglesPersistent + " against " + togglesOnce);

        // Bring both detectors into a stationary period, then step the slow mode.
        int settle = 0;
        while (!(persistent.stationary() && once.stationary())) {
            slow = phi * slow + sd * Math.sqrt(1 - phi * phi) * rng.nextGaussian();
            fill(x, rng, slow, 0);
            once.add(x);
            persistent.add(x);
            assertTrue(++settle < 20_000, "both detectors must be stationary again");
        }
        double drift = 40 * sd / (K * L);
        int delayOnce = -1;
        int delayPersistent = -1;
        for (int i = 1; i <= 3 * K * L; i++) {
            slow = phi * slow + sd * Math.sqrt(1 - phi * phi) * rng.nextGaussian();
            fill(x, rng, slow, drift * i);
            if (!once.add(x) && delayOnce < 0) {
                delayOnce = i;
            }
            if (!persistent.add(x) && delayPersistent < 0) {
                delayPersistent = i;
            }
        }
        assertTrue(delayOnce > 0 && delayOnce <= K / 2 * L, "one-evaluation exit after " + delayOnce);
        assertTrue(delayPersistent > 0 && delayPersistent <= delayOnce + (P - 1) * L,
                "exit after " + delayPersistent + ", one-evaluation exit after " + delayOnce);
    }

    /**
     * Spectra whose window means sit 15 % (RMS) from the target, the tolerance, with noise: the distance
     * crosses the tolerance back and forth. The layer's converged flag (exit at 1.2 × the tolerance) changes
     * at most twice, where the stateless decision "stationary and within tolerance" of the same series
     * toggles many times. Then the spectrum moves to 30 % off: the distance of the window means passes
     * 1.2 × 15 % once a fifth of the K blocks hold the new level (0.15 + 0.15f > 0.18), so converged drops
     * within K/5 + 1 blocks.
     */
    @Test
    void aLayerNearItsTargetToleranceNoLongerTogglesConvergedAndAMoveAwayIsStillDetected() {
        double[] target = new double[MODES];
        for (int m = 0; m < MODES; m++) {
            target[m] = 1.0 + 0.5 * m;
        }
        LayerStatistics.Config config = LayerStatistics.Config.defaults();
        LayerStatistics layer = new LayerStatistics("r", "W", MODES, MODES, target, config);
        StationarityDetector reference = new StationarityDetector(MODES, L, K, 4, 6, P);
        SplittableRandom rng = new SplittableRandom(5);
        double[] x = new double[MODES];
        int togglesLayer = 0;
        int togglesStateless = 0;
        boolean previousLayer = false;
        boolean previousStateless = false;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            spectrum(x, target, 1.15, rng);
            boolean converged = layer.update(i, new Spectrum(MODES, MODES, x), 0.1, 16).converged();
            reference.add(x);
            boolean stateless = reference.converged(target, config.targetTolerance());
            togglesLayer += converged != previousLayer ? 1 : 0;
            togglesStateless += stateless != previousStateless ? 1 : 0;
            previousLayer = converged;
            previousStateless = stateless;
        }
        assertTrue(togglesStateless >= 20, "the scenario must sit on the tolerance: " + togglesStateless);
        assertTrue(togglesLayer <= 2, "converged toggled " + togglesLayer + " times");
        assertTrue(previousLayer, "a layer at its tolerance is converged");
        int delay = -1;
        for (int i = 1; i <= K * L; i++) {
            spectrum(x, target, 1.30, rng);
            if (!layer.update(n + i, new Spectrum(MODES, MODES, x), 0.1, 16).converged() && delay < 0) {
                delay = i;
            }
        }
        assertTrue(delay > 0 && delay <= (K / 5 + 1) * L, "converged dropped after " + delay);
    }

    /** Mode 0 slow (plus an offset), the others independent with s.d. 0.1 around 1 + 0.5m. */
    private static void fill(double[] x, SplittableRandom rng, double slow, double step) {
        x[0] = 1.0 + slow + step;
        for (int m = 1; m < MODES; m++) {
            x[m] = 1.0 + 0.5 * m + 0.1 * rng.nextGaussian();
        }
    }

    /** target × scale with a per-mode noise of 2 % of the target, sorted (a spectrum). */
    private static void spectrum(double[] x, double[] target, double scale, SplittableRandom rng) {
        for (int m = 0; m < MODES; m++) {
            x[m] = target[m] * scale * (1 + 0.02 * rng.nextGaussian());
        }
        Arrays.sort(x);
    }
}

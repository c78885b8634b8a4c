package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ForecastInstabilityTest {

    private static final RelaxationForecast.Detector DETECTOR = RelaxationForecast.Detector.defaults();

    /** Block means of a + b·s((j − u_m)/τ) plus independent noise of s.d. sigma, j = 0 … count − 1. */
    private static double[] logistic(int count, double a, double b, double inflection, double tau, double sigma,
                                     long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] y = new double[count];
        for (int j = 0; j < count; j++) {
            y[j] = a + b / (1 + Math.exp(-(j - inflection) / tau)) + sigma * rng.nextGaussian();
        }
        return y;
    }

    private static List<RelaxationForecast.Mode> fits(double[][] means, int count) {
        List<RelaxationForecast.Mode> fits = new ArrayList<>();
        for (int m = 0; m < means.length; m++) {
            fits.add(RelaxationForecast.of(m, means[m], count, DETECTOR));
        }
        return fits;
    }

    /**
     * A mode that follows the logistic exactly (with small noise) is forecast the same whether the newest 10
     * or 20 blocks are known or not: the fits of the shorter windows find the same curve, so T_h = T_0 to a
     * small fraction of the lead, and the hindsight error is small against it.
     */
    @Test
    void aCurveTheModelDescribesDoesNotMove() {
        int count = 60;
        double[][] means = {logistic(count, 0, 1, 30, 8, 1e-4, 1)};
        List<RelaxationForecast.Mode> fits = fits(means, count);
        ForecastInstability h = ForecastInstability.of(fits, means, count, DETECTOR);
        double lead = fits.get(0).arrival();
        assertTrue(lead > 20, "the arrival lies ahead: " + lead);
        assertEquals(lead, h.now(), 0);
        for (double t : h.arrival()) {
            assertEquals(lead, t, 0.05 * lead);
        }
        assertTrue(h.error() < 0.05 * lead, "error " + h.error() + " of a lead " + lead);
    }

    /**
     * A curve the logistic misdescribes: growth at rate 1/4 per block, then relaxation at 1/16 (the approach
     * x∞ − (x∞ − x_c)e^{−(j − j_c)/16} after the crossing point). One logistic rate fits the growth and the
     * tail differently as the tail lengthens, so the refits without the newest blocks forecast another arrival
     * (by more than a block), and the error is their RMS distance from the full fit's, computed here from
     * refits made independently.
     */
    @Test
    void aMisdescribedCurveMovesAndTheErrorIsTheRmsOfTheMoves() {
        int count = 70;
        double[] y = new double[count];
        SplittableRandom rng = new SplittableRandom(3);
        for (int j = 0; j < count; j++) {
            double growth = 1 / (1 + Math.exp(-(j - 30) / 4.0));
            y[j] = j <= 30 ? growth : 1 - 0.5 * Math.exp(-(j - 30) / 16.0);
            y[j] += 1e-3 * rng.nextGaussian();
        }
        double[][] means = {y};
        List<RelaxationForecast.Mode> fits = fits(means, count);
        ForecastInstability h = ForecastInstability.of(fits, means, count, DETECTOR);
        double sum = 0;
        int[] holdBack = h.holdBack();
        for (int i = 0; i < holdBack.length; i++) {
            double t = RelaxationForecast.of(0, y, count - holdBack[i], DETECTOR).arrival() - holdBack[i];
            assertEquals(t, h.arrival()[i], 1e-9, "hold-back " + holdBack[i]);
            sum += (t - h.now()) * (t - h.now());
        }
        assertEquals(Math.sqrt(sum / holdBack.length), h.error(), 1e-9);
        assertTrue(h.error() > 1, "the forecast moved by " + h.error() + " blocks");
    }

    /**
     * The layer's hindsight arrival is the latest of its slowest modes': with a fast mode (already relaxed)
     * and a slow one, it is the slow mode's refit; too short a window for a hold-back leaves it unknown.
     */
    @Test
    void theLayerArrivalIsTheSlowestModesAndShortWindowsAreUnknown() {
        int count = 25;
        double[][] means = {logistic(count, 0, 1, -20, 1, 1e-3, 5), logistic(count, 0, 1, 12, 6, 1e-3, 6)};
        List<RelaxationForecast.Mode> fits = fits(means, count);
        ForecastInstability h = ForecastInstability.of(fits, means, count, DETECTOR);
        assertEquals(fits.get(1).arrival(), h.now(), 0);
        int[] holdBack = h.holdBack();
        for (int i = 0; i < holdBack.length; i++) {
            if (count - holdBack[i] < RelaxationForecast.MIN_BLOCKS) {
                assertTrue(Double.isNaN(h.arrival()[i]), "hold-back " + holdBack[i]);
            } else {
                double slow = RelaxationForecast.of(1, means[1], count - holdBack[i], DETECTOR).arrival();
                double fast = RelaxationForecast.of(0, means[0], count - holdBack[i], DETECTOR).arrival();
                assertEquals(Math.max(slow, fast) - holdBack[i], h.arrival()[i], 1e-9);
            }
        }
        assertEquals(Double.NaN, ForecastInstability.NONE.error());
    }
}

package org.dysonmonitor.rmt;

import java.util.Arrays;
import java.util.List;

/**
 * How far the layer's forecast arrival moves as data come in, measured in hindsight on the window itself:
 * each of the slowest modes is refitted ({@link RelaxationForecast}) without its newest h block means, and
 * the layer's noise-free arrival T_h = max over those modes of (arrival_h − h), in blocks from the newest
 * complete block, is compared with T_0 of the full fits.
 *
 * <p><b>Why.</b> A forecast's error has three parts: the detector's noisy decision given the fitted curves
 * (the spread of {@link DetectorSimulation}'s paths), the fit's parameter uncertainty, and the curve's
 * misspecification (one logistic rate for the growth and the relaxation of a learned mode). The paths hold
 * only the first. The last two show up as the forecast moving when blocks are added: T_h − T_0 is exactly
 * what the forecast made h blocks ago (on the same data) would have missed by, had the forecast now been
 * right. If the forecast is updated like a martingale (each block moves it by an amount uncorrelated with the
 * earlier moves), its remaining error over the next h blocks has the variance of the last h blocks' move;
 * the RMS of T_h − T_0 over h = {@code HOLD_BACK} is that error, up to the lead of the forecast.
 *
 * <p>Immutable; computing it costs {@value #SLOWEST} × {@code HOLD_BACK.length} fits of at most the window's
 * blocks (the slowest modes only: a fast mode does not set the arrival).
 *
 * @param holdBack blocks left out, ascending
 * @param arrival  T_h for each hold-back (NaN where fewer than {@value RelaxationForecast#MIN_BLOCKS} blocks
 *                 would remain, or beyond the horizon)
 * @param now      T_0, the full fits' layer arrival in blocks
 */
public record ForecastInstability(int[] holdBack, double[] arrival, double now) {

    /**
     * Blocks left out: 10 and 20 (1 000 and 2 000 updates at 10 snapshots a block, 10 updates apart, the leads
     * at which a user reads an ETA). Chosen among ten sets on the RBM's demo runs (README, "Convergence and its
     * ETA"): {10, 20} covered the miss 1 000–1 500 updates ahead in 57–65 % of the runs and 500 or 2 500 ahead
     * in 72–77 %; {5, 10, 20} and {3, 5, 7, 10, 15, 20} 52–60 % at 1 000–1 500; sets reaching 30–40 blocks
     * 79–88 % at 500 (too wide).
     */
    static final int[] HOLD_BACK = {10, 20};

    /** Modes refitted: those with the latest arrivals. */
    static final int SLOWEST = 4;

    /** Nothing measured. */
    public static final ForecastInstability NONE = new ForecastInstability(new int[0], new double[0], Double.NaN);

    public ForecastInstability {
        holdBack = holdBack.clone();
        arrival = arrival.clone();
    }

    @Override
    public int[] holdBack() {
        return holdBack.clone();
    }

    @Override
    public double[] arrival() {
        return arrival.clone();
    }

    /** The RMS of T_h − T_0 over the known hold-backs, in blocks; NaN when none is known. */
    public double error() {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < holdBack.length; i++) {
            if (Double.isFinite(arrival[i]) && Double.isFinite(now)) {
                double d = arrival[i] - now;
                sum += d * d;
                n++;
            }
        }
        return n > 0 ? Math.sqrt(sum / n) : Double.NaN;
    }

    /**
     * Refits the slowest of {@code fits} on their block means without the newest h.
     *
     * @param fits     the full fits, one per tracked mode, in the order of {@code means}
     * @param means    each tracked mode's block means, oldest first, the same count for all
     * @param count    block means per mode
     * @param detector the detector forecast
     */
    static ForecastInstability of(List<RelaxationForecast.Mode> fits, double[][] means, int count,
                                  RelaxationForecast.Detector detector) {
        if (fits.isEmpty()) {
            return NONE;
        }
        Integer[] order = new Integer[fits.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Double.compare(fits.get(q).arrival(), fits.get(p).arrival()));
        double now = fits.get(order[0]).arrival();
        double[] arrival = new double[HOLD_BACK.length];
        for (int i = 0; i < HOLD_BACK.length; i++) {
            int h = HOLD_BACK[i];
            if (count - h < RelaxationForecast.MIN_BLOCKS) {
                arrival[i] = Double.NaN;
                continue;
            }
            double worst = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < Math.min(SLOWEST, order.length); k++) {
                int m = order[k];
                RelaxationForecast.Mode f = RelaxationForecast.of(fits.get(m).mode(), means[m], count - h, detector);
                worst = Math.max(worst, f.arrival() - h);
            }
            arrival[i] = Double.isFinite(worst) ? worst : Double.NaN;
        }
        return new ForecastInstability(HOLD_BACK, arrival, Double.isFinite(now) ? now : Double.NaN);
    }
}

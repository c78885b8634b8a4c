package org.dysonmonitor.rmt;

import java.util.List;

/**
 * The measured one-mode Dyson Brownian motion of one eigenvalue x (physics.md §2) over a window of
 * snapshots taken every Δ updates, read as an AR(1) process per update (see {@link KramersMoyalFit}):
 * <pre>
 *   x_{t+1} − x_s = φ (x_t − x_s) + √(2g²) η_t,   φ = e^{−Ω}   (t in updates)
 * </pre>
 * so that over Δ updates x_{n+1} − x_s = a (x_n − x_s) + ε_n with a = φ^Δ = e^{−ΩΔ} and
 * Var ε = σ²(1 − a²), σ² = 2g²/(1 − φ²) the stationary variance. All rates and times are per update.
 *
 * @param mode                       index of the eigenvalue in the ascending spectrum (0 = smallest)
 * @param driftSlope                 φ − 1 = e^{−Ω} − 1: slope of the conditional mean increment per
 *                                   update at the running mean (−Ω̂ to first order in Ω)
 * @param driftSlopeError            its standard error
 * @param rate                       Ω = −ln(a)/Δ, the relaxation rate per update (NaN when a ∉ (0, 1))
 * @param rateError                  its standard error
 * @param diffusion                  g² = ½ Var(x_{t+1} − x_t | x_t), per update, from the lag-Δ innovation
 *                                   variance: g² = ½ s² (1 − φ²)/(1 − a²)
 * @param diffusionError             its standard error (from s² and a, treated as independent)
 * @param fixedPoint                 x_s, where the fitted drift crosses zero
 * @param fixedPointError            its standard error
 * @param predictedVariance          σ² = 2g²/(1 − φ²) from drift and diffusion (the exact discrete form;
 *                                   the continuum form g²/Ω agrees to O(Ω))
 * @param predictedVarianceError     its standard error
 * @param measuredVariance           the variance of x over the same window
 * @param measuredVarianceError      its standard error, σ²√(2(1 + a²)/((1 − a²) n)) for an AR(1)
 * @param relaxationUpdates          1/Ω
 * @param predictedAutocorrelationUpdates Δ·(1 + a)/(2(1 − a)): the integrated autocorrelation time, in
 *                                   updates, that the snapshots of this AR(1) process would show
 * @param autocorrelationUpdates     measured: Δ·τ_int of the window's series ({@link AutocorrelationTime})
 * @param autocorrelationError       its Madras–Sokal error, times Δ
 * @param latest                     the latest x of the mode
 * @param mean                       the window mean of x
 * @param pairs                      number of (x_n, x_{n+1}) pairs used (interval equal to Δ)
 * @param interval                   Δ, the snapshot interval in updates used by the fit
 * @param bins                       the binned conditional mean increments the drift was fitted through
 */
public record ModeDynamics(
        int mode,
        double driftSlope,
        double driftSlopeError,
        double rate,
        double rateError,
        double diffusion,
        double diffusionError,
        double fixedPoint,
        double fixedPointError,
        double predictedVariance,
        double predictedVarianceError,
        double measuredVariance,
        double measuredVarianceError,
        double relaxationUpdates,
        double predictedAutocorrelationUpdates,
        double autocorrelationUpdates,
        double autocorrelationError,
        double latest,
        double mean,
        int pairs,
        long interval,
        List<DriftBin> bins) {

    public ModeDynamics {
        bins = List.copyOf(bins);
    }

    /** The same fit under another mode index (a pair centre shown under its lower member). */
    public ModeDynamics withMode(int index) {
        return new ModeDynamics(index, driftSlope, driftSlopeError, rate, rateError, diffusion, diffusionError,
                fixedPoint, fixedPointError, predictedVariance, predictedVarianceError, measuredVariance,
                measuredVarianceError, relaxationUpdates, predictedAutocorrelationUpdates, autocorrelationUpdates,
                autocorrelationError, latest, mean, pairs, interval, bins);
    }

    /** Continuum diffusion g_c² = Ω σ² (the OU convention dx = −Ω(x − x_s)dt + √(2g_c²) dW). */
    public double continuumDiffusion() {
        return rate * predictedVariance;
    }

    /**
     * Whether the drift measurably restores x towards a fixed point: Ω &gt; 0 by more than two standard
     * errors, or faster than one snapshot interval (Ω = ∞).
     */
    public boolean restoring() {
        return rate == Double.POSITIVE_INFINITY || (rate > 0 && rate > 2 * rateError);
    }
}

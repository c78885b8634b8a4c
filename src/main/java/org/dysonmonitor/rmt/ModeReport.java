package org.dysonmonitor.rmt;

import java.util.List;

/**
 * One row of a layer's measured Dyson Brownian motion as the report shows it: a tracked mode's one-mode
 * fit ({@link ModeDynamics}), or, for a degenerate pair (l, l+1), the fit of the pair centre
 * (x_l + x_{l+1})/2, in which the members' mutual Coulomb force cancels, shown instead of the members'
 * own fits (an ordered member of a pair is not a one-mode process; see {@code DysonDynamics}).
 * All times per update unless named seconds.
 *
 * @param mode                            the mode's index (0 = smallest); for a pair centre the lower member
 * @param pair                            the pair's label "l-u" for a pair centre, null for a single mode
 * @param driftSlope                      e^{−Ω} − 1 ≈ −Ω, the slope of the mean increment per update
 * @param driftSlopeError                 its standard error
 * @param diffusion                       g², half the per-update increment variance
 * @param diffusionError                  its standard error
 * @param fixedPoint                      x_s, where the fitted drift vanishes
 * @param fixedPointError                 its standard error
 * @param predictedVariance               σ² = 2g²/(1 − e^{−2Ω}) from drift and diffusion
 * @param predictedVarianceError          its standard error
 * @param measuredVariance                the variance of x over the window
 * @param measuredVarianceError           its standard error
 * @param relaxationUpdates               1/Ω
 * @param relaxationSeconds               1/Ω divided by the run's update rate (NaN when unknown)
 * @param autocorrelationUpdates          Δ·τ_int measured on the window's series
 * @param autocorrelationError            its error
 * @param predictedAutocorrelationUpdates Δ(1 + a)/(2(1 − a)), what the snapshots of a one-mode process show
 * @param latest                          the latest x (centre for a pair)
 * @param mean                            the window mean
 * @param interval                        Δ, the snapshot interval in updates
 * @param bins                            the binned mean increments the drift line was fitted through
 */
public record ModeReport(int mode, String pair, double driftSlope, double driftSlopeError, double diffusion,
                         double diffusionError, double fixedPoint, double fixedPointError, double predictedVariance,
                         double predictedVarianceError, double measuredVariance, double measuredVarianceError,
                         double relaxationUpdates, double relaxationSeconds, double autocorrelationUpdates,
                         double autocorrelationError, double predictedAutocorrelationUpdates, double latest,
                         double mean, long interval, List<DriftBin> bins) {

    public ModeReport {
        bins = List.copyOf(bins);
    }

    /**
     * @param m                the fit (its mode is the row's mode)
     * @param pair             the pair label for a centre, null for a single mode
     * @param updatesPerSecond the run's update rate, NaN if unknown
     */
    public static ModeReport of(ModeDynamics m, String pair, double updatesPerSecond) {
        double seconds = updatesPerSecond > 0 ? m.relaxationUpdates() / updatesPerSecond : Double.NaN;
        return new ModeReport(m.mode(), pair, m.driftSlope(), m.driftSlopeError(), m.diffusion(), m.diffusionError(),
                m.fixedPoint(), m.fixedPointError(), m.predictedVariance(), m.predictedVarianceError(),
                m.measuredVariance(), m.measuredVarianceError(), m.relaxationUpdates(), seconds,
                m.autocorrelationUpdates(), m.autocorrelationError(), m.predictedAutocorrelationUpdates(), m.latest(),
                m.mean(), m.interval(), m.bins());
    }
}

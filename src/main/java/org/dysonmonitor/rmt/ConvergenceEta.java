package org.dysonmonitor.rmt;

import java.util.List;

/**
 * Time until every tracked mode is inside its stationary band, from its measured drift and diffusion.
 *
 * <p>A mode at distance d = |x − x_s| from its fixed point relaxes as d·e^{−Ωt} (linearised drift); it is
 * inside its band once d·e^{−Ωt} ≤ kσ, with σ² the predicted stationary variance. Hence, per mode,
 * <pre>
 *   t = ln(d/(kσ))/Ω  if d &gt; kσ,  else 0,
 * </pre>
 * and the layer's ETA is the largest t over the tracked modes. Unknown (NaN) when any mode has no
 * measurably restoring drift ({@link ModeDynamics#restoring()}: no fixed point to reach yet) or an undefined fit; the wall-clock ETA divides by
 * the measured update rate. The linearisation makes the ETA optimistic far from the fixed point when the
 * drift flattens there (the RBM's κ = 8 mode near x = 0).
 *
 * @param updates     ETA in updates (0 when converged, NaN when unknown)
 * @param seconds     ETA in seconds at {@code updatesPerSecond} (NaN when unknown or no rate given)
 * @param slowestMode mode that sets the ETA (−1 when unknown or no modes)
 * @param band        k, the band half-width in predicted standard deviations
 */
public record ConvergenceEta(double updates, double seconds, int slowestMode, double band) {

    /** Default k: outside 3σ a stationary Gaussian mode is 0.3 % of the time. */
    public static final double DEFAULT_BAND = 3.0;

    /**
     * @param modes            measured dynamics of the tracked modes
     * @param band             k &gt; 0
     * @param updatesPerSecond training updates per second (NaN or ≤ 0 if unknown)
     */
    public static ConvergenceEta of(List<ModeDynamics> modes, double band, double updatesPerSecond) {
        if (!(band > 0)) {
            throw new IllegalArgumentException("band must be > 0, got " + band);
        }
        double worst = modes.isEmpty() ? Double.NaN : 0;
        int slowest = -1;
        for (ModeDynamics m : modes) {
            double t = updatesToBand(m, band);
            if (Double.isNaN(t)) {
                return new ConvergenceEta(Double.NaN, Double.NaN, -1, band);
            }
            if (slowest < 0 || t > worst) {
                worst = t;
                slowest = m.mode();
            }
        }
        double seconds = updatesPerSecond > 0 ? worst / updatesPerSecond : Double.NaN;
        return new ConvergenceEta(worst, seconds, slowest, band);
    }

    /** ln(d/(kσ))/Ω for one mode, 0 inside the band, NaN without a restoring drift. */
    public static double updatesToBand(ModeDynamics m, double band) {
        if (!m.restoring() || !(m.predictedVariance() > 0) || Double.isNaN(m.fixedPoint())) {
            return Double.NaN;
        }
        double distance = Math.abs(m.latest() - m.fixedPoint());
        double width = band * Math.sqrt(m.predictedVariance());
        if (distance <= width) {
            return 0;
        }
        return Double.isInfinite(m.rate()) ? 0 : Math.log(distance / width) / m.rate();
    }
}

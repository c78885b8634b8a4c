package org.dysonmonitor.rmt;

import java.util.List;

/**
 * The layer's ETA to convergence: when its {@link StationarityDetector} is forecast to declare it converged,
 * from each mode's fitted relaxation ({@link RelaxationForecast}).
 *
 * <p>The detector needs every mode's trend statistic ≤ z_enter, at least K complete blocks, and (with a
 * target) RMS(window means − target) ≤ tol·RMS(target). So the arrival in blocks is the largest of the
 * modes' arrivals, at least K − n/L (n snapshots seen, L per block); with a target, it is moved on until the
 * fitted curves' window means are within tol (none: the asymptotes a + b miss the target, no forecast). The
 * arrival is rounded up to the detector's next evaluation (every L snapshots from its first), and converted
 * with Δ, the mean steps per snapshot of the window. Its error is the slowest mode's.
 *
 * @param updates     training updates until the detector declares convergence (0 once it has; NaN when
 *                    there is no forecast: no modes, an arrival beyond the horizon, or a missed target)
 * @param error       one standard error of {@code updates} (0 once converged; NaN when unknown)
 * @param seconds     {@code updates} at the measured update rate (NaN without one)
 * @param slowestMode the mode that sets the arrival (−1 when none does: converged, the K-block minimum, or
 *                    no forecast)
 */
public record ConvergenceForecast(double updates, double error, double seconds, int slowestMode) {

    /** Once the detector has declared convergence. */
    public static final ConvergenceForecast CONVERGED = new ConvergenceForecast(0, 0, 0, -1);

    /** No forecast. */
    public static final ConvergenceForecast UNKNOWN = new ConvergenceForecast(Double.NaN, Double.NaN, Double.NaN, -1);

    /**
     * @param modes            the tracked modes' forecasts
     * @param target           target values of the same modes in the same order, or null if none is known
     * @param tolerance        the detector's relative target tolerance
     * @param detector         the detector's settings
     * @param snapshots        snapshots the detector has seen
     * @param stepsPerSnapshot Δ
     * @param updatesPerSecond the run's update rate (NaN if unknown)
     */
    public static ConvergenceForecast of(List<RelaxationForecast.Mode> modes, double[] target, double tolerance,
                                         RelaxationForecast.Detector detector, long snapshots,
                                         double stepsPerSnapshot, double updatesPerSecond) {
        if (modes.isEmpty() || !(stepsPerSnapshot > 0)) {
            return UNKNOWN;
        }
        if (target != null && target.length != modes.size()) {
            throw new IllegalArgumentException(target.length + " target values for " + modes.size() + " modes");
        }
        int blockLength = detector.blockLength();
        double lead = Math.max(0, detector.blocks() - (double) snapshots / blockLength);
        double error = 0;
        int slowest = -1;
        for (RelaxationForecast.Mode m : modes) {
            if (!Double.isFinite(m.arrival())) {
                return UNKNOWN;
            }
            if (m.arrival() > lead) {
                lead = m.arrival();
                error = m.error();
                slowest = m.mode();
            }
        }
        if (target != null) {
            lead = nearTarget(modes, target, tolerance, detector.blocks(), lead);
            if (!Double.isFinite(lead)) {
                return UNKNOWN;
            }
        }
        double ahead = Math.ceil((snapshots + lead * blockLength) / blockLength - 1e-9) * blockLength - snapshots;
        double updates = Math.max(0, ahead) * stepsPerSnapshot;
        double updatesError = error * blockLength * stepsPerSnapshot;
        double seconds = updatesPerSecond > 0 ? updates / updatesPerSecond : Double.NaN;
        return new ConvergenceForecast(updates, updatesError, seconds, slowest);
    }

    /** The seconds' standard error at the same rate. */
    public double secondsError() {
        return updates == 0 ? 0 : error * seconds / updates;
    }

    /** The first lead ≥ {@code from} at which the fitted window means are within tolerance, or +∞. */
    private static double nearTarget(List<RelaxationForecast.Mode> modes, double[] target, double tolerance,
                                     int blocks, double from) {
        double scale = 0;
        double asymptote = 0;
        for (int i = 0; i < target.length; i++) {
            RelaxationForecast.Mode m = modes.get(i);
            scale += target[i] * target[i];
            double d = m.offset() + m.amplitude() - target[i];
            asymptote += d * d;
        }
        double limit = scale > 0 ? tolerance * tolerance * scale : tolerance * tolerance * target.length;
        if (asymptote > limit) {
            return Double.POSITIVE_INFINITY;
        }
        if (distance(modes, target, blocks, from) <= limit) {
            return from;
        }
        double below = from;
        double step = 1;
        double above = from + step;
        while (distance(modes, target, blocks, above) > limit) {
            below = above;
            step *= 2;
            above = from + step;
            if (step > RelaxationForecast.HORIZON_BLOCKS) {
                return Double.POSITIVE_INFINITY;
            }
        }
        while (above - below > 1e-3) {
            double mid = 0.5 * (below + above);
            if (distance(modes, target, blocks, mid) > limit) {
                below = mid;
            } else {
                above = mid;
            }
        }
        return above;
    }

    /** Σ(window mean − target)² over the modes at a lead. */
    private static double distance(List<RelaxationForecast.Mode> modes, double[] target, int blocks, double lead) {
        double ss = 0;
        for (int i = 0; i < target.length; i++) {
            double d = modes.get(i).windowMean(lead, blocks) - target[i];
            ss += d * d;
        }
        return ss;
    }
}

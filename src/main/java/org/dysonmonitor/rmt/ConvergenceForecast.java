package org.dysonmonitor.rmt;

import java.util.List;

/**
 * The layer's ETA to convergence: when its {@link StationarityDetector} is forecast to declare it converged,
 * from each mode's fitted relaxation ({@link RelaxationForecast}).
 *
 * <p>The detector needs every mode's trend statistic ≤ z_enter (or, once stationary, not P consecutive
 * evaluations above z_exit), at least K complete blocks, and (with a target) RMS(window means − target) ≤
 * tol·RMS(target). {@link DetectorSimulation} runs that decision forward on {@value DetectorSimulation#PATHS}
 * simulated futures of the tracked modes; the forecast is the median of their arrivals (in blocks, at the
 * detector's evaluations, the first one K − n/L blocks ahead while it has fewer than K), converted with Δ,
 * the mean steps per snapshot of the window. No forecast when a
 * fitted asymptote a + b misses the target, or when the median path has not converged within
 * {@value #HORIZON} blocks (or within the shorter reach that bounds the simulation's cost for many modes).
 *
 * <p><b>Its error</b> has two parts added in quadrature: half the paths' 16–84 % range (the spread of the
 * detector's noisy decision given the fitted curves), and the forecast's own instability
 * ({@link ForecastInstability}: how far the layer's arrival moves when the fits leave out their newest 10 and
 * 20 blocks), which stands for the fit's parameter uncertainty and the curve's misspecification, which the
 * paths, drawn about fixed fits, leave out. On the RBM's demo runs (four runs, 80 seeds each, 500–2 500
 * updates ahead) the first part alone covered the real miss in 20–41 % of the runs; with the second, in
 * 62–74 % (README, "Convergence and its ETA").
 *
 * <p><b>What it forecasts, and why.</b> The `converged` gauge is this detector's decision, so this is the
 * time a user will see it turn 1. It is later than the time at which every tracked mode is within kσ of
 * its fixed point ({@link ConvergenceEta}: ln(d/kσ)/Ω from the measured distance and relaxation rate, the
 * issue's first wording): once the modes are in their bands the detector still needs the relaxation's tail
 * to leave its K-block window (the trend within it must fall to z_enter standard errors) and K complete
 * blocks. The band time is a lower bound of the gauge's time, by about the window's length.
 *
 * @param updates     training updates until the detector declares convergence (0 once it has; NaN when
 *                    there is no forecast: no modes, an arrival beyond the horizon, or a missed target)
 * @param error       one standard error of {@code updates}, √(detectorError² + modelError²) (0 once
 *                    converged; NaN when unknown)
 * @param seconds     {@code updates} at the measured update rate (NaN without one)
 * @param slowestMode the mode that sets the arrival (−1 when none does: converged, the K-block minimum, or
 *                    no forecast)
 * @param detectorError half the 16–84 % range of the simulated arrivals, in updates
 * @param modelError    the RMS move of the arrival in hindsight ({@link ForecastInstability#error()}), in updates
 *                      (NaN when the window is too short for it: the error is then {@code detectorError})
 */
public record ConvergenceForecast(double updates, double error, double seconds, int slowestMode,
                                  double detectorError, double modelError) {

    /** Once the detector has declared convergence. */
    public static final ConvergenceForecast CONVERGED = new ConvergenceForecast(0, 0, 0, -1, 0, 0);

    /** No forecast. */
    public static final ConvergenceForecast UNKNOWN = new ConvergenceForecast(Double.NaN, Double.NaN, Double.NaN, -1,
            Double.NaN, Double.NaN);

    /** The last lead simulated, in blocks: 1 024 blocks, 10 240 snapshots at 10 a block. */
    static final int HORIZON = 1024;

    /**
     * @param modes            the tracked modes' forecasts
     * @param instability      the same fits' hindsight moves ({@link DysonDynamics#instability}), or
     *                         {@link ForecastInstability#NONE}
     * @param target           target values of the same modes in the same order, or null if none is known
     * @param tolerance        the detector's relative target tolerance
     * @param detector         the detector's settings
     * @param snapshots        snapshots the detector has seen
     * @param stationary       whether the detector is stationary now (its hysteresis: it then only has to stay)
     * @param stepsPerSnapshot Δ
     * @param updatesPerSecond the run's update rate (NaN if unknown)
     */
    public static ConvergenceForecast of(List<RelaxationForecast.Mode> modes, ForecastInstability instability,
                                         double[] target, double tolerance,
                                         RelaxationForecast.Detector detector, long snapshots, boolean stationary,
                                         double stepsPerSnapshot, double updatesPerSecond) {
        if (modes.isEmpty() || !(stepsPerSnapshot > 0)) {
            return UNKNOWN;
        }
        if (target != null && target.length != modes.size()) {
            throw new IllegalArgumentException(target.length + " target values for " + modes.size() + " modes");
        }
        int blockLength = detector.blockLength();
        double slowestArrival = 0;
        int slowest = -1;
        for (RelaxationForecast.Mode m : modes) {
            if (Double.isNaN(m.arrival())) {
                return UNKNOWN;
            }
            if (m.arrival() > slowestArrival) {
                slowestArrival = m.arrival();
                slowest = m.mode();
            }
        }
        if (target != null && asymptoteMisses(modes, target, tolerance)) {
            return UNKNOWN;
        }
        long completed = snapshots / blockLength;
        int firstLead = (int) Math.max(1, detector.blocks() - Math.min(completed, detector.blocks()));
        int horizon = (int) Math.min(HORIZON, Math.max(4L * detector.blocks(),
                Math.ceil(3 * Math.min(slowestArrival, HORIZON)) + 2L * detector.blocks()));
        double[] leads = DetectorSimulation.leads(modes, target, tolerance, detector, firstLead, stationary, horizon);
        int paths = leads.length;
        double median = leads[paths / 2];
        if (!Double.isFinite(median)) {
            return UNKNOWN;
        }
        double low = leads[(int) Math.floor(0.16 * paths)];
        double high = leads[(int) Math.ceil(0.84 * paths) - 1];
        long fill = snapshots % blockLength;
        double updates = Math.max(0, median * blockLength - fill) * stepsPerSnapshot;
        double perBlock = blockLength * stepsPerSnapshot;
        double detectorError = Double.isFinite(high) ? 0.5 * (high - low) * perBlock : Double.NaN;
        double modelError = instability.error() * perBlock;
        double updatesError = Double.isFinite(modelError) ? Math.hypot(detectorError, modelError) : detectorError;
        double seconds = updatesPerSecond > 0 ? updates / updatesPerSecond : Double.NaN;
        return new ConvergenceForecast(updates, updatesError, seconds, slowest, detectorError, modelError);
    }

    /** The seconds' standard error at the same rate. */
    public double secondsError() {
        return updates == 0 ? 0 : error * seconds / updates;
    }

    /** Whether the fitted asymptotes a + b are farther from the target than the tolerance. */
    private static boolean asymptoteMisses(List<RelaxationForecast.Mode> modes, double[] target, double tolerance) {
        double scale = 0;
        double asymptote = 0;
        for (int i = 0; i < target.length; i++) {
            RelaxationForecast.Mode m = modes.get(i);
            scale += target[i] * target[i];
            double d = m.offset() + m.amplitude() - target[i];
            asymptote += d * d;
        }
        return asymptote > (scale > 0 ? tolerance * tolerance * scale : tolerance * tolerance * target.length);
    }
}

package org.dysonmonitor.rmt;

import java.util.List;

/**
 * A layer's measured Dyson Brownian motion at its latest measurement ({@link LayerDynamics}): one row per
 * tracked single mode and per degenerate-pair centre, the ETA to convergence, and the linear-scaling
 * what-ifs. Immutable; carried unchanged in the reports between two measurements.
 *
 * @param modes            the rows, ascending by mode
 * @param etaUpdates       updates until the layer's stationarity detector is forecast to declare it converged
 *                         ({@link ConvergenceForecast}); 0 once it has; NaN when there is no forecast
 * @param etaSeconds       the same in seconds at {@code updatesPerSecond}; NaN when either is unknown
 * @param etaMode          the mode whose relaxation sets the ETA (−1 when none does)
 * @param band             k of the stationary band kσ of the rows' {@link ConvergenceEta}
 * @param updatesPerSecond the run's measured update rate (steps per second of the recent snapshots), NaN
 *                         if unknown
 * @param measuredStep     step of the latest snapshot in the measurement (−1: not measured yet)
 * @param measuredSnapshot the layer's snapshot count at the measurement (0: not measured yet)
 * @param window           snapshots in the measured window
 * @param whatIf           the width and relaxation factors at other (α, |B|); empty when α or |B| is unknown
 * @param whatIfLinearLimit α/|B| up to which the sweep measured the linear rule within ≈ 8 %
 *                         ({@link LinearScalingWhatIf#MEASURED_LINEAR_LIMIT}): the bend beyond it
 * @param etaUpdatesError  one standard error of {@code etaUpdates} (NaN when unknown)
 * @param etaSecondsError  the same in seconds
 * @param etaBandUpdates   updates until every row (single modes and pair centres) is within {@code band}
 *                         predicted standard deviations of its fixed point ({@link ConvergenceEta}, from the
 *                         measured distance and relaxation rate): when the modes physically arrive, a lower
 *                         bound of {@code etaUpdates}; 0 when all are inside, NaN when a row has no restoring drift
 * @param etaBandSeconds   the same in seconds at {@code updatesPerSecond}; NaN when either is unknown
 */
public record DysonReport(List<ModeReport> modes, double etaUpdates, double etaSeconds, int etaMode, double band,
                          double updatesPerSecond, long measuredStep, long measuredSnapshot, int window,
                          List<WhatIf> whatIf, double whatIfLinearLimit, double etaUpdatesError,
                          double etaSecondsError, double etaBandUpdates, double etaBandSeconds) {

    /**
     * What the width σ² and relaxation time τ of every row would be at (α', |B'|) under linear scaling
     * ({@link LinearScalingWhatIf}): σ²' = σ²·varianceFactor, τ' = τ·relaxationFactor.
     *
     * @param lr                 α'
     * @param batch              |B'|
     * @param varianceFactor     (α'/α)(|B|/|B'|)
     * @param relaxationFactor   α/α'
     * @param lrPerBatch         α'/|B'|
     * @param beyondLinearRegime α'/|B'| above {@link LinearScalingWhatIf#MEASURED_LINEAR_LIMIT}, where the
     *                           sweep measured σ² bending below the linear rule: the width is an upper bound
     */
    public record WhatIf(double lr, int batch, double varianceFactor, double relaxationFactor, double lrPerBatch,
                         boolean beyondLinearRegime) {
    }

    /** Before the first measurement. */
    public static final DysonReport NONE = new DysonReport(List.of(), Double.NaN, Double.NaN, -1,
            ConvergenceEta.DEFAULT_BAND, Double.NaN, -1, 0, 0, List.of(), LinearScalingWhatIf.MEASURED_LINEAR_LIMIT,
            Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    public DysonReport {
        modes = List.copyOf(modes);
        whatIf = List.copyOf(whatIf);
    }

    /** This measurement with another ETA (its updates, seconds, mode and errors). */
    public DysonReport withEta(ConvergenceForecast eta) {
        return new DysonReport(modes, eta.updates(), eta.seconds(), eta.slowestMode(), band, updatesPerSecond,
                measuredStep, measuredSnapshot, window, whatIf, whatIfLinearLimit, eta.error(), eta.secondsError(),
                etaBandUpdates, etaBandSeconds);
    }

    /** The row of {@code mode} (a single mode, or a pair centre under its lower member), or null. */
    public ModeReport mode(int mode) {
        for (ModeReport m : modes) {
            if (m.mode() == mode) {
                return m;
            }
        }
        return null;
    }
}

package org.dysonmonitor.sweep;

import java.util.List;

/**
 * The analysed sweep: every number of the report and the data behind every plot. Immutable; built by
 * {@link SweepAnalysis}, written by {@link ReportWriter} and {@link SweepPlots}.
 *
 * @param data          the raw sweep (plan, runs, conditions)
 * @param points        one per (setting, pair), by pair then α/|B|
 * @param spacingFit    ⟨S⟩/unit = a·X through the origin over the points with α/|B| ≤ {@link #LINEAR_LIMIT}
 * @param spacingFitAll the same over every point (the bend pulls it down)
 * @param widthFits     per pair, σ̂² = b·(α/|B|) + c
 * @param ksBySetting   KS of each setting's spacings (all pairs pooled)
 * @param ksAll         KS of all spacings pooled (the data collapse)
 * @param spacings      histogram of all rescaled spacings s = S/⟨S⟩
 * @param densities     per pair, the density of v = (x − x̄)/σ̂ pooled over settings
 * @param runRows       per run and pair, the monitor's own estimates
 */
public record SweepSummary(SweepData data, List<Point> points, ScalingFit spacingFit, ScalingFit spacingFitAll,
                           List<WidthFit> widthFits,
                           List<SettingKs> ksBySetting, KsResult ksAll, Histogram spacings,
                           List<PairDensity> densities, List<RunRow> runRows) {

    /** α/|B| up to which the linear-scaling fits are made (physics.md §7: linear scaling holds up to 0.1/16). */
    public static final double LINEAR_LIMIT = 0.1 / 16;

    public SweepSummary {
        points = List.copyOf(points);
        widthFits = List.copyOf(widthFits);
        ksBySetting = List.copyOf(ksBySetting);
        densities = List.copyOf(densities);
        runRows = List.copyOf(runRows);
    }

    public TrainerKind model() {
        return data.plan().model();
    }

    /** A value with its standard error. */
    public record Estimate(double value, double error) {
        public static final Estimate NONE = new Estimate(Double.NaN, Double.NaN);
    }

    /**
     * One (setting, pair): the pooled estimates, errors by jackknife over runs (propagated from the
     * monitor's blocked jackknife of each run when the setting has fewer than {@link SweepAnalysis#MIN_RUNS}).
     *
     * @param setting           (α, |B|)
     * @param pair              the monitor's pair label
     * @param parameter         "κ = 7.618" (RBM) or "ξ_t = 2"
     * @param centre            target x of the pair
     * @param runs              runs pooled
     * @param samples           snapshots pooled (over runs)
     * @param sigmaSquared      σ̂² = ⟨S²⟩/4
     * @param meanSpacing       ⟨S⟩
     * @param spacingS2         ⟨s²⟩ = ⟨S²⟩/⟨S⟩² (Wigner 4/π)
     * @param binder            U₄ of both eigenvalues about the pooled pair centre (−4/27)
     * @param binderAboutTarget the monitor's U₄, about the target x_t, averaged over runs
     * @param centreOffset      pooled pair centre minus x_t
     * @param coefficient       σ̂²/((α/|B|)·w), the linear-scaling coefficient
     * @param predictor         X of the ⟨S⟩ fit
     * @param scaledSpacing     ⟨S⟩/unit, the ordinate of the ⟨S⟩ fit
     * @param tauS2             τ_int of S², in updates (mean over runs)
     * @param tauS              τ_int of S, in updates
     * @param effectiveSamples  Σ_runs n_r/(2τ_int(S²)_r): independent samples behind σ̂²
     * @param ks                KS of this point's rescaled spacings
     * @param errorsFromRuns    true if errors are the jackknife over runs, false if propagated from the monitor's
     */
    public record Point(Setting setting, String pair, String parameter, double centre, int runs, long samples,
                        Estimate sigmaSquared, Estimate meanSpacing, Estimate spacingS2, Estimate binder,
                        Estimate binderAboutTarget, Estimate centreOffset, Estimate coefficient, double predictor,
                        Estimate scaledSpacing, double tauS2, double tauS, double effectiveSamples, KsResult ks,
                        boolean errorsFromRuns) {
    }

    /**
     * ⟨S⟩/unit = a·X.
     *
     * @param slope      a
     * @param error      jackknife error of a over runs (from the weights with too few runs)
     * @param chiSquaredPerDof χ²/dof with the points' errors as weights
     * @param points     points fitted
     * @param maxAlphaOverBatch largest α/|B| of the points fitted
     * @param expected   the range of a expected from physics.md §7
     */
    public record ScalingFit(double slope, double error, double chiSquaredPerDof, int points, double maxAlphaOverBatch,
                             double[] expected) {
        public ScalingFit {
            expected = expected.clone();
        }

        @Override
        public double[] expected() {
            return expected.clone();
        }
    }

    /**
     * A weighted straight line with jackknife errors.
     *
     * @param slope          b
     * @param slopeError     its jackknife error over runs (from the weights with too few runs)
     * @param intercept      c
     * @param interceptError its error
     * @param rSquared       weighted R²
     * @param chiSquaredPerDof χ²/(n − 2)
     * @param points         points fitted
     * @param maxAlphaOverBatch largest α/|B| included
     */
    public record Fit(double slope, double slopeError, double intercept, double interceptError, double rSquared,
                      double chiSquaredPerDof, int points, double maxAlphaOverBatch) {
    }

    /**
     * σ̂² against α/|B| for one pair.
     *
     * @param pair        label
     * @param parameter   "κ = …"
     * @param widthScale  w of σ² ∝ (α/|B|)·w
     * @param linear      the fit over α/|B| ≤ {@link #LINEAR_LIMIT}
     * @param all         the fit over every point (the bend lowers its R²)
     */
    public record WidthFit(String pair, String parameter, double widthScale, Fit linear, Fit all) {

        /** b/w of the linear fit: the coefficient of σ² = c·(α/|B|)·w. */
        public Estimate coefficient() {
            return new Estimate(linear.slope() / widthScale, linear.slopeError() / widthScale);
        }
    }

    public record SettingKs(Setting setting, KsResult ks) {
    }

    /**
     * @param pair      label
     * @param parameter "κ = …"
     * @param density   histogram of v = (x − x̄)/σ̂, both eigenvalues, all settings
     * @param binder    U₄ over settings (sample-weighted mean of the points' U₄)
     */
    public record PairDensity(String pair, String parameter, Histogram density, Estimate binder) {
    }

    /**
     * One run's pair as the monitor reported it (cumulative over the run's stationary snapshots), with
     * the autocorrelation times measured on the same snapshots.
     *
     * @param tauS2            τ_int of S², in updates
     * @param tauS             τ_int of S, in updates
     * @param effectiveSamples samples/(2τ_int(S²)) in snapshot units
     * @param thinning         ⌈2τ_int(S)⌉ in snapshots: the stride of the (nearly independent) spacings
     *                         written to spacings.csv
     */
    public record RunRow(Setting setting, int run, long seed, String pair, double centre, long samples,
                         double sigmaSquared, double sigmaSquaredError, double meanSpacing, double meanSpacingError,
                         double spacingS2, double spacingS2Error, double binderAboutTarget, double binderAboutTargetError,
                         double tauS2, double tauS, double effectiveSamples, int thinning) {
    }
}

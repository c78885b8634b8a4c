package org.dysonmonitor.rmt;

import java.util.List;

/**
 * Everything known about one layer after one snapshot: the spectrum and its statistics. Immutable
 * (arrays are copied in and out), so it can be handed from the spectrum actor to metrics, the JSON
 * API and the live page on other threads. Field names follow the metric names of design.md.
 *
 * @param run                     run name
 * @param layer                   layer name
 * @param step                    training step of the snapshot
 * @param rows                    M, rows of W
 * @param cols                    N, columns of W
 * @param snapshots               snapshots of this layer that produced a report so far
 * @param eigenvalues             x_i of the smaller Gram matrix, ascending (mode 0 the smallest)
 * @param eigenvalueMean          per-mode mean over the recent window
 * @param eigenvalueVariance      per-mode variance over the recent window
 * @param eigenvalueQuantiles     eigenvalue quantiles at {@link #QUANTILES}
 * @param spacingRatioMean        ⟨r̃⟩ of this spectrum (GOE 0.531, Poisson 0.386); NaN below 3 levels
 * @param spacingKsWigner         KS distance of unfolded spacings to the Wigner surmise; NaN if too few
 * @param spacingKsPoisson        KS distance of unfolded spacings to Poisson e^{−s}; NaN if too few
 * @param unfoldedSpacings        unfolded nearest-neighbour spacings of this spectrum (mean 1)
 * @param mpKsDistance            KS distance to the Marchenko-Pastur law fitted to this spectrum
 * @param mpSpikes                eigenvalues above the fitted Marchenko-Pastur edge x₊
 * @param mpUpperEdge             that edge x₊
 * @param spectralNorm            largest singular value √(max x)
 * @param stableRank              Σx / max x
 * @param target                  the target spectrum (ascending), or an empty array when unknown
 * @param targetDistance          RMS distance of the window means to the target; NaN when unknown
 * @param stationary              the running means have stopped moving beyond their own noise
 * @param converged               stationary and, if a target is known, within tolerance of it
 * @param learningRate            α of the snapshot, NaN when unknown
 * @param batchSize               |B| of the snapshot, 0 when unknown
 * @param pairs                   statistics of the degenerate pairs (known only from a target)
 * @param pairSpacingHistogram    density of the pooled rescaled pair spacings s = S/⟨S⟩ in bins of
 *                                {@link #PAIR_HISTOGRAM_BIN} on [0, 4); empty when no pairs
 */
public record LayerReport(
        String run,
        String layer,
        long step,
        int rows,
        int cols,
        long snapshots,
        double[] eigenvalues,
        double[] eigenvalueMean,
        double[] eigenvalueVariance,
        double[] eigenvalueQuantiles,
        double spacingRatioMean,
        double spacingKsWigner,
        double spacingKsPoisson,
        double[] unfoldedSpacings,
        double mpKsDistance,
        int mpSpikes,
        double mpUpperEdge,
        double spectralNorm,
        double stableRank,
        double[] target,
        double targetDistance,
        boolean stationary,
        boolean converged,
        double learningRate,
        int batchSize,
        List<PairReport> pairs,
        double[] pairSpacingHistogram) {

    /** The quantile levels of {@link #eigenvalueQuantiles()}. */
    public static final double[] QUANTILES = {0, 0.25, 0.5, 0.75, 1};

    /** Bin width of {@link #pairSpacingHistogram()}; 40 bins cover s ∈ [0, 4). */
    public static final double PAIR_HISTOGRAM_BIN = 0.1;

    public LayerReport {
        eigenvalues = eigenvalues.clone();
        eigenvalueMean = eigenvalueMean.clone();
        eigenvalueVariance = eigenvalueVariance.clone();
        eigenvalueQuantiles = eigenvalueQuantiles.clone();
        unfoldedSpacings = unfoldedSpacings.clone();
        target = target.clone();
        pairs = List.copyOf(pairs);
        pairSpacingHistogram = pairSpacingHistogram.clone();
    }

    @Override
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    @Override
    public double[] eigenvalueMean() {
        return eigenvalueMean.clone();
    }

    @Override
    public double[] eigenvalueVariance() {
        return eigenvalueVariance.clone();
    }

    @Override
    public double[] eigenvalueQuantiles() {
        return eigenvalueQuantiles.clone();
    }

    @Override
    public double[] unfoldedSpacings() {
        return unfoldedSpacings.clone();
    }

    @Override
    public double[] target() {
        return target.clone();
    }

    @Override
    public double[] pairSpacingHistogram() {
        return pairSpacingHistogram.clone();
    }

    /** Number of eigenvalues, min(rows, cols). */
    public int modes() {
        return eigenvalues.length;
    }

    /** x_mode without copying the array (for gauges). */
    public double eigenvalue(int mode) {
        return eigenvalues[mode];
    }

    /** Window mean of x_mode without copying. */
    public double eigenvalueMean(int mode) {
        return eigenvalueMean[mode];
    }

    /** Window variance of x_mode without copying. */
    public double eigenvalueVariance(int mode) {
        return eigenvalueVariance[mode];
    }

    /** The quantile at index i of {@link #QUANTILES} without copying. */
    public double eigenvalueQuantile(int i) {
        return eigenvalueQuantiles[i];
    }

    /** Whether a target spectrum is known. */
    public boolean hasTarget() {
        return target.length > 0;
    }
}

package org.dysonmonitor.rmt;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * @param powerlawAlpha           α of the power-law fit of the eigenvalue tail ({@link PowerLawFit}); NaN without a fit
 * @param powerlawAlphaSigma      its standard error (α − 1)/√n
 * @param powerlawXmin            the fitted xmin
 * @param powerlawKsDistance      the fit's Kolmogorov-Smirnov distance D
 * @param powerlawTailSize        n, eigenvalues ≥ xmin (0 without a fit)
 * @param powerlawAlphaWeighted   α̂ = α log₁₀ λ_max
 * @param logFrobeniusNorm        log₁₀ Σλ = log₁₀ ‖W‖_F²
 * @param logSpectralNorm         log₁₀ λ_max = log₁₀ ‖W‖₂²
 * @param logAlphaNorm            log₁₀ Σλ^α
 * @param mpSoftrank              Marchenko-Pastur edge x₊ / λ_max
 * @param matrixEntropy           −Σ p ln p / ln rank, p = λ/Σλ ({@link HeavyTailMetrics})
 * @param trainingStatus          "over-trained" (α &lt; 2), "under-trained" (α &gt; 6), "ok" or "unknown"
 * @param randomizedDistance      Jensen-Shannon distance to the spectrum of W with permuted entries
 *                                ({@link RandomizedBaseline}); NaN before the first baseline
 * @param correlationTraps        eigenvalues of the permuted W above its Marchenko-Pastur edge plus a
 *                                Tracy-Widom margin; null before the first baseline
 * @param randomizedStep          step of the snapshot the baseline was computed from; −1 before the first
 * @param spectralRigidity        Δ₃(L) of the unfolded bulk, keyed by L ({@link SpectralRigidity#LENGTHS})
 * @param numberVariance          Σ²(L) of the unfolded bulk, keyed by L
 * @param dynamics                the measured Dyson Brownian motion per mode, the ETA and the what-ifs at the
 *                                latest measurement ({@link LayerDynamics}); {@link DysonReport#NONE} before it
 * @param spectrumKind            {@link #FULL}: {@code eigenvalues} is the whole spectrum of this snapshot;
 *                                {@link #TOP}: only its top k (a tracked top spectrum), and every statistic
 *                                that needs the whole spectrum is that of the step {@code fullSpectrumStep}
 * @param fullSpectrumStep        step of the full spectrum the whole-spectrum statistics come from (this
 *                                report's step when {@code spectrumKind} is full)
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
        double[] pairSpacingHistogram,
        double powerlawAlpha,
        double powerlawAlphaSigma,
        double powerlawXmin,
        double powerlawKsDistance,
        int powerlawTailSize,
        double powerlawAlphaWeighted,
        double logFrobeniusNorm,
        double logSpectralNorm,
        double logAlphaNorm,
        double mpSoftrank,
        double matrixEntropy,
        String trainingStatus,
        double randomizedDistance,
        Integer correlationTraps,
        long randomizedStep,
        Map<String, Double> spectralRigidity,
        Map<String, Double> numberVariance,
        DysonReport dynamics,
        String spectrumKind,
        long fullSpectrumStep) {

    /** {@link #spectrumKind()} of a report computed from the whole spectrum. */
    public static final String FULL = "full";

    /** {@link #spectrumKind()} of a report that has only the top k eigenvalues of its snapshot. */
    public static final String TOP = "top";

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
        spectralRigidity = Collections.unmodifiableMap(new LinkedHashMap<>(spectralRigidity));
        numberVariance = Collections.unmodifiableMap(new LinkedHashMap<>(numberVariance));
        dynamics = dynamics == null ? DysonReport.NONE : dynamics;
        if (!FULL.equals(spectrumKind) && !TOP.equals(spectrumKind)) {
            throw new IllegalArgumentException("spectrum kind must be full or top, got " + spectrumKind);
        }
    }

    /**
     * A builder of a full-spectrum report of layer {@code layer} of {@code run} (M × N = rows × cols) at
     * {@code step}, every statistic unknown until given.
     */
    public static LayerReportBuilder builder(String run, String layer, long step, int rows, int cols) {
        return new LayerReportBuilder(run, layer, step, rows, cols);
    }

    /** A builder holding every field of this report. */
    public LayerReportBuilder toBuilder() {
        return LayerReportBuilder.of(this);
    }

    /** This report with other measured dynamics. */
    public LayerReport withDynamics(DysonReport measured) {
        return toBuilder().dynamics(measured).build();
    }

    /**
     * The report of a snapshot of which only the top {@code top.length} eigenvalues are known: this
     * (full) report's whole-spectrum statistics, marked by its step, with the snapshot's step, count,
     * hyperparameters, top eigenvalues and what they alone determine — the spectral norm √λ_max and
     * log₁₀ λ_max. The window means and variances are this report's, of the same top modes.
     *
     * @param top ascending, at most {@link #modes()} values
     */
    public LayerReport withTop(long topStep, long topSnapshots, double[] top, double topLearningRate,
                               int topBatchSize) {
        int k = top.length;
        if (k < 1 || k > eigenvalues.length) {
            throw new IllegalArgumentException("a top spectrum has 1.." + eigenvalues.length + " values, got " + k);
        }
        int from = eigenvalues.length - k;
        double max = top[k - 1];
        return toBuilder()
                .step(topStep)
                .snapshots(topSnapshots)
                .spectrum(top, Arrays.copyOfRange(eigenvalueMean, from, eigenvalues.length),
                        Arrays.copyOfRange(eigenvalueVariance, from, eigenvalues.length), eigenvalueQuantiles)
                .norms(Math.sqrt(Math.max(0, max)), stableRank)
                .logSpectralNorm(max > 0 ? Math.log10(max) : Double.NaN)
                .hyperparameters(topLearningRate, topBatchSize)
                .top(fullSpectrumStep)
                .build();
    }

    /**
     * The mode number of {@code eigenvalues[0]} in the whole spectrum (mode 0 the smallest):
     * 0 for a full report, min(rows, cols) − k for a top-k report.
     */
    public int firstMode() {
        return Math.min(rows, cols) - eigenvalues.length;
    }

    /** Δ₃(L) without a map lookup by the caller; NaN if L is not reported. */
    public double spectralRigidity(int length) {
        return spectralRigidity.getOrDefault(Integer.toString(length), Double.NaN);
    }

    /** Σ²(L); NaN if L is not reported. */
    public double numberVariance(int length) {
        return numberVariance.getOrDefault(Integer.toString(length), Double.NaN);
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

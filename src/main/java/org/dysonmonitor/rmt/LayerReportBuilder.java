package org.dysonmonitor.rmt;

import java.util.List;
import java.util.Map;

/**
 * Builds a {@link LayerReport} one group of statistics at a time, each group as the statistic that
 * computes it returns it ({@link LayerReport} names every field). A group not given is unknown: NaN,
 * 0, empty, {@code "unknown"}, no baseline (step −1), {@link DysonReport#NONE}, a full spectrum whose
 * statistics are of this report's own step. Arrays and collections are copied by {@link #build()}.
 * Not thread-safe; start one with {@link LayerReport#builder} or {@link LayerReport#toBuilder()}.
 */
public final class LayerReportBuilder {

    private static final double[] NONE = new double[0];

    private final String run;
    private final String layer;
    private final int rows;
    private final int cols;
    private long step;
    private long snapshots;
    private double[] eigenvalues = NONE;
    private double[] eigenvalueMean = NONE;
    private double[] eigenvalueVariance = NONE;
    private double[] eigenvalueQuantiles = NONE;
    private double spacingRatioMean = Double.NaN;
    private double spacingKsWigner = Double.NaN;
    private double spacingKsPoisson = Double.NaN;
    private double[] unfoldedSpacings = NONE;
    private double mpKsDistance = Double.NaN;
    private int mpSpikes;
    private double mpUpperEdge = Double.NaN;
    private double spectralNorm = Double.NaN;
    private double stableRank = Double.NaN;
    private double[] target = NONE;
    private double targetDistance = Double.NaN;
    private boolean stationary;
    private boolean converged;
    private double learningRate = Double.NaN;
    private int batchSize;
    private List<PairReport> pairs = List.of();
    private double[] pairSpacingHistogram = NONE;
    private double powerlawAlpha = Double.NaN;
    private double powerlawAlphaSigma = Double.NaN;
    private double powerlawXmin = Double.NaN;
    private double powerlawKsDistance = Double.NaN;
    private int powerlawTailSize;
    private double powerlawAlphaWeighted = Double.NaN;
    private double logFrobeniusNorm = Double.NaN;
    private double logSpectralNorm = Double.NaN;
    private double logAlphaNorm = Double.NaN;
    private double mpSoftrank = Double.NaN;
    private double matrixEntropy = Double.NaN;
    private String trainingStatus = TrainingStatus.UNKNOWN.label();
    private double randomizedDistance = Double.NaN;
    private Integer correlationTraps;
    private long randomizedStep = -1;
    private Map<String, Double> spectralRigidity = Map.of();
    private Map<String, Double> numberVariance = Map.of();
    private DysonReport dynamics = DysonReport.NONE;
    private String spectrumKind = LayerReport.FULL;
    /** Null: this report's own step (a full spectrum). */
    private Long fullSpectrumStep;

    LayerReportBuilder(String run, String layer, long step, int rows, int cols) {
        this.run = run;
        this.layer = layer;
        this.step = step;
        this.rows = rows;
        this.cols = cols;
    }

    /** Every field of {@code r}. */
    static LayerReportBuilder of(LayerReport r) {
        return new LayerReportBuilder(r.run(), r.layer(), r.step(), r.rows(), r.cols())
                .snapshots(r.snapshots())
                .spectrum(r.eigenvalues(), r.eigenvalueMean(), r.eigenvalueVariance(), r.eigenvalueQuantiles())
                .spacings(r.spacingRatioMean(), r.spacingKsWigner(), r.spacingKsPoisson(), r.unfoldedSpacings())
                .marchenkoPastur(r.mpKsDistance(), r.mpSpikes(), r.mpUpperEdge())
                .norms(r.spectralNorm(), r.stableRank())
                .target(r.target(), r.targetDistance())
                .convergence(r.stationary(), r.converged())
                .hyperparameters(r.learningRate(), r.batchSize())
                .pairs(r.pairs(), r.pairSpacingHistogram())
                .powerLaw(r.powerlawAlpha(), r.powerlawAlphaSigma(), r.powerlawXmin(), r.powerlawKsDistance(),
                        r.powerlawTailSize())
                .heavyTail(r.powerlawAlphaWeighted(), r.logFrobeniusNorm(), r.logSpectralNorm(), r.logAlphaNorm(),
                        r.mpSoftrank(), r.matrixEntropy(), r.trainingStatus())
                .baseline(r.randomizedDistance(), r.correlationTraps(), r.randomizedStep())
                .rigidity(r.spectralRigidity(), r.numberVariance())
                .dynamics(r.dynamics())
                .kind(r.spectrumKind(), LayerReport.FULL.equals(r.spectrumKind()) && r.fullSpectrumStep() == r.step()
                        ? null : r.fullSpectrumStep());
    }

    /** The training step of the snapshot. */
    public LayerReportBuilder step(long step) {
        this.step = step;
        return this;
    }

    /** Snapshots of the layer that produced a report so far. */
    public LayerReportBuilder snapshots(long snapshots) {
        this.snapshots = snapshots;
        return this;
    }

    /** The ascending eigenvalues, their window means and variances per mode, and the quantiles at {@link LayerReport#QUANTILES}. */
    public LayerReportBuilder spectrum(double[] eigenvalues, double[] mean, double[] variance, double[] quantiles) {
        this.eigenvalues = eigenvalues;
        this.eigenvalueMean = mean;
        this.eigenvalueVariance = variance;
        this.eigenvalueQuantiles = quantiles;
        return this;
    }

    /** ⟨r̃⟩, the KS distances of the unfolded spacings to Wigner and Poisson, and the spacings. */
    public LayerReportBuilder spacings(double ratioMean, double ksWigner, double ksPoisson, double[] unfolded) {
        this.spacingRatioMean = ratioMean;
        this.spacingKsWigner = ksWigner;
        this.spacingKsPoisson = ksPoisson;
        this.unfoldedSpacings = unfolded;
        return this;
    }

    /** The fitted Marchenko-Pastur law: KS distance, spikes above its edge, the edge x₊. */
    public LayerReportBuilder marchenkoPastur(double ksDistance, int spikes, double upperEdge) {
        this.mpKsDistance = ksDistance;
        this.mpSpikes = spikes;
        this.mpUpperEdge = upperEdge;
        return this;
    }

    /** √(max x) and Σx / max x. */
    public LayerReportBuilder norms(double spectralNorm, double stableRank) {
        this.spectralNorm = spectralNorm;
        this.stableRank = stableRank;
        return this;
    }

    /** The target spectrum (ascending; empty when unknown) and the window means' RMS distance to it. */
    public LayerReportBuilder target(double[] target, double distance) {
        this.target = target;
        this.targetDistance = distance;
        return this;
    }

    /** Whether the running means stopped moving, and whether they are also at the target. */
    public LayerReportBuilder convergence(boolean stationary, boolean converged) {
        this.stationary = stationary;
        this.converged = converged;
        return this;
    }

    /** α and |B| of the snapshot (NaN and 0 when unknown). */
    public LayerReportBuilder hyperparameters(double learningRate, int batchSize) {
        this.learningRate = learningRate;
        this.batchSize = batchSize;
        return this;
    }

    /** The degenerate pairs' statistics and their pooled spacing histogram. */
    public LayerReportBuilder pairs(List<PairReport> pairs, double[] spacingHistogram) {
        this.pairs = pairs;
        this.pairSpacingHistogram = spacingHistogram;
        return this;
    }

    /** The power-law fit of the tail ({@link PowerLawFit}). */
    public LayerReportBuilder powerLaw(double alpha, double sigma, double xmin, double ksDistance, int tailSize) {
        this.powerlawAlpha = alpha;
        this.powerlawAlphaSigma = sigma;
        this.powerlawXmin = xmin;
        this.powerlawKsDistance = ksDistance;
        this.powerlawTailSize = tailSize;
        return this;
    }

    /** The other heavy-tail metrics ({@link HeavyTailMetrics}) and the training status they give. */
    public LayerReportBuilder heavyTail(double alphaWeighted, double logFrobeniusNorm, double logSpectralNorm,
                                        double logAlphaNorm, double mpSoftrank, double matrixEntropy,
                                        String trainingStatus) {
        this.powerlawAlphaWeighted = alphaWeighted;
        this.logFrobeniusNorm = logFrobeniusNorm;
        this.logSpectralNorm = logSpectralNorm;
        this.logAlphaNorm = logAlphaNorm;
        this.mpSoftrank = mpSoftrank;
        this.matrixEntropy = matrixEntropy;
        this.trainingStatus = trainingStatus;
        return this;
    }

    /** log₁₀ λ_max alone (what a top spectrum knows of the heavy-tail metrics). */
    public LayerReportBuilder logSpectralNorm(double logSpectralNorm) {
        this.logSpectralNorm = logSpectralNorm;
        return this;
    }

    /** The randomized baseline ({@link RandomizedBaseline}): distance, correlation traps, its step. */
    public LayerReportBuilder baseline(double distance, Integer correlationTraps, long step) {
        this.randomizedDistance = distance;
        this.correlationTraps = correlationTraps;
        this.randomizedStep = step;
        return this;
    }

    /** Δ₃(L) and Σ²(L) of the unfolded bulk, keyed by L. */
    public LayerReportBuilder rigidity(Map<String, Double> spectralRigidity, Map<String, Double> numberVariance) {
        this.spectralRigidity = spectralRigidity;
        this.numberVariance = numberVariance;
        return this;
    }

    /** The measured Dyson Brownian motion ({@link LayerDynamics}). */
    public LayerReportBuilder dynamics(DysonReport dynamics) {
        this.dynamics = dynamics;
        return this;
    }

    /** Only the top k eigenvalues are this snapshot's; the whole-spectrum statistics are of {@code fullSpectrumStep}. */
    public LayerReportBuilder top(long fullSpectrumStep) {
        return kind(LayerReport.TOP, fullSpectrumStep);
    }

    private LayerReportBuilder kind(String kind, Long fullSpectrumStep) {
        this.spectrumKind = kind;
        this.fullSpectrumStep = fullSpectrumStep;
        return this;
    }

    public LayerReport build() {
        return new LayerReport(run, layer, step, rows, cols, snapshots, eigenvalues, eigenvalueMean,
                eigenvalueVariance, eigenvalueQuantiles, spacingRatioMean, spacingKsWigner, spacingKsPoisson,
                unfoldedSpacings, mpKsDistance, mpSpikes, mpUpperEdge, spectralNorm, stableRank, target,
                targetDistance, stationary, converged, learningRate, batchSize, pairs, pairSpacingHistogram,
                powerlawAlpha, powerlawAlphaSigma, powerlawXmin, powerlawKsDistance, powerlawTailSize,
                powerlawAlphaWeighted, logFrobeniusNorm, logSpectralNorm, logAlphaNorm, mpSoftrank, matrixEntropy,
                trainingStatus, randomizedDistance, correlationTraps, randomizedStep, spectralRigidity,
                numberVariance, dynamics, spectrumKind, fullSpectrumStep == null ? step : fullSpectrumStep);
    }
}

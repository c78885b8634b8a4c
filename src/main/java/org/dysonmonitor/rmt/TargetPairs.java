package org.dysonmonitor.rmt;

import java.util.ArrayList;
import java.util.List;

/**
 * The statistics of the degenerate pairs of one layer's target spectrum (σ̂², ⟨S⟩, ⟨s²⟩, U₄ per pair,
 * and the density of their pooled rescaled spacings), for {@link LayerStatistics}. They are pooled
 * only over stationary snapshots, since physics.md §3 defines them for the stationary distribution,
 * and restart when α or |B| change: σ² depends on α/|B| (σ² ∝ α/|B|, physics.md §2), so pooling
 * across a change would mix two distributions.
 *
 * <p>Not thread-safe: owned with its {@link LayerStatistics}.
 */
final class TargetPairs {

    /** Snapshots between two refreshes of the pair-spacing histogram. */
    static final int HISTOGRAM_EVERY = 50;

    private final int reservoir;
    private final List<PairStatistics> pairs = new ArrayList<>();
    private double[] histogram = new double[0];
    private long histogramAt = -HISTOGRAM_EVERY; // due at the first snapshot
    private double pairsLearningRate = Double.NaN;
    private int pairsBatchSize;

    /**
     * @param target    the ascending target spectrum, empty if unknown (no pairs)
     * @param tolerance relative gap below which two target eigenvalues form a pair
     * @param reservoir recent rescaled spacings each pair keeps
     */
    TargetPairs(double[] target, double tolerance, int reservoir) {
        this.reservoir = reservoir;
        if (target.length > 0) {
            for (DegeneratePair p : DegeneratePair.fromTarget(target, tolerance)) {
                double centre = 0.5 * (target[p.lower()] + target[p.upper()]);
                pairs.add(new PairStatistics(p, centre, reservoir));
            }
        }
    }

    /** The pairs, in the order of the target. */
    List<DegeneratePair> pairs() {
        List<DegeneratePair> known = new ArrayList<>();
        pairs.forEach(p -> known.add(p.pair()));
        return known;
    }

    int size() {
        return pairs.size();
    }

    /**
     * Adds the eigenvalues {@code x} of a stationary snapshot, the {@code snapshots}-th, restarting
     * every pair first when α or |B| differ from those pooled so far.
     */
    void addStationary(long snapshots, double[] x, double learningRate, int batchSize) {
        if (pairs.isEmpty()) {
            return;
        }
        if (!sameHyperparameters(learningRate, batchSize)) {
            pairs.forEach(PairStatistics::clear);
            histogramAt = snapshots - HISTOGRAM_EVERY; // due now
            pairsLearningRate = learningRate;
            pairsBatchSize = batchSize;
        }
        for (PairStatistics p : pairs) {
            p.add(x);
        }
    }

    private boolean sameHyperparameters(double learningRate, int batchSize) {
        return Double.compare(learningRate, pairsLearningRate) == 0 && batchSize == pairsBatchSize;
    }

    /** One report per pair; {@code alphaOverBatch} α/|B|, NaN or ∞ when unknown. */
    List<PairReport> reports(double alphaOverBatch) {
        List<PairReport> reports = new ArrayList<>(pairs.size());
        for (PairStatistics p : pairs) {
            reports.add(pairReport(p, alphaOverBatch));
        }
        return reports;
    }

    private static PairReport pairReport(PairStatistics p, double alphaOverBatch) {
        DegeneratePair d = p.pair();
        double perLrBatch = Double.isFinite(alphaOverBatch) && alphaOverBatch > 0
                ? p.sigmaSquared() / alphaOverBatch : Double.NaN;
        return new PairReport(d.label(), d.lower(), d.upper(), p.centre(), p.count(),
                p.sigmaSquared(), p.sigmaSquaredError(), p.meanSpacing(), p.meanSpacingError(),
                p.rescaledSpacingSquared(), p.rescaledSpacingSquaredError(),
                p.binderCumulant(), p.binderCumulantError(), perLrBatch);
    }

    /**
     * Density of the pooled recent rescaled spacings of all pairs, bins of 0.1 on [0, 4), at the
     * {@code snapshots}-th snapshot. It reads every pair's reservoir (thousands of values), which
     * would dominate the cost of a small layer's update, so it is refreshed every
     * {@link #HISTOGRAM_EVERY} snapshots: a live histogram of thousands of spacings does not change
     * visibly in between.
     */
    double[] spacingHistogram(long snapshots) {
        if (pairs.isEmpty()) {
            return histogram;
        }
        if (snapshots - histogramAt < HISTOGRAM_EVERY) {
            return histogram;
        }
        histogramAt = snapshots;
        int bins = (int) Math.round(4 / LayerReport.PAIR_HISTOGRAM_BIN);
        double[] density = new double[bins];
        long total = 0;
        for (PairStatistics p : pairs) {
            for (double s : p.recentRescaledSpacings(reservoir)) {
                total++;
                int bin = (int) (s / LayerReport.PAIR_HISTOGRAM_BIN);
                if (bin < bins) {
                    density[bin]++;
                }
            }
        }
        if (total > 0) {
            for (int i = 0; i < bins; i++) {
                density[i] /= total * LayerReport.PAIR_HISTOGRAM_BIN;
            }
        }
        histogram = density;
        return density;
    }

    /** The pairs' part of a {@link LayerStatistics.State}. */
    List<PairStatistics.State> states() {
        List<PairStatistics.State> pairStates = new ArrayList<>(pairs.size());
        for (PairStatistics p : pairs) {
            pairStates.add(p.state());
        }
        return pairStates;
    }

    double[] histogram() {
        return histogram;
    }

    long histogramAt() {
        return histogramAt;
    }

    double learningRate() {
        return pairsLearningRate;
    }

    int batchSize() {
        return pairsBatchSize;
    }

    /**
     * Continues from the pairs' part of {@code state}, which must have one state per pair.
     *
     * @throws IllegalArgumentException if a pair of the state is not the target's pair at its place
     */
    void load(LayerStatistics.State state) {
        for (int i = 0; i < pairs.size(); i++) {
            PairStatistics.State p = state.pairs().get(i);
            if (!p.pair().equals(pairs.get(i).pair())) {
                throw new IllegalArgumentException("pair " + p.pair().label() + " of the state is not pair "
                        + pairs.get(i).pair().label() + " of the target");
            }
            pairs.set(i, PairStatistics.restore(p));
        }
        this.histogram = state.histogram();
        this.histogramAt = state.histogramAt();
        this.pairsLearningRate = state.pairsLearningRate();
        this.pairsBatchSize = state.pairsBatchSize();
    }
}

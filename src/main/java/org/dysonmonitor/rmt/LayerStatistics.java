package org.dysonmonitor.rmt;

import java.util.List;

/**
 * All statistics of one layer, fed one spectrum after another: the object a spectrum actor owns.
 * Each {@link #update} returns an immutable {@link LayerReport}.
 *
 * <p>What it computes per snapshot (physics.md §1, §3, §4):
 * <ul>
 *   <li>the statistics of the spectrum itself ({@link SpectrumStatistics}): ⟨r̃⟩, unfolded spacings and
 *       their KS distances to the Wigner surmise and to Poisson, the Marchenko-Pastur fit, its KS distance
 *       and spikes;</li>
 *   <li>running per-mode means and variances over a window, and a stationarity test on them;</li>
 *   <li>WeightWatcher's heavy-tail diagnostics ({@link HeavyTailMetrics}: power-law α of the tail,
 *       norms, ranks, entropy, a training status) and the spectral rigidity Δ₃(L) and number variance
 *       Σ²(L) of the unfolded bulk ({@link SpectralRigidity}), every snapshot;</li>
 *   <li>every {@link Config#baselineEvery()} snapshots, when the caller passes W and a solver, the
 *       randomized baseline ({@link RandomizedBaseline}); later reports carry the latest one;</li>
 *   <li>the measured Dyson Brownian motion of the tracked modes (drift, diffusion, fixed point,
 *       predicted and measured widths and times, the ETA to convergence; {@link LayerDynamics}), every
 *       {@value LayerDynamics#MEASURE_EVERY} snapshots or every {@value LayerDynamics#MEASURE_SECONDS} s;
 *       later reports carry the latest;</li>
 *   <li>with a target spectrum: the RMS distance to it, convergence, and the statistics of its
 *       degenerate pairs (σ̂², ⟨S⟩, ⟨s²⟩, U₄), pooled only over stationary snapshots, since
 *       physics.md §3 defines them for the stationary distribution.</li>
 * </ul>
 * Pair statistics restart when α or |B| change: σ² depends on α/|B| (σ² ∝ α/|B|, physics.md §2), so
 * pooling across a change would mix two distributions.
 *
 * <p>Not thread-safe: owned by one actor (or one thread).
 */
public final class LayerStatistics {

    /**
     * Settings of the statistics.
     *
     * @param window             snapshots in the running window of per-mode means and variances
     * @param stationarityBlock  snapshots per block of the stationarity test
     * @param stationarityBlocks blocks compared by the stationarity test
     * @param stationarityZ      how many standard errors a mean may move and still count as stationary
     * @param targetTolerance    converged needs RMS(mean − target)/RMS(target) ≤ this, when a target is known
     * @param pairTolerance      target eigenvalues equal within this relative tolerance form a degenerate pair
     * @param pairReservoir      recent rescaled spacings kept per pair for the live histogram
     * @param baselineEvery      snapshots between two randomized baselines (0: never); each costs one
     *                           more spectrum, so the amortised cost is 1/baselineEvery of a spectrum
     */
    public record Config(int window, int stationarityBlock, int stationarityBlocks, double stationarityZ,
                         double targetTolerance, double pairTolerance, int pairReservoir, int baselineEvery) {

        /** Default snapshots between two randomized baselines: 2 % of the spectrum's cost amortised. */
        public static final int DEFAULT_BASELINE_EVERY = 50;

        /** The settings with the default baseline period. */
        public Config(int window, int stationarityBlock, int stationarityBlocks, double stationarityZ,
                      double targetTolerance, double pairTolerance, int pairReservoir) {
            this(window, stationarityBlock, stationarityBlocks, stationarityZ, targetTolerance, pairTolerance,
                    pairReservoir, DEFAULT_BASELINE_EVERY);
        }

        public Config {
            if (window < 2) {
                throw new IllegalArgumentException("window must be at least 2 snapshots, got " + window);
            }
            if (stationarityBlock < 1 || stationarityBlocks < 2) {
                throw new IllegalArgumentException("stationarity needs block ≥ 1 and blocks ≥ 2, got "
                        + stationarityBlock + " and " + stationarityBlocks);
            }
            if (!(stationarityZ > 0) || !(targetTolerance > 0) || !(pairTolerance >= 0) || pairReservoir < 1) {
                throw new IllegalArgumentException("z, target tolerance and reservoir must be positive");
            }
            if (baselineEvery < 0) {
                throw new IllegalArgumentException("baselineEvery must be ≥ 0 (0: never), got " + baselineEvery);
            }
        }

        /** These settings with another baseline period. */
        public Config withBaselineEvery(int snapshots) {
            return new Config(window, stationarityBlock, stationarityBlocks, stationarityZ, targetTolerance,
                    pairTolerance, pairReservoir, snapshots);
        }

        /**
         * Defaults for a live layer: a 100-snapshot window; 20 blocks of 10 snapshots for
         * stationarity at z = 4 (left again after 10 consecutive evaluations above z = 6; see
         * {@link StationarityDetector} for the false-alarm reasoning);
         * converged within 15% RMS of the target (left above {@link #TARGET_EXIT_RATIO} × 15%), which the
         * RBM at α/|B| ≤ 0.1/16 reaches and the (0.1, 4) run, whose μ² − x sits 0.2–0.4 above κ
         * (physics.md §7), only just.
         */
        public static Config defaults() {
            return new Config(100, 10, 20, 4.0, 0.15, 1e-9, 4096);
        }
    }

    /**
     * A converged layer stays converged while RMS(mean − target)/RMS(target) ≤ this × the target tolerance:
     * the RBM at (0.1, 4) sits at 0.13–0.16 against 0.15, and would toggle with every block without it.
     */
    public static final double TARGET_EXIT_RATIO = 1.2;

    /** Tracy-Widom scales above x₊ that make an eigenvalue a spike rather than edge noise. */
    public static final double SPIKE_MARGIN = 2.0;

    private final String run;
    private final String layer;
    private final int rows;
    private final int cols;
    private final int modes;
    private final Config config;
    private final double[] target;
    private final RunningMoments moments;
    private final StationarityDetector stationarity;
    private final TargetPairs pairs;
    private final double[] x;
    private final double[] means;
    /** The window variances of the latest spectrum, filled with {@link #means} (the report copies both). */
    private final double[] variances;
    private long snapshots;
    private boolean converged;
    private RandomizedBaseline baseline;
    private RandomizedBaseline.Result lastBaseline;
    private final LayerDynamics dynamics;
    private LayerReport lastFull;

    /**
     * @param target the ascending target spectrum of WᵀW (length min(rows, cols)), or null if unknown
     */
    public LayerStatistics(String run, String layer, int rows, int cols, double[] target, Config config) {
        this.run = run;
        this.layer = layer;
        this.rows = rows;
        this.cols = cols;
        this.modes = Math.min(rows, cols);
        this.config = config;
        if (target != null && target.length != modes) {
            throw new IllegalArgumentException("target spectrum has " + target.length + " values, a "
                    + rows + "×" + cols + " layer has " + modes + " modes");
        }
        this.target = target == null ? new double[0] : target.clone();
        java.util.Arrays.sort(this.target);
        this.moments = new RunningMoments(modes, config.window());
        // A stationary period ends after K/2 consecutive evaluations above z_exit: slow modes' correlated
        // block means exceed it in short runs (StationarityDetector, "exitEvaluations").
        this.stationarity = new StationarityDetector(modes, config.stationarityBlock(), config.stationarityBlocks(),
                config.stationarityZ(), StationarityDetector.DEFAULT_EXIT_RATIO * config.stationarityZ(),
                Math.max(1, config.stationarityBlocks() / 2));
        this.pairs = new TargetPairs(this.target, config.pairTolerance(), config.pairReservoir());
        this.x = new double[modes];
        this.means = new double[modes];
        this.variances = new double[modes];
        this.dynamics = new LayerDynamics(modes, pairs.pairs(), DysonDynamics.Config.defaults(),
                new RelaxationForecast.Detector(config.stationarityBlock(), config.stationarityBlocks(),
                        config.stationarityZ()), target == null ? null : this.target, config.targetTolerance());
    }

    /**
     * Adds one spectrum and reports on it.
     *
     * @param learningRate α of the update that produced it, NaN if unknown
     * @param batchSize    |B|, 0 if unknown
     * @throws IllegalArgumentException if the spectrum's shape is not this layer's
     */
    public LayerReport update(long step, Spectrum spectrum, double learningRate, int batchSize) {
        return update(step, spectrum, learningRate, batchSize, (RandomizedBaseline.Weights) null, null);
    }

    /**
     * Adds one spectrum of W and reports on it, with a randomized baseline of W when one is due (the
     * first snapshot, then every {@link Config#baselineEvery()}).
     *
     * @param weights W row-major, the matrix of this spectrum; not modified; null for no baseline
     * @param solver  eigenvalues of the permuted W (the caller's spectrum solver); null for no baseline
     * @throws IllegalArgumentException if the spectrum's shape is not this layer's
     */
    public LayerReport update(long step, Spectrum spectrum, double learningRate, int batchSize, double[] weights,
                              RandomizedBaseline.GramEigenvalues solver) {
        return update(step, spectrum, learningRate, batchSize,
                weights == null ? null : into -> System.arraycopy(weights, 0, into, 0, into.length), solver);
    }

    /** As above, with W copied out of the caller's matrix only when a baseline is due. */
    public LayerReport update(long step, Spectrum spectrum, double learningRate, int batchSize,
                              RandomizedBaseline.Weights weights, RandomizedBaseline.GramEigenvalues solver) {
        return update(step, spectrum, learningRate, batchSize, weights, solver, Double.NaN);
    }

    /**
     * As above, with the time of the snapshot for the run's update rate ({@link LayerDynamics}: the ETA and
     * relaxation times in seconds, and a measurement at least every {@value LayerDynamics#MEASURE_SECONDS} s).
     *
     * @param seconds the caller's monotonic clock in seconds (e.g. {@code System.nanoTime() * 1e-9}), NaN if unknown
     */
    public LayerReport update(long step, Spectrum spectrum, double learningRate, int batchSize,
                              RandomizedBaseline.Weights weights, RandomizedBaseline.GramEigenvalues solver,
                              double seconds) {
        if (spectrum.rows() != rows || spectrum.cols() != cols) {
            throw new IllegalArgumentException("layer " + layer + " is " + rows + "×" + cols + ", snapshot is "
                    + spectrum.rows() + "×" + spectrum.cols());
        }
        snapshots++;
        spectrum.copyEigenvalues(x);
        if (weights != null && solver != null && baselineDue(config, snapshots)) {
            if (baseline == null) {
                baseline = new RandomizedBaseline(rows, cols);
            }
            lastBaseline = baseline.compute(step, weights, x, baselineSeed(run, layer, snapshots), solver);
        }
        return accumulate(step, spectrum, learningRate, batchSize, seconds);
    }

    /**
     * As above, with a randomized baseline computed by the caller (in a cluster, by the node that
     * received W, which the node holding these statistics never sees), or null when none was due.
     */
    public LayerReport update(long step, Spectrum spectrum, double learningRate, int batchSize,
                              RandomizedBaseline.Result computedBaseline, double seconds) {
        if (spectrum.rows() != rows || spectrum.cols() != cols) {
            throw new IllegalArgumentException("layer " + layer + " is " + rows + "×" + cols + ", snapshot is "
                    + spectrum.rows() + "×" + spectrum.cols());
        }
        snapshots++;
        spectrum.copyEigenvalues(x);
        if (computedBaseline != null) {
            lastBaseline = computedBaseline;
        }
        return accumulate(step, spectrum, learningRate, batchSize, seconds);
    }

    /** Whether the {@code snapshots}-th snapshot (from 1) of a layer gets a randomized baseline: the first, then every baselineEvery. */
    public static boolean baselineDue(Config config, long snapshots) {
        return config.baselineEvery() > 0 && (snapshots - 1) % config.baselineEvery() == 0;
    }

    /** Seeded by layer and snapshot: reproducible, and a different permutation each time. */
    public static long baselineSeed(String run, String layer, long snapshots) {
        return (run + "/" + layer).hashCode() * 0x9E3779B97F4A7C15L + snapshots;
    }

    /** The running moments, dynamics, stationarity and pairs of the spectrum now in {@code x}, and its report. */
    private LayerReport accumulate(long step, Spectrum spectrum, double learningRate, int batchSize, double seconds) {
        moments.add(x);
        boolean stationary = stationarity.add(x);
        moments.windowMoments(means, variances);

        double targetDistance = Double.NaN;
        boolean converged = stationary;
        if (target.length > 0) {
            targetDistance = StationarityDetector.rmsDistance(means, target);
            double tolerance = config.targetTolerance() * (this.converged ? TARGET_EXIT_RATIO : 1);
            converged = stationary && stationarity.nearTarget(target, tolerance);
        }
        this.converged = converged;
        dynamics.add(step, x, seconds, learningRate, batchSize, converged, stationary, stationarity.getN());

        if (stationary) {
            pairs.addStationary(snapshots, x, learningRate, batchSize);
        }
        lastFull = report(step, spectrum, targetDistance, stationary, converged, learningRate, batchSize);
        return lastFull;
    }

    /**
     * Adds a snapshot of which only the top k eigenvalues are known (a tracked top spectrum) and
     * reports on it: the top eigenvalues, √λ_max and log₁₀ λ_max are this snapshot's; everything that
     * needs the whole spectrum — ⟨r̃⟩, unfolding and KS distances, the Marchenko-Pastur fit, Δ₃ and
     * Σ², running moments, stationarity, target distance, pairs, quantiles, the power-law fit, the
     * baseline — is left as the last full spectrum made it, and the report names that spectrum's step
     * ({@link LayerReport#fullSpectrumStep()}). Nothing accumulates: the windows and pair statistics
     * hold full spectra only, so they never mix a partial one in.
     *
     * @param top ascending, 1 ≤ k ≤ min(rows, cols) values
     * @throws IllegalStateException before the first full spectrum (a tracker starts with one)
     */
    public LayerReport updateTop(long step, double[] top, double learningRate, int batchSize) {
        if (lastFull == null) {
            throw new IllegalStateException("layer " + layer + " has no full spectrum yet: a top spectrum "
                    + "needs the statistics of a full one");
        }
        snapshots++;
        return lastFull.withTop(step, snapshots, top, learningRate, batchSize);
    }

    private LayerReport report(long step, Spectrum spectrum, double targetDistance, boolean stationary,
                               boolean converged, double learningRate, int batchSize) {
        double[] quantiles = new double[LayerReport.QUANTILES.length];
        for (int i = 0; i < quantiles.length; i++) {
            quantiles[i] = spectrum.quantile(LayerReport.QUANTILES[i]);
        }

        double alphaOverBatch = learningRate / batchSize; // NaN or ∞ when unknown
        List<PairReport> pairReports = pairs.reports(alphaOverBatch);
        LayerReportBuilder report = LayerReport.builder(run, layer, step, rows, cols)
                .snapshots(snapshots)
                .spectrum(x, means, variances, quantiles)
                .target(target, targetDistance)
                .convergence(stationary, converged)
                .hyperparameters(learningRate, batchSize)
                .pairs(pairReports, pairs.spacingHistogram(snapshots))
                .dynamics(dynamics.latest());
        SpectrumStatistics.into(report, rows, cols, x, spectrum);
        if (lastBaseline != null) {
            report.baseline(lastBaseline.distance(), lastBaseline.traps(), lastBaseline.step());
        }
        return report.build();
    }

    /**
     * Measures the layer's Dyson dynamics no more often than {@code pace} allows (a monitor's layers share
     * one); by default, whenever due. Returns this.
     */
    public LayerStatistics paced(CpuPace pace) {
        dynamics.pace(pace);
        return this;
    }

    /** Snapshots seen so far. */
    public long snapshots() {
        return snapshots;
    }

    /** The live pair accumulators' count (for tests and the CLI). */
    public int pairCount() {
        return pairs.size();
    }

    /**
     * Everything a layer's statistics hold between two snapshots, as an immutable value that
     * Jackson serialises (records, arrays copied in and out): the checkpoint a restarted monitor
     * resumes from. {@link #restore(State)} continues exactly where {@link #state()} was taken: every
     * sum, ring buffer and decision is copied, not recomputed, so the reports that follow are the
     * ones an uninterrupted run would give, bit for bit.
     *
     * @param pairs     one state per degenerate pair, in the order of the target's pairs
     * @param dynamics  the measured Dyson dynamics; null in a checkpoint written before it was kept, which
     *                  restores with empty dynamics (they measure again from the next snapshot on)
     * @param converged the convergence decision, whose hysteresis needs the previous one (false in older
     *                  checkpoints: the next snapshot decides with the entry tolerance)
     */
    public record State(String run, String layer, int rows, int cols, Config config, double[] target,
                        RunningMoments.State moments, StationarityState stationarity,
                        List<PairStatistics.State> pairs, long snapshots, double[] histogram, long histogramAt,
                        double pairsLearningRate, int pairsBatchSize, LayerDynamics.State dynamics,
                        boolean converged) {

        /** A state without Dyson dynamics and with converged false, as a checkpoint written before them reads. */
        public State(String run, String layer, int rows, int cols, Config config, double[] target,
                     RunningMoments.State moments, StationarityState stationarity,
                     List<PairStatistics.State> pairs, long snapshots, double[] histogram, long histogramAt,
                     double pairsLearningRate, int pairsBatchSize) {
            this(run, layer, rows, cols, config, target, moments, stationarity, pairs, snapshots, histogram,
                    histogramAt, pairsLearningRate, pairsBatchSize, null, false);
        }

        public State {
            target = target.clone();
            histogram = histogram.clone();
            pairs = List.copyOf(pairs);
        }

        @Override
        public double[] target() {
            return target.clone();
        }

        @Override
        public double[] histogram() {
            return histogram.clone();
        }
    }

    /** A copy of the current state (see {@link State}); O(window · modes) and O(dynamics window · tracked modes). */
    public State state() {
        return new State(run, layer, rows, cols, config, target, moments.state(), stationarity.state(), pairs.states(),
                snapshots, pairs.histogram(), pairs.histogramAt(), pairs.learningRate(), pairs.batchSize(),
                dynamics.state(), converged);
    }

    /**
     * The statistics of a layer continued from a checkpoint.
     *
     * @throws IllegalArgumentException if the state is inconsistent (its parts do not fit its shape,
     *                                  window or target)
     */
    public static LayerStatistics restore(State state) {
        return new LayerStatistics(state);
    }

    private LayerStatistics(State state) {
        this(state.run(), state.layer(), state.rows(), state.cols(),
                state.target().length == 0 ? null : state.target(), state.config());
        if (state.pairs().size() != pairs.size()) {
            throw new IllegalArgumentException("statistics state of " + layer + " has " + state.pairs().size()
                    + " pairs, its target has " + pairs.size());
        }
        moments.load(state.moments());
        stationarity.load(state.stationarity());
        pairs.load(state);
        if (state.dynamics() != null) {
            dynamics.load(state.dynamics());
        }
        this.snapshots = state.snapshots();
        this.converged = state.converged();
    }
}

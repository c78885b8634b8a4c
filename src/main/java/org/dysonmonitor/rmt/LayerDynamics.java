package org.dysonmonitor.rmt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The measured Dyson Brownian motion of one layer as {@link LayerStatistics} carries it: a
 * {@link DysonDynamics} of the tracked modes, one of the degenerate-pair centres (x_l + x_{l+1})/2 when
 * the pairs are known, the run's update rate, and the cadence of the measurement.
 *
 * <p><b>Cadence.</b> {@link DysonDynamics#measure} costs about one FFT of 2·window points per tracked mode
 * (≈ 65 FFTs of 8 192 points at the defaults), far more than the O(modes) of adding a snapshot, so it runs
 * from the {@value #MEASURE_EVERY}th snapshot on, every {@value #MEASURE_EVERY} snapshots or when at least
 * {@value #MEASURE_SECONDS} s have passed since the last measurement, whichever comes first; reports in
 * between carry the last {@link DysonReport}. A fast run thus measures at most every 50 snapshots, a slow
 * one at most once per snapshot. A measurement of 64 tracked modes costs up to 110–125 ms of a core with a
 * full window (most of it the ETA's relaxation fits and simulated futures), which a whole model pays once per layer: a 17-layer model sending a snapshot
 * every 0.7 s, measured every second, took 240 ms of the monitor's CPU per snapshot against 80 ms without.
 * So, with times, a layer also waits as long as its {@link CpuPace} says after each measurement (all
 * layers' measurements together within a share of one core); the estimates, over a window of up to 4 096
 * snapshots, change little in between.
 *
 * <p><b>Update rate.</b> (step_newest − step_oldest)/(t_newest − t_oldest) over the last
 * {@value #RATE_SNAPSHOTS} snapshots that came with a time, the caller's monotonic clock; NaN without times.
 *
 * <p><b>Pairs.</b> The ordered members of a degenerate pair repel each other (the Coulomb term), so their
 * one-mode fits mix the centre's slow motion with the fast spacing; the centre is a one-mode process with
 * half the noise. The rows of the members are replaced by one row for the centre (under the lower member's
 * index).
 *
 * <p><b>ETA.</b> The report's ETA is {@link ConvergenceForecast}: when the layer's stationarity detector is
 * forecast to declare convergence, from every tracked mode's fitted relaxation (the ordered members of the
 * pairs, as the detector sees them), the target and its tolerance; 0 while the caller says the layer is
 * converged. A change of that state sets the ETA at once, between measurements too: 0 on entry, unknown on
 * exit until the next measurement.
 *
 * <p>A step that is not after the previous one is skipped; a step before the first one of the window (a run
 * restarted under the same name) starts the measurement afresh. Not thread-safe: owned by one actor.
 */
public final class LayerDynamics {

    /** Snapshots between two measurements at most (and before the first one). */
    public static final int MEASURE_EVERY = 50;
    /** Seconds between two measurements at most, when the snapshots come with times. */
    public static final double MEASURE_SECONDS = 10.0;
    /** Snapshots over which the update rate is measured. */
    static final int RATE_SNAPSHOTS = 64;

    private final int size;
    private final DysonDynamics.Config config;
    private final List<DegeneratePair> pairs;
    private final RelaxationForecast.Detector detector;
    private final double[] target;
    private final double tolerance;
    private boolean converged;
    private boolean stationary;
    private final Set<Integer> paired = new HashSet<>();
    private final double[] centres;
    private final long[] rateSteps = new long[RATE_SNAPSHOTS];
    private final double[] rateTimes = new double[RATE_SNAPSHOTS];
    private int rateCount;
    private int rateNext;
    private DysonDynamics modes;
    private DysonDynamics centreDynamics;
    private long firstStep;
    private long lastStep;
    private long added;
    private long detectorSnapshots;
    private long measuredAt;
    private double measuredTime = Double.NaN;
    private CpuPace pace = CpuPace.UNLIMITED;
    /** Seconds the pace asks to wait after the last measurement. */
    private double paceWait;
    private DysonReport latest = DysonReport.NONE;

    /**
     * @param size   eigenvalues per spectrum
     * @param pairs  the layer's degenerate pairs (empty when no target is known)
     * @param config window, bins, cap, band
     */
    public LayerDynamics(int size, List<DegeneratePair> pairs, DysonDynamics.Config config) {
        this(size, pairs, config, RelaxationForecast.Detector.defaults(), null, Double.NaN);
    }

    /**
     * @param size      eigenvalues per spectrum
     * @param pairs     the layer's degenerate pairs (empty when no target is known)
     * @param config    window, bins, cap, band
     * @param detector  the settings of the layer's stationarity detector, whose decision the ETA forecasts
     * @param target    the ascending target spectrum (length {@code size}), or null if none is known
     * @param tolerance the detector's relative target tolerance (ignored without a target)
     */
    public LayerDynamics(int size, List<DegeneratePair> pairs, DysonDynamics.Config config,
                         RelaxationForecast.Detector detector, double[] target, double tolerance) {
        this.size = size;
        this.config = config;
        this.detector = detector;
        if (target != null && target.length != size) {
            throw new IllegalArgumentException(target.length + " target values for a spectrum of " + size);
        }
        this.target = target == null ? null : target.clone();
        this.tolerance = tolerance;
        this.pairs = List.copyOf(pairs);
        for (DegeneratePair p : this.pairs) {
            if (p.upper() >= size) {
                throw new IllegalArgumentException("pair " + p.label() + " outside a spectrum of " + size);
            }
            paired.add(p.lower());
            paired.add(p.upper());
        }
        this.centres = new double[this.pairs.size()];
        restart();
    }

    /** Measures no more often than {@code pace} allows (by default: whenever due). */
    void pace(CpuPace pace) {
        this.pace = pace;
    }

    private void restart() {
        modes = new DysonDynamics(size, config);
        centreDynamics = pairs.isEmpty() ? null : new DysonDynamics(pairs.size(), config);
        added = 0;
        measuredAt = 0;
        measuredTime = Double.NaN;
        paceWait = 0;
        rateCount = 0;
        latest = DysonReport.NONE;
    }

    /**
     * Adds one snapshot and measures when due.
     *
     * @param step         training step
     * @param eigenvalues  the ascending spectrum (not modified)
     * @param seconds      the caller's monotonic clock at this snapshot in seconds, NaN if unknown
     * @param learningRate α, NaN if unknown (for the what-ifs)
     * @param batchSize    |B|, 0 if unknown
     * @return the latest measurement (this one's, or the previous one)
     */
    public DysonReport add(long step, double[] eigenvalues, double seconds, double learningRate, int batchSize) {
        return add(step, eigenvalues, seconds, learningRate, batchSize, false, false, added + 1);
    }

    /**
     * As above, with the layer's convergence as its detector has just decided it.
     *
     * @param converged  whether the detector declares the layer converged after this snapshot
     * @param stationary whether the detector is stationary after this snapshot (converged needs the target too)
     * @param snapshots  snapshots the detector has seen, this one included (its block phase)
     */
    public DysonReport add(long step, double[] eigenvalues, double seconds, double learningRate, int batchSize,
                           boolean converged, boolean stationary, long snapshots) {
        boolean changed = converged != this.converged;
        this.converged = converged;
        this.stationary = stationary;
        this.detectorSnapshots = snapshots;
        if (added > 0 && step < firstStep) {
            restart();
        } else if (added > 0 && step <= lastStep) {
            return latest;
        }
        if (added == 0) {
            firstStep = step;
        }
        lastStep = step;
        added++;
        modes.add(step, eigenvalues);
        if (centreDynamics != null) {
            for (int k = 0; k < centres.length; k++) {
                DegeneratePair p = pairs.get(k);
                centres[k] = 0.5 * (eigenvalues[p.lower()] + eigenvalues[p.upper()]);
            }
            centreDynamics.add(step, centres);
        }
        if (Double.isFinite(seconds)) {
            rateSteps[rateNext] = step;
            rateTimes[rateNext] = seconds;
            rateNext = (rateNext + 1) % RATE_SNAPSHOTS;
            rateCount = Math.min(rateCount + 1, RATE_SNAPSHOTS);
        }
        // With times, the pace's wait holds back both the 50-snapshot and the 10-second rule (a comparison with
        // NaN is false: untimed snapshots never wait).
        boolean due = added >= MEASURE_EVERY && (added - measuredAt >= MEASURE_EVERY
                || (added > measuredAt && seconds - measuredTime >= MEASURE_SECONDS))
                && !(seconds - measuredTime < paceWait);
        if (due) {
            measuredAt = added;
            measuredTime = seconds;
            long cpu = pace.cpuNanos();
            latest = measure(step, learningRate, batchSize);
            paceWait = pace.worked(this, (pace.cpuNanos() - cpu) * 1e-9, seconds);
        } else if (changed && latest != DysonReport.NONE) {
            latest = latest.withEta(converged ? ConvergenceForecast.CONVERGED : ConvergenceForecast.UNKNOWN);
        }
        return latest;
    }

    /** The latest measurement. */
    public DysonReport latest() {
        return latest;
    }

    /** Steps per second over the recent timed snapshots, NaN with fewer than two or no elapsed time. */
    public double updatesPerSecond() {
        if (rateCount < 2) {
            return Double.NaN;
        }
        int newest = (rateNext + RATE_SNAPSHOTS - 1) % RATE_SNAPSHOTS;
        int oldest = rateCount < RATE_SNAPSHOTS ? 0 : rateNext;
        double dt = rateTimes[newest] - rateTimes[oldest];
        return dt > 0 ? (rateSteps[newest] - rateSteps[oldest]) / dt : Double.NaN;
    }

    private DysonReport measure(long step, double learningRate, int batchSize) {
        double rate = updatesPerSecond();
        List<ModeReport> rows = new ArrayList<>();
        List<ModeDynamics> measured = modes.measure(rate).modes();
        List<ModeDynamics> oneMode = new ArrayList<>();
        for (ModeDynamics m : measured) {
            if (!paired.contains(m.mode())) {
                rows.add(ModeReport.of(m, null, rate));
                addMoving(oneMode, m);
            }
        }
        if (centreDynamics != null) {
            for (ModeDynamics c : centreDynamics.measure(rate).modes()) {
                DegeneratePair p = pairs.get(c.mode());
                ModeDynamics centre = c.withMode(p.lower());
                rows.add(ModeReport.of(centre, p.label(), rate));
                addMoving(oneMode, centre);
            }
        }
        ConvergenceEta band = ConvergenceEta.of(oneMode, config.band(), rate);
        rows.sort(Comparator.comparingInt(ModeReport::mode));
        ConvergenceForecast eta = converged ? ConvergenceForecast.CONVERGED : forecast(rate, measured);
        int window = (int) Math.min(modes.count(), config.window());
        return new DysonReport(rows, Double.NaN, Double.NaN, -1, config.band(), rate, step, added, window,
                whatIfs(learningRate, batchSize), LinearScalingWhatIf.MEASURED_LINEAR_LIMIT, Double.NaN, Double.NaN,
                band.updates(), band.seconds()).withEta(eta);
    }

    /**
     * Adds a row to the band time's modes unless its drift could not be fitted at all (no two bins of the window
     * hold increments: a mode that does not measurably move, e.g. the RBM's modes pinned at x = 0, has no
     * distance to cover). A fitted drift that does not restore still makes the band time unknown.
     */
    private static void addMoving(List<ModeDynamics> modes, ModeDynamics m) {
        if (Double.isFinite(m.driftSlope())) {
            modes.add(m);
        }
    }

    private ConvergenceForecast forecast(double rate, List<ModeDynamics> measured) {
        List<RelaxationForecast.Mode> fits = modes.forecast(detector, measured);
        double[] tracked = null;
        if (target != null && !fits.isEmpty()) {
            tracked = new double[fits.size()];
            for (int i = 0; i < tracked.length; i++) {
                tracked[i] = target[fits.get(i).mode()];
            }
        }
        return ConvergenceForecast.of(fits, modes.instability(detector, fits), tracked, tolerance, detector,
                detectorSnapshots, stationary,
                modes.stepsPerSnapshot(), rate);
    }

    /**
     * Everything a LayerDynamics holds between two snapshots, for checkpoints: the windows of the modes and of
     * the pair centres (null without pairs, and null when the modes' window holds both members of every pair:
     * the centres are then rebuilt from it, a fifth of a 10 × 10 RBM layer's checkpoint saved), the recent
     * timed snapshots oldest first, the cadence and the latest measurement. A LayerDynamics built with the same size, pairs and settings that {@link #load}s it
     * gives the same reports as the one it was taken from.
     */
    public record State(DysonDynamics.State modes, DysonDynamics.State centres, long[] rateSteps,
                        double[] rateTimes, long firstStep, long lastStep, long added, long measuredAt,
                        double measuredTime, DysonReport latest, boolean converged, long detectorSnapshots,
                        boolean stationary) {
        public State {
            rateSteps = rateSteps.clone();
            rateTimes = rateTimes.clone();
        }

        @Override
        public long[] rateSteps() {
            return rateSteps.clone();
        }

        @Override
        public double[] rateTimes() {
            return rateTimes.clone();
        }
    }

    /** A copy of the current state (see {@link State}). */
    public State state() {
        long[] steps = new long[rateCount];
        double[] times = new double[rateCount];
        int oldest = rateCount < RATE_SNAPSHOTS ? 0 : rateNext;
        for (int k = 0; k < rateCount; k++) {
            steps[k] = rateSteps[(oldest + k) % RATE_SNAPSHOTS];
            times[k] = rateTimes[(oldest + k) % RATE_SNAPSHOTS];
        }
        DysonDynamics.State window = modes.state();
        DysonDynamics.State centreWindow = centreDynamics == null || pairsTracked(window.size(), window.config())
                ? null : centreDynamics.state();
        return new State(window, centreWindow, steps, times,
                firstStep, lastStep, added, measuredAt, measuredTime, latest, converged, detectorSnapshots,
                stationary);
    }

    /**
     * Continues from {@code state}, taken from a LayerDynamics with this one's size, pairs and settings.
     *
     * @throws IllegalArgumentException if it does not fit them
     */
    void load(State state) {
        DysonDynamics.State centreWindow = state.centres() == null && centreDynamics != null
                ? centresFrom(state.modes()) : state.centres();
        if ((centreWindow == null) != (centreDynamics == null) || state.rateSteps().length > RATE_SNAPSHOTS
                || state.rateSteps().length != state.rateTimes().length || state.modes().size() != size
                || (centreWindow != null && centreWindow.size() != pairs.size())) {
            throw new IllegalArgumentException("Dyson dynamics state does not fit " + size + " modes and "
                    + pairs.size() + " pairs");
        }
        modes = DysonDynamics.restore(state.modes());
        centreDynamics = centreWindow == null ? null : DysonDynamics.restore(centreWindow);
        long[] steps = state.rateSteps();
        double[] times = state.rateTimes();
        rateCount = steps.length;
        System.arraycopy(steps, 0, rateSteps, 0, rateCount);
        System.arraycopy(times, 0, rateTimes, 0, rateCount);
        rateNext = rateCount % RATE_SNAPSHOTS;
        firstStep = state.firstStep();
        lastStep = state.lastStep();
        added = state.added();
        measuredAt = state.measuredAt();
        measuredTime = state.measuredTime();
        latest = state.latest() == null ? DysonReport.NONE : state.latest();
        converged = state.converged();
        detectorSnapshots = state.detectorSnapshots();
        stationary = state.stationary();
    }

    /**
     * The pair centres' window rebuilt from the modes' window, when both members of every pair are tracked
     * (every layer of at most {@value TrackedModes#DEFAULT_MAX} modes): the same (x_l + x_u)/2 of the same
     * doubles, so a checkpoint need not store it. Null without pairs or when a member is not tracked.
     */
    private DysonDynamics.State centresFrom(DysonDynamics.State window) {
        if (pairs.isEmpty() || window.size() != size || !pairsTracked(window.size(), window.config())) {
            return null;
        }
        int[] tracked = TrackedModes.select(window.size(), window.config().maxTracked());
        int[] at = new int[window.size()];
        java.util.Arrays.fill(at, -1);
        for (int t = 0; t < tracked.length; t++) {
            at[tracked[t]] = t;
        }
        long[] steps = window.steps();
        double[] values = window.values();
        int n = steps.length;
        double[] centre = new double[pairs.size() * n];
        for (int k = 0; k < pairs.size(); k++) {
            int lower = at[pairs.get(k).lower()];
            int upper = at[pairs.get(k).upper()];
            for (int j = 0; j < n; j++) {
                centre[k * n + j] = 0.5 * (values[lower * n + j] + values[upper * n + j]);
            }
        }
        return new DysonDynamics.State(pairs.size(), config, window.count(), steps, centre);
    }

    /** Whether a window of {@code modes} modes under {@code config} tracks both members of every pair. */
    private boolean pairsTracked(int modes, DysonDynamics.Config config) {
        Set<Integer> tracked = new HashSet<>();
        for (int t : TrackedModes.select(modes, config.maxTracked())) {
            tracked.add(t);
        }
        return tracked.containsAll(paired);
    }

    /** ×2 and ×½ the batch, ×½ and ×2 the learning rate, when both are known. */
    static List<DysonReport.WhatIf> whatIfs(double learningRate, int batchSize) {
        List<DysonReport.WhatIf> out = new ArrayList<>();
        if (!(learningRate > 0) || !Double.isFinite(learningRate) || batchSize < 1) {
            return out;
        }
        double[][] moves = {{1, 2}, {1, 0.5}, {0.5, 1}, {2, 1}};
        for (double[] move : moves) {
            double lr = learningRate * move[0];
            int batch = (int) Math.round(batchSize * move[1]);
            if (batch < 1 || (batch == batchSize && move[1] != 1)) {
                continue;
            }
            LinearScalingWhatIf w = LinearScalingWhatIf.at(1.0, learningRate, batchSize, lr, batch);
            out.add(new DysonReport.WhatIf(lr, batch, w.varianceFactor(), w.relaxationFactor(), lr / batch,
                    w.beyondLinear()));
        }
        return out;
    }
}

package org.dysonmonitor.rmt;

import java.util.ArrayList;
import java.util.List;

/**
 * Streaming Dyson-Brownian-motion measurement of one layer: keeps the last {@code window} snapshots of
 * the tracked modes ({@link TrackedModes}) and, on request, fits each mode's drift and diffusion
 * ({@link KramersMoyalFit}) and the layer's {@link ConvergenceEta}.
 *
 * <p>Memory is fixed at construction: (tracked modes + 1) × window values, whatever the layer size and the
 * run length; the fit always describes the most recent window (it forgets a transient once the window has
 * passed it). {@link #add} is O(tracked modes) and allocates nothing; {@link #measure} is
 * O(tracked · window · log window) (the autocorrelation time's FFT) and allocates its results, so a caller
 * with large layers should measure every few snapshots rather than on each one. Not thread-safe: owned by
 * one actor; the results are immutable.
 */
public final class DysonDynamics {

    /**
     * @param window      snapshots kept per tracked mode (≥ 3); the fit's statistics grow with it
     * @param bins        bins of the conditional mean increment (≥ 2)
     * @param range       binned range, ± this many window standard deviations around the window mean
     * @param maxTracked  most modes tracked (≥ 2); see {@link TrackedModes}
     * @param band        k of the stationary band kσ used by the ETA
     */
    public record Config(int window, int bins, double range, int maxTracked, double band) {
        public Config {
            if (window < 3 || bins < 2 || !(range > 0) || maxTracked < 2 || !(band > 0)) {
                throw new IllegalArgumentException("need window >= 3, bins >= 2, range > 0, maxTracked >= 2,"
                        + " band > 0; got " + window + ", " + bins + ", " + range + ", " + maxTracked + ", " + band);
            }
        }

        /** 4096 snapshots, 16 bins over ±3 s.d., 64 modes, 3σ band. */
        public static Config defaults() {
            return new Config(4096, 16, 3.0, TrackedModes.DEFAULT_MAX, ConvergenceEta.DEFAULT_BAND);
        }
    }

    /**
     * What {@link #measure} returns: one entry per tracked mode with at least 3 snapshots, and the ETA.
     */
    public record Report(List<ModeDynamics> modes, ConvergenceEta eta) {
        public Report {
            modes = List.copyOf(modes);
        }
    }

    private final int size;
    private final int[] tracked;
    private final Config config;
    /** Ring of the tracked modes' values, mode-major: values[t·window + slot]. */
    private final double[] values;
    private final long[] steps;
    private long count;
    private int next;

    /**
     * @param size   number of eigenvalues in every spectrum of the layer
     * @param config window, bins, cap
     */
    public DysonDynamics(int size, Config config) {
        this.size = size;
        this.config = config;
        this.tracked = TrackedModes.select(size, config.maxTracked());
        if ((long) tracked.length * config.window() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tracked modes × window too large");
        }
        this.values = new double[tracked.length * config.window()];
        this.steps = new long[config.window()];
    }

    /**
     * Adds one snapshot.
     *
     * @param step        training step (strictly larger than the previous one)
     * @param eigenvalues the ascending spectrum of the layer, length {@code size} (not modified)
     */
    public void add(long step, double[] eigenvalues) {
        if (eigenvalues.length != size) {
            throw new IllegalArgumentException("expected " + size + " eigenvalues, got " + eigenvalues.length);
        }
        if (count > 0 && step <= latestStep()) {
            throw new IllegalArgumentException("step " + step + " is not after the previous step " + latestStep());
        }
        int w = config.window();
        for (int t = 0; t < tracked.length; t++) {
            values[t * w + next] = eigenvalues[tracked[t]];
        }
        steps[next] = step;
        next = next + 1 == w ? 0 : next + 1;
        count++;
    }

    /**
     * Fits every tracked mode on the current window (modes with fewer than 3 snapshots, or a constant series,
     * are left out) and the ETA.
     *
     * @param updatesPerSecond the run's measured update rate, for the ETA in seconds (NaN if unknown)
     */
    public Report measure(double updatesPerSecond) {
        int n = (int) Math.min(count, config.window());
        List<ModeDynamics> out = new ArrayList<>();
        if (n >= 3) {
            long[] s = new long[n];
            double[] x = new double[n];
            int w = config.window();
            int oldest = count < w ? 0 : next;
            for (int k = 0; k < n; k++) {
                s[k] = steps[(oldest + k) % w];
            }
            for (int t = 0; t < tracked.length; t++) {
                boolean constant = true;
                for (int k = 0; k < n; k++) {
                    x[k] = values[t * w + (oldest + k) % w];
                    constant &= x[k] == x[0];
                }
                if (!constant) {
                    out.add(KramersMoyalFit.fit(tracked[t], s, x, n, config.bins(), config.range()));
                }
            }
        }
        return new Report(out, ConvergenceEta.of(out, config.band(), updatesPerSecond));
    }

    /**
     * Each tracked mode's {@link RelaxationForecast} from the window: its snapshots averaged into blocks of the
     * detector's length, aligned to end with the newest snapshot (older incomplete blocks left out). Empty
     * with fewer than 8 complete blocks. O(tracked · window) plus the fits.
     */
    public List<RelaxationForecast.Mode> forecast(RelaxationForecast.Detector detector) {
        return forecast(detector, List.of());
    }

    /**
     * As above, with the block means' noise from the measured one-mode dynamics: a mode relaxing at rate
     * Ω = 1/(τLΔ) per update (τ the fit's, in blocks of L snapshots Δ updates apart: the rate of its final
     * exponential approach, which for a one-mode Langevin process is also the rate at which its fluctuations
     * decorrelate) with the measured diffusion g² ({@link ModeDynamics#diffusion()}, from every snapshot pair
     * of the window) has σ² = 2g²/(1 − e^{−2Ω}) and, per snapshot, a = e^{−ΩΔ}; its block means then have
     * variance σ²F(a) and lag-one correlation ρ_b(a) ({@link DetectorSimulation}). The fit's residuals of a
     * few correlated block means estimate both too low early in a run (ρ̂ ≈ 0.35 for a true 0.85 at 12
     * blocks). The Kramers–Moyal rate itself is not used: it is the slope at the window mean, which during a
     * nonlinear approach (the RBM's) is not the rate near the fixed point; with it the RBM's forecasts came
     * out 1 000 updates late on average. Modes without a measured diffusion keep the residuals' noise.
     */
    public List<RelaxationForecast.Mode> forecast(RelaxationForecast.Detector detector, List<ModeDynamics> measured) {
        int n = (int) Math.min(count, config.window());
        int length = detector.blockLength();
        int blocks = n / length;
        List<RelaxationForecast.Mode> out = new ArrayList<>();
        if (blocks < RelaxationForecast.MIN_BLOCKS) {
            return out;
        }
        double delta = stepsPerSnapshot();
        double[] means = new double[blocks];
        for (int t = 0; t < tracked.length; t++) {
            blockMeans(t, length, blocks, means);
            RelaxationForecast.Mode fit = RelaxationForecast.of(tracked[t], means, blocks, detector);
            for (ModeDynamics m : measured) {
                if (m.mode() == tracked[t] && m.diffusion() > 0 && Double.isFinite(m.diffusion())
                        && fit.tau() > 0 && Double.isFinite(fit.tau())) {
                    double omega = 1 / (fit.tau() * length * delta);
                    double phi = Math.exp(-omega);
                    double a = Math.exp(-omega * delta);
                    double variance = 2 * m.diffusion() / (1 - phi * phi);
                    fit = fit.withNoise(variance * DetectorSimulation.blockVarianceFactor(a, length),
                            Math.min(0.999, DetectorSimulation.blockCorrelation(a, length)));
                }
            }
            out.add(fit);
        }
        return out;
    }

    /**
     * How far the forecast of {@code fits} ({@link #forecast}, from this window) moves when the newest blocks
     * are left out ({@link ForecastInstability}); {@link ForecastInstability#NONE} without fits.
     */
    public ForecastInstability instability(RelaxationForecast.Detector detector, List<RelaxationForecast.Mode> fits) {
        int length = detector.blockLength();
        int blocks = (int) Math.min(count, config.window()) / length;
        if (fits.size() != tracked.length || blocks < RelaxationForecast.MIN_BLOCKS) {
            return ForecastInstability.NONE;
        }
        double[][] means = new double[tracked.length][];
        for (int t = 0; t < tracked.length; t++) {
            means[t] = new double[blocks];
            blockMeans(t, length, blocks, means[t]);
        }
        return ForecastInstability.of(fits, means, blocks, detector);
    }

    /** Tracked mode t's last {@code blocks} block means of {@code length} snapshots, ending with the newest. */
    private void blockMeans(int t, int length, int blocks, double[] means) {
        int w = config.window();
        int first = (next + w - blocks * length) % w;
        for (int b = 0; b < blocks; b++) {
            double sum = 0;
            for (int j = 0; j < length; j++) {
                sum += values[t * w + (first + b * length + j) % w];
            }
            means[b] = sum / length;
        }
    }

    /** Mean steps between two snapshots of the window, NaN with fewer than two. */
    public double stepsPerSnapshot() {
        int n = (int) Math.min(count, config.window());
        if (n < 2) {
            return Double.NaN;
        }
        int w = config.window();
        long oldest = steps[count < w ? 0 : next];
        return (double) (latestStep() - oldest) / (n - 1);
    }

    /**
     * The window as an immutable value, for checkpoints: the layer size, the settings, the snapshots added
     * and the kept snapshots oldest first (steps, and values mode-major: values[t·kept + k] for tracked mode
     * t). {@link #restore} gives a DysonDynamics whose measurements and forecasts equal this one's.
     */
    public record State(int size, Config config, long count, long[] steps, double[] values) {
        public State {
            steps = steps.clone();
            values = values.clone();
        }

        @Override
        public long[] steps() {
            return steps.clone();
        }

        @Override
        public double[] values() {
            return values.clone();
        }
    }

    /** A copy of the window (see {@link State}); O(tracked · window). */
    public State state() {
        int w = config.window();
        int n = (int) Math.min(count, w);
        int oldest = count < w ? 0 : next;
        long[] keptSteps = new long[n];
        double[] kept = new double[tracked.length * n];
        for (int k = 0; k < n; k++) {
            keptSteps[k] = steps[(oldest + k) % w];
            for (int t = 0; t < tracked.length; t++) {
                kept[t * n + k] = values[t * w + (oldest + k) % w];
            }
        }
        return new State(size, config, count, keptSteps, kept);
    }

    /**
     * A DysonDynamics continued from {@code state}.
     *
     * @throws IllegalArgumentException if the kept snapshots do not fit the state's size, window and count
     */
    public static DysonDynamics restore(State state) {
        DysonDynamics d = new DysonDynamics(state.size(), state.config());
        int w = d.config.window();
        long[] keptSteps = state.steps();
        double[] kept = state.values();
        int n = keptSteps.length;
        if (n != Math.min(state.count(), w) || kept.length != d.tracked.length * n) {
            throw new IllegalArgumentException("Dyson dynamics state does not fit a window of " + w + " and "
                    + d.tracked.length + " tracked modes");
        }
        for (int k = 0; k < n; k++) {
            d.steps[k] = keptSteps[k];
            for (int t = 0; t < d.tracked.length; t++) {
                d.values[t * w + k] = kept[t * n + k];
            }
        }
        d.count = state.count();
        d.next = n % w;
        return d;
    }

    /** The tracked modes, ascending indices into the spectrum. */
    public int[] trackedModes() {
        return tracked.clone();
    }

    /** Snapshots added since construction. */
    public long count() {
        return count;
    }

    private long latestStep() {
        int w = config.window();
        return steps[(next + w - 1) % w];
    }
}

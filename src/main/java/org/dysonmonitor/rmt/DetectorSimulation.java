package org.dysonmonitor.rmt;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * When the layer's {@link StationarityDetector} will declare it converged, by running the detector itself
 * forward on simulated futures of its tracked modes' block means: the distribution of the decision's
 * time, not only the time at which a noise-free curve crosses z_enter.
 *
 * <p><b>Why simulate.</b> The detector enters at the <i>first</i> evaluation with max over modes of |t| ≤
 * z_enter, and a noisy t (its slope and its residual variance are both estimated from K block means) dips
 * below the threshold before the noise-free t(ℓ) of {@link RelaxationForecast} does: a first passage, earlier
 * on average, with a scatter set by the noise of t and by how fast t(ℓ) falls. The max over several modes
 * moves it later; a detector already stationary but not near its target stays stationary until P
 * consecutive evaluations exceed z_exit (the hysteresis), so it does not re-enter at all. None of these has
 * a closed form; each path below is one realisation of all of them.
 *
 * <p><b>A path.</b> The future block means of each mode are its fitted curve ({@link RelaxationForecast},
 * parameters fixed at the fit) plus the mean over each block of L snapshots of an AR(1) noise,
 * e_s = a·e_{s−1} + σ√(1 − a²)η, continuing from the newest block's residual: a mode near its fixed point is
 * an Ornstein–Uhlenbeck process sampled every snapshot, whose block means have variance σ_b² = σ²F(a),
 * F(a) = (L + 2Σ_{j&lt;L}(L − j)a^j)/L², and lag-one correlation ρ_b = a(1 − a^L)²/((1 − a)²L²F(a)) (a^L·ρ_b
 * beyond). The mode's σ_b² and ρ_b come from its measured diffusion and fitted relaxation time
 * ({@link DysonDynamics#forecast(RelaxationForecast.Detector, List)}), else from the fit's residuals; a is
 * the root of ρ_b(a) = ρ and σ² = σ_b²/F(a). (An AR(1) of the block means with the same ρ is more
 * correlated at longer lags than this, and its detector enters earlier.) The detector's window starts with the newest K observed block means and slides one
 * simulated block per evaluation; its trend statistic (slope over its standard error, {@link TrendStatistic})
 * and, with a target, RMS(window means − target) ≤ tol·RMS(target) decide, with the entry and exit rules of
 * the detector from its current state.
 *
 * <p><b>What it leaves out.</b> The fit's parameter uncertainty: drawing (a, b, u_m, τ) from the
 * Gauss–Newton covariance moved the forecast early on the Ornstein–Uhlenbeck tests (in the exponential regime
 * only b·e^{u_m/τ} is determined, and the draws with u_m &gt; 0 must be capped), so the paths keep the fit.
 * The spread of the arrivals is therefore that of the detector's noisy decision given the fitted curves: on
 * an Ornstein–Uhlenbeck relaxation it covers the real miss about as often as it should
 * (ConvergenceForecastCalibrationTest); on the RBM, where the fit moves as blocks come in (its parameters are
 * poorly determined during the growth and one logistic rate misdescribes growth and relaxation), it is 2–4
 * times too small. {@link ConvergenceForecast} adds that movement, measured in hindsight
 * ({@link ForecastInstability}), to the error.
 *
 * <p><b>A block at once.</b> The L snapshots of a block are not drawn one by one: given the noise e₀ at
 * the block's start, the block's sum S = Σ e_s and its last value e_L are jointly Gaussian (means e₀Σa^s and
 * e₀a^L, covariances from the AR(1)'s weights, {@link BlockNoise}), so two normal draws make a block.
 *
 * <p><b>Bounded cost.</b> It runs on the layer's actor, beside the spectra: a forecast simulates at most
 * {@value #BUDGET} mode-blocks (paths × modes × leads, each O(1): the fitted curves are evaluated once per
 * lead, and the detector's window sums are kept as blocks come and go). A layer with many tracked modes gets
 * fewer paths (not below {@value #MIN_PATHS}), then a shorter reach; a median arrival beyond the reach is no
 * forecast (null), not a guess.
 *
 * <p>Deterministic: a fixed seed, so the same window gives the same forecast (a restored layer reports what
 * an uninterrupted one does). Allocation O(modes · (K + reach)), at most about {@value #BUDGET}/{@value #MIN_PATHS}
 * doubles for the curves.
 */
final class DetectorSimulation {

    /** Simulated futures per forecast: the 16 % and 84 % quantiles to about ±2.5 % in probability. */
    static final int PATHS = 200;

    /** The fewest paths a forecast of many modes falls back to before it shortens its reach. */
    static final int MIN_PATHS = 100;

    /**
     * Mode-blocks one forecast may simulate: ≈ 8 ms of a core on a 2-core AMD EPYC VM, ≈ 30 ns each (≈ 85 ns
     * when the curves were evaluated on every path and the window summed at every evaluation).
     */
    static final long BUDGET = 250_000;

    private static final long SEED = 0x5DEECE66DL;

    private DetectorSimulation() {
    }

    /**
     * Leads in blocks (from the newest complete block of the fits) at which each path's detector declares
     * convergence, ascending; +∞ for a path that has not by {@code horizon}.
     *
     * @param modes      the tracked modes' fits
     * @param target     their target values, or null
     * @param tolerance  relative target tolerance
     * @param detector   the detector's settings
     * @param firstLead  the first lead at which the detector evaluates with a full window (≥ 1)
     * @param stationary whether the detector is stationary now
     * @param horizon    the last lead simulated
     */
    static double[] leads(List<RelaxationForecast.Mode> modes, double[] target, double tolerance,
                          RelaxationForecast.Detector detector, int firstLead, boolean stationary, int horizon) {
        int n = modes.size();
        int k = detector.blocks();
        double kBar = 0.5 * (k - 1);
        double sxx = TrendStatistic.sxx(k);
        double limit = Double.NaN;
        if (target != null) {
            double scale = 0;
            for (double v : target) {
                scale += v * v;
            }
            limit = tolerance * tolerance * (scale > 0 ? scale : target.length);
        }
        int length = detector.blockLength();
        int paths = (int) Math.max(MIN_PATHS, Math.min(PATHS, BUDGET / ((long) n * horizon)));
        int reach = (int) Math.min(horizon, Math.max(1, BUDGET / ((long) paths * n)));
        double[] reference = new double[n];
        BlockNoise[] blockNoise = new BlockNoise[n];
        for (int m = 0; m < n; m++) {
            RelaxationForecast.Mode f = modes.get(m);
            reference[m] = f.offset() + f.amplitude();
            double lag = snapshotCorrelation(f.rho(), length);
            double kick = Math.sqrt(f.noise() / blockVarianceFactor(lag, length) * (1 - lag * lag));
            blockNoise[m] = new BlockNoise(lag, kick, length);
        }
        // The fitted curves at each lead are the same on every path: evaluated once, not once per path.
        double[][] curves = new double[n][reach + 1];
        for (int m = 0; m < n; m++) {
            for (int lead = 1; lead <= reach; lead++) {
                curves[m][lead] = modes.get(m).curve(lead) - reference[m];
            }
        }
        SplittableRandom rng = new SplittableRandom(SEED);
        Window[] windows = new Window[n];
        for (int m = 0; m < n; m++) {
            windows[m] = new Window(k);
        }
        double[] noise = new double[n];
        double[] leads = new double[paths];
        for (int p = 0; p < paths; p++) {
            for (int m = 0; m < n; m++) {
                RelaxationForecast.Mode f = modes.get(m);
                windows[m].clear();
                for (double y : f.recent()) {
                    windows[m].push(y - reference[m]);
                }
                noise[m] = f.residual();
            }
            boolean stat = stationary;
            int run = 0;
            leads[p] = Double.POSITIVE_INFINITY;
            for (int lead = 1; lead <= reach; lead++) {
                for (int m = 0; m < n; m++) {
                    BlockNoise b = blockNoise[m];
                    double z1 = rng.nextGaussian();
                    double sum = b.sum(noise[m], z1, rng.nextGaussian());
                    noise[m] = b.last(noise[m], z1);
                    windows[m].push(curves[m][lead] + sum / length);
                }
                if (lead < firstLead || !windows[0].full()) {
                    continue;
                }
                double max = 0;
                double distance = 0;
                for (int m = 0; m < n; m++) {
                    Window w = windows[m];
                    double slope = (w.s1 - kBar * w.s0) / sxx;
                    double rss = Math.max(0, w.s2 - w.s0 * w.s0 / k - slope * slope * sxx);
                    double v = rss / (k - 2);
                    max = Math.max(max, v > 0 ? Math.abs(slope) / Math.sqrt(v / sxx)
                            : slope == 0 ? 0 : Double.POSITIVE_INFINITY);
                    if (target != null) {
                        double d = reference[m] + w.s0 / k - target[m];
                        distance += d * d;
                    }
                }
                run = stat && max > detector.zExit() ? run + 1 : 0;
                if (stat && run >= detector.exitEvaluations()) {
                    stat = false;
                    run = 0;
                } else if (!stat && max <= detector.zEnter()) {
                    stat = true;
                }
                if (stat && (target == null || distance <= limit)) {
                    leads[p] = lead;
                    break;
                }
            }
        }
        Arrays.sort(leads);
        return leads;
    }

    /** σ_b²/σ² = (L + 2Σ_{j<L}(L − j)a^j)/L² for the mean of L snapshots of an AR(1) with lag-one a. */
    static double blockVarianceFactor(double a, int length) {
        double s = length;
        for (int j = 1; j < length; j++) {
            s += 2.0 * (length - j) * Math.pow(a, j);
        }
        return s / ((double) length * length);
    }

    /** Lag-one correlation of consecutive block means, a(1 − a^L)²/((1 − a)²·L²·factor). */
    static double blockCorrelation(double a, int length) {
        if (a <= 0) {
            return 0;
        }
        double g = (1 - Math.pow(a, length)) / (1 - a);
        return a * g * g / ((double) length * length * blockVarianceFactor(a, length));
    }

    /** The snapshot-level a whose block means have lag-one correlation rho (bisection; 0 for rho ≤ 0). */
    static double snapshotCorrelation(double rho, int length) {
        if (!(rho > 0)) {
            return 0;
        }
        double lo = 0;
        double hi = 1 - 1e-9;
        for (int i = 0; i < 60; i++) {
            double mid = 0.5 * (lo + hi);
            if (blockCorrelation(mid, length) < rho) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /**
     * One block of L snapshots of the AR(1) e_s = a·e_{s−1} + c·η_s given e₀: e_L = e₀a^L + Σ_s a^{L−s}c·η_s and
     * S = Σ_{s=1..L} e_s = e₀Σ_{s=1..L} a^s + Σ_s w_s c·η_s, w_s = Σ_{j=0..L−s} a^j; drawn from two standard
     * normals z₁, z₂ as e_L = e₀a^L + √V_e·z₁, S = e₀A + (C/√V_e)·z₁ + √(V_S − C²/V_e)·z₂.
     */
    record BlockNoise(double aL, double a1, double sdLast, double loading, double sdRest) {

        BlockNoise(double a, double c, int length) {
            this(moments(a, c, length));
        }

        private BlockNoise(double[] m) {
            this(m[0], m[1], Math.sqrt(m[2]), m[2] > 0 ? m[4] / Math.sqrt(m[2]) : 0,
                    Math.sqrt(Math.max(0, m[3] - (m[2] > 0 ? m[4] * m[4] / m[2] : 0))));
        }

        /** a^L, Σ_{s=1..L} a^s, V_e, V_S, C. */
        private static double[] moments(double a, double c, int length) {
            double aL = 1;
            double sumPowers = 0;
            double ve = 0;
            double vs = 0;
            double cov = 0;
            double w = 0;
            // s from L down to 1: w_s = 1 + a·w_{s+1}, and a^{L−s} grows by a each step.
            double power = 1;
            for (int s = length; s >= 1; s--) {
                w = 1 + a * w;
                ve += power * power;
                vs += w * w;
                cov += w * power;
                power *= a;
            }
            for (int s = 1; s <= length; s++) {
                aL *= a;
                sumPowers += aL;
            }
            double c2 = c * c;
            return new double[] {aL, sumPowers, c2 * ve, c2 * vs, c2 * cov};
        }

        double sum(double e0, double z1, double z2) {
            return e0 * a1 + loading * z1 + sdRest * z2;
        }

        double last(double e0, double z1) {
            return e0 * aL + sdLast * z1;
        }
    }

    /**
     * The detector's window of one mode: the newest K block means in a ring, with Σy, Σjy and Σy² (j = 0 the
     * oldest) kept as values come and go, so an evaluation costs O(1), not O(K). When the oldest leaves, every
     * other value's j falls by one: Σjy loses Σy of the values that stay.
     */
    private static final class Window {
        private final double[] ring;
        private int head;
        private int filled;
        double s0;
        double s1;
        double s2;

        Window(int k) {
            ring = new double[k];
        }

        void clear() {
            head = 0;
            filled = 0;
            s0 = 0;
            s1 = 0;
            s2 = 0;
        }

        boolean full() {
            return filled == ring.length;
        }

        void push(double y) {
            int k = ring.length;
            if (filled < k) {
                ring[(head + filled) % k] = y;
                s1 += filled * y;
                filled++;
            } else {
                double old = ring[head];
                s0 -= old;
                s1 -= s0;
                s2 -= old * old;
                s1 += (k - 1) * y;
                ring[head] = y;
                head = head + 1 == k ? 0 : head + 1;
            }
            s0 += y;
            s2 += y * y;
        }
    }

}

package org.dysonmonitor.rmt;

import java.util.Arrays;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * When the {@link StationarityDetector}'s trend statistic of one mode will fall below its entry threshold,
 * forecast from a logistic relaxation fitted to the mode's block means.
 *
 * <p><b>Model.</b> A mode learned from a small initial value first grows (the drift is repulsive near
 * x = 0, e.g. the RBM's K(x) ∝ x(1/κ − 1/(μ² − x)) &gt; 0 there), then relaxes exponentially to its fixed
 * point (the Ornstein–Uhlenbeck regime, rate Ω = −K′(x*)). A logistic in time has both regimes with one
 * rate, and reduces to x∞ + (x₀ − x∞)e^{−t/τ} when its inflection lies before the data:
 * <pre>
 *   y(u) = a + b·s((u − u_m)/τ),   s(v) = 1/(1 + e^{−v}),
 * </pre>
 * u in blocks of the detector (u = 0 the newest complete block, u &lt; 0 before), y the block means.
 * (u_m, τ) are found on a grid (τ from ½ block to 4 spans, u_m from 6τ before the data up to now) refined
 * by halving, (a, b) by linear least squares at each point. Before the inflection the grid keeps u_m ≤ 0:
 * the forecast then assumes the inflection is now, an early estimate that later fits correct. One rate
 * serves growth and relaxation; where they differ (the RBM's κ = 8 mode: 2α(1/κ − 1/μ²) near 0 against
 * 2α/κ² at x*, 12 % faster) the forecast leans late.
 *
 * <p><b>Forecast.</b> The detector fits a line to the last K block means; with the fitted curve f in place
 * of the data, the window whose newest block is ℓ blocks ahead has slope b̂(ℓ) = Σ(k − k̄)f_k/Sxx and
 * t(ℓ) = |b̂|/√(V/Sxx), V = σ_b² + RSS_f/(K − 2), with σ_b² the residual variance of the block means about
 * the fit (their noise, as the detector's residual variance sees it) and RSS_f the curvature of f about
 * its line. Past the inflection t(ℓ) decreases as e^{−ℓ/τ}; the arrival is the smallest ℓ ≥ 0 with
 * t(ℓ) ≤ z_enter (found by doubling, then bisection). It is the time of the noise-free crossing: the noisy
 * statistic crosses earlier or later by its own scatter.
 *
 * <p><b>Uncertainty.</b> Delta method: var(ℓ) = ∇ℓᵀ C ∇ℓ over (b, u_m, τ), with C = s²(JᵀJ)⁻¹ the
 * Gauss–Newton covariance of (a, b, u_m, τ) and s² the residual variance inflated by (1 + ρ)/(1 − ρ),
 * ρ ∈ [0, 0.9] the lag-one autocorrelation of the residuals (block means of a slow mode are correlated).
 * To it is added in quadrature the scatter of the noisy crossing: the detector's t scatters about t(ℓ) by
 * about √((1 + ρ)/(1 − ρ)) (1 for independent block means), and t(ℓ) falls by z_enter/τ per block at the
 * crossing, so the crossing moves by ≈ τ√((1 + ρ)/(1 − ρ))/z_enter blocks.
 *
 * <p>The layer's ETA ({@link ConvergenceForecast}) uses the fitted curve, not this arrival: it runs the
 * detector forward on it ({@link DetectorSimulation}), since the noise-free crossing ignores the first
 * passage of the noisy statistic and the hysteresis; the arrival sets the simulation's horizon and names the
 * slowest mode. Stateless; allocates O(blocks).
 */
public final class RelaxationForecast {

    /** Blocks ahead beyond which a forecast is given up (∞): 2²⁰ blocks, 10⁷ snapshots at 10 a block. */
    static final double HORIZON_BLOCKS = 1 << 20;

    /** Fewest block means a fit takes. */
    static final int MIN_BLOCKS = 8;

    private static final int TAU_GRID = 16;
    private static final int INFLECTION_GRID = 24;
    private static final int REFINEMENTS = 6;

    /**
     * The detector whose decision is forecast.
     *
     * @param blockLength snapshots per block (≥ 1)
     * @param blocks      K, blocks in its window (≥ 4)
     * @param zEnter          its entry threshold on |t|
     * @param zExit           its exit threshold (≥ zEnter)
     * @param exitEvaluations consecutive evaluations above zExit that end a stationary period (≥ 1)
     */
    public record Detector(int blockLength, int blocks, double zEnter, double zExit, int exitEvaluations) {
        public Detector {
            if (blockLength < 1 || blocks < 4 || !(zEnter > 0) || !(zExit >= zEnter) || exitEvaluations < 1) {
                throw new IllegalArgumentException("need blockLength >= 1, blocks >= 4, 0 < zEnter <= zExit,"
                        + " exitEvaluations >= 1; got " + blockLength + ", " + blocks + ", " + zEnter + ", " + zExit
                        + ", " + exitEvaluations);
            }
        }

        /** The exit as {@link LayerStatistics} sets its detector: z_exit = 1.5 z_enter after K/2 evaluations. */
        public Detector(int blockLength, int blocks, double zEnter) {
            this(blockLength, blocks, zEnter, StationarityDetector.DEFAULT_EXIT_RATIO * zEnter, Math.max(1, blocks / 2));
        }

        /** The defaults of {@link StationarityDetector}: 20 blocks of 10 snapshots, z_enter = 4. */
        public static Detector defaults() {
            return new Detector(StationarityDetector.DEFAULT_BLOCK_LENGTH, StationarityDetector.DEFAULT_BLOCKS,
                    StationarityDetector.DEFAULT_Z_ENTER);
        }
    }

    /**
     * One mode's fit and forecast; times in blocks from the newest complete block.
     *
     * @param mode       the mode (index into the spectrum)
     * @param arrival    blocks until t ≤ z_enter (0: already below; +∞ beyond the horizon)
     * @param error      one standard error of {@code arrival} (NaN when the fit's covariance is singular)
     * @param offset     a
     * @param amplitude  b (the asymptote is a + b)
     * @param inflection u_m
     * @param tau        τ in blocks
     * @param noise      σ_b², the residual variance of the block means
     * @param rho        ρ, the lag-one autocorrelation of the residuals (clipped to [0, 0.9])
     * @param residual   the newest block mean's residual about the fit (where its AR(1) noise continues from)
     * @param recent     the newest min(K, count) block means, oldest first (the data in the detector's window)
     */
    public record Mode(int mode, double arrival, double error, double offset, double amplitude, double inflection,
                       double tau, double noise, double rho, double residual, double[] recent) {

        public Mode {
            recent = recent.clone();
        }

        @Override
        public double[] recent() {
            return recent.clone();
        }

        /** This fit with another noise of its block means (σ_b², lag-one ρ). */
        public Mode withNoise(double blockNoise, double blockRho) {
            return new Mode(mode, arrival, error, offset, amplitude, inflection, tau, blockNoise, blockRho, residual,
                    recent);
        }

        /** The fitted curve's value ℓ blocks after the newest complete block. */
        public double curve(double lead) {
            return offset + amplitude * logistic((lead - inflection) / tau);
        }
    }

    private RelaxationForecast() {
    }

    /**
     * Fits and forecasts one mode.
     *
     * @param mode     the mode's index (carried into the result)
     * @param means    block means, oldest first (not modified); at least 8
     * @param count    how many of {@code means} to use
     * @param detector the detector forecast
     */
    public static Mode of(int mode, double[] means, int count, Detector detector) {
        if (count < MIN_BLOCKS || count > means.length) {
            throw new IllegalArgumentException("need " + MIN_BLOCKS + " to " + means.length + " block means, got "
                    + count);
        }
        double[] u = new double[count];
        for (int j = 0; j < count; j++) {
            u[j] = j - (count - 1);
        }
        double span = count - 1;
        double bestLogTau = 0;
        double bestInflection = 0;
        double best = Double.POSITIVE_INFINITY;
        double logTauMin = Math.log(0.5);
        double logTauStep = (Math.log(4 * span) - logTauMin) / (TAU_GRID - 1);
        double[] growth = new double[count];
        double ym = 0;
        for (int j = 0; j < count; j++) {
            ym += means[j];
        }
        ym /= count;
        double syy = 0;
        for (int j = 0; j < count; j++) {
            syy += (means[j] - ym) * (means[j] - ym);
        }
        for (int i = 0; i < TAU_GRID; i++) {
            double logTau = logTauMin + i * logTauStep;
            double tau = Math.exp(logTau);
            for (int j = 0; j < count; j++) {
                growth[j] = Math.exp(u[j] / tau);
            }
            double earliest = u[0] - 6 * tau;
            for (int j = 0; j < INFLECTION_GRID; j++) {
                double inflection = earliest + j * (0 - earliest) / (INFLECTION_GRID - 1);
                double sse = profile(u, means, count, ym, syy, growth, inflection, tau);
                if (sse < best) {
                    best = sse;
                    bestLogTau = logTau;
                    bestInflection = inflection;
                }
            }
        }
        double stepTau = logTauStep;
        double stepInflection = (6 * Math.exp(bestLogTau) + span) / (INFLECTION_GRID - 1);
        for (int r = 0; r < REFINEMENTS; r++) {
            stepTau /= 2;
            stepInflection /= 2;
            double centreTau = bestLogTau;
            double centreInflection = bestInflection;
            for (int di = -1; di <= 1; di++) {
                for (int dj = -1; dj <= 1; dj++) {
                    double logTau = centreTau + di * stepTau;
                    double inflection = Math.min(0, centreInflection + dj * stepInflection);
                    double sse = profile(u, means, count, inflection, Math.exp(logTau), null, growth);
                    if (sse < best) {
                        best = sse;
                        bestLogTau = logTau;
                        bestInflection = inflection;
                    }
                }
            }
        }
        double tau = Math.exp(bestLogTau);
        double[] ab = new double[2];
        profile(u, means, count, bestInflection, tau, ab, growth);
        double noise = best / (count - 4);
        double arrival = arrival(ab[1], bestInflection, tau, noise, detector);
        double rho = residualCorrelation(u, means, count, ab, bestInflection, tau);
        double inflation = (1 + rho) / (1 - rho);
        RealMatrix covariance = covariance(u, count, ab, bestInflection, tau, noise * inflation);
        double error = arrival > 0
                ? Math.hypot(error(covariance, ab, bestInflection, tau, noise, arrival, detector),
                        tau * Math.sqrt(inflation) / detector.zEnter())
                : 0;
        double residual = means[count - 1] - ab[0] - ab[1] * logistic((u[count - 1] - bestInflection) / tau);
        double[] recent = Arrays.copyOfRange(means, Math.max(0, count - detector.blocks()), count);
        return new Mode(mode, arrival, error, ab[0], ab[1], bestInflection, tau, noise, rho, residual, recent);
    }

    /**
     * t(ℓ) of the noise-free curve b·s((u − u_m)/τ) over the window whose newest block is ℓ ahead (see the
     * class comment).
     */
    static double statistic(double amplitude, double inflection, double tau, double noise, double lead, int blocks) {
        double kBar = (blocks - 1) / 2.0;
        double sxx = TrendStatistic.sxx(blocks);
        double mean = 0;
        double sxy = 0;
        double[] f = new double[blocks];
        for (int k = 0; k < blocks; k++) {
            f[k] = amplitude * logistic((lead - (blocks - 1) + k - inflection) / tau);
            mean += f[k];
            sxy += (k - kBar) * f[k];
        }
        mean /= blocks;
        double slope = sxy / sxx;
        double rss = 0;
        for (int k = 0; k < blocks; k++) {
            double r = f[k] - mean - slope * (k - kBar);
            rss += r * r;
        }
        double v = noise + rss / (blocks - 2);
        if (!(v > 0)) {
            return slope == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.abs(slope) / Math.sqrt(v / sxx);
    }

    /** Smallest ℓ ≥ 0 with t(ℓ) ≤ z_enter: 0, a bisection to 10⁻⁶ (relative), or +∞ beyond the horizon. */
    static double arrival(double amplitude, double inflection, double tau, double noise, Detector d) {
        double z = d.zEnter();
        int k = d.blocks();
        if (statistic(amplitude, inflection, tau, noise, 0, k) <= z) {
            return 0;
        }
        double below = 0;
        double above = 1;
        while (statistic(amplitude, inflection, tau, noise, above, k) > z) {
            below = above;
            above *= 2;
            if (above > HORIZON_BLOCKS) {
                return Double.POSITIVE_INFINITY;
            }
        }
        while (above - below > 1e-6 * Math.max(1, above)) {
            double mid = 0.5 * (below + above);
            if (statistic(amplitude, inflection, tau, noise, mid, k) > z) {
                below = mid;
            } else {
                above = mid;
            }
        }
        return above;
    }

    /**
     * The grid's residual sum of squares at (u_m, τ), in one pass: s_j = g_j/(g_j + e^{u_m/τ}) with
     * g_j = e^{u_j/τ} ≤ 1 precomputed per τ (both factors ≤ 1: no overflow), and the centred sums of y given.
     */
    private static double profile(double[] u, double[] y, int n, double ym, double syy, double[] growth,
                                  double inflection, double tau) {
        double h = Math.exp(inflection / tau);
        double sf = 0;
        double sff = 0;
        double sfy = 0;
        for (int j = 0; j < n; j++) {
            double g = growth[j];
            double f = g + h > 0 ? g / (g + h) : (u[j] > inflection ? 1 : 0);
            sf += f;
            sff += f * f;
            sfy += f * (y[j] - ym);
        }
        double varF = sff - sf * sf / n;
        return varF > 1e-12 * n ? Math.max(0, syy - sfy * sfy / varF) : syy;
    }

    /**
     * Residual sum of squares of the best (a, b) at (u_m, τ); writes (a, b) into {@code ab} if given. {@code curve}
     * (length ≥ n) is scratch for the logistic at each block, evaluated once.
     */
    private static double profile(double[] u, double[] y, int n, double inflection, double tau, double[] ab,
                                  double[] curve) {
        double sf = 0;
        double sy = 0;
        for (int j = 0; j < n; j++) {
            curve[j] = logistic((u[j] - inflection) / tau);
            sf += curve[j];
            sy += y[j];
        }
        double fm = sf / n;
        double ym = sy / n;
        double sff = 0;
        double sfy = 0;
        double syy = 0;
        for (int j = 0; j < n; j++) {
            double f = curve[j] - fm;
            double dy = y[j] - ym;
            sff += f * f;
            sfy += f * dy;
            syy += dy * dy;
        }
        double b = sff > 0 ? sfy / sff : 0;
        if (ab != null) {
            ab[0] = ym - b * fm;
            ab[1] = b;
        }
        return Math.max(0, syy - b * sfy);
    }

    /** ρ ∈ [0, 0.9], the lag-one autocorrelation of the fit's residuals. */
    private static double residualCorrelation(double[] u, double[] y, int n, double[] ab, double inflection,
                                               double tau) {
        double c0 = 0;
        double c1 = 0;
        double previous = 0;
        for (int j = 0; j < n; j++) {
            double r = y[j] - ab[0] - ab[1] * logistic((u[j] - inflection) / tau);
            c0 += r * r;
            if (j > 0) {
                c1 += r * previous;
            }
            previous = r;
        }
        return c0 > 0 ? Math.max(0, Math.min(0.9, c1 / c0)) : 0;
    }

    /** C = s²(JᵀJ)⁻¹ of (a, b, u_m, τ) at the fit, or null if JᵀJ is singular. */
    private static RealMatrix covariance(double[] u, int n, double[] ab, double inflection, double tau, double s2) {
        double b = ab[1];
        double[][] jtj = new double[4][4];
        for (int j = 0; j < n; j++) {
            double s = logistic((u[j] - inflection) / tau);
            double ds = s * (1 - s);
            double[] g = {1, s, -b * ds / tau, -b * ds * (u[j] - inflection) / (tau * tau)};
            for (int p = 0; p < 4; p++) {
                for (int q = 0; q < 4; q++) {
                    jtj[p][q] += g[p] * g[q];
                }
            }
        }
        LUDecomposition lu = new LUDecomposition(new Array2DRowRealMatrix(jtj, false));
        return lu.getSolver().isNonSingular() ? lu.getSolver().getInverse().scalarMultiply(s2) : null;
    }

    /** The fit's delta-method standard error of the arrival (class comment); NaN if C is singular. */
    private static double error(RealMatrix covariance, double[] ab, double inflection, double tau, double noise,
                                double arrival, Detector d) {
        if (!Double.isFinite(arrival) || covariance == null) {
            return Double.NaN;
        }
        double b = ab[1];
        double[] theta = {b, inflection, tau};
        double[] gradient = new double[3];
        for (int p = 0; p < 3; p++) {
            double sd = Math.sqrt(Math.max(0, covariance.getEntry(p + 1, p + 1)));
            double h = Math.max(1e-6 * Math.max(1, Math.abs(theta[p])), 1e-2 * sd);
            double[] up = theta.clone();
            double[] down = theta.clone();
            up[p] += h;
            down[p] -= h;
            if (p == 2 && down[p] <= 0) {
                down[p] = theta[p];
            }
            double fUp = arrival(up[0], up[1], up[2], noise, d);
            double fDown = arrival(down[0], down[1], down[2], noise, d);

            if (!Double.isFinite(fUp) || !Double.isFinite(fDown)) {
                return Double.POSITIVE_INFINITY;
            }
            gradient[p] = (fUp - fDown) / (up[p] - down[p]);
        }
        double var = 0;
        for (int p = 0; p < 3; p++) {
            for (int q = 0; q < 3; q++) {
                var += gradient[p] * covariance.getEntry(p + 1, q + 1) * gradient[q];
            }
        }
        return Math.sqrt(Math.max(0, var));
    }

    static double logistic(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}

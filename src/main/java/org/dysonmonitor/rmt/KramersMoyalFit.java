package org.dysonmonitor.rmt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kramers–Moyal drift and diffusion of one mode from a window of snapshots (step_n, x_n).
 *
 * <h2>Model and what is estimated</h2>
 * The eigenvalue update of physics.md §2, x → x + αK(x) + Coulomb + √2 g η, linearised about the fixed
 * point of its effective drift, is an AR(1) process per update:
 * x_{t+1} − x_s = φ(x_t − x_s) + √(2g²) η_t with φ = e^{−Ω}. Snapshots taken every Δ updates then obey
 * exactly x_{n+1} − x_s = a(x_n − x_s) + ε_n with
 * <pre>
 *   a = φ^Δ = e^{−ΩΔ},   Var ε = s² = σ²(1 − a²),   σ² = 2g²/(1 − φ²).
 * </pre>
 * The fit measures the conditional mean increment E[x_{n+1} − x_n | x_n] in bins of x_n around the window
 * median (bins of equal width over ±{@code range} robust s.d., 1.4826·MAD; fewer bins when the window has
 * fewer than 2·{@value #MIN_BIN_COUNT} pairs per bin), fits a straight line through the bins weighted by
 * 1/SE², slope β = a − 1 and zero crossing x_s, and takes s² from the residuals of the binned pairs about
 * that line. Pairs outside the range are left out, and the range is robust, because the linearisation holds
 * only near x_s: while the window still holds a layer's approach from far away (a live run's first few
 * hundred snapshots), the window's s.d. is inflated by it and its few far, consistent increments — binned at
 * a long lever arm with a small error — flattened the fitted line (the live RBM at (0.1, 16), mode 9 after
 * 690 snapshots: slope −0.010 per update against −0.078 once the window was stationary). Then, without any small-ΩΔ approximation,
 * <pre>
 *   Ω = −ln(a)/Δ,  φ = a^{1/Δ},  drift slope per update = φ − 1,  σ² = s²/(1 − a²),  g² = ½σ²(1 − φ²).
 * </pre>
 * (The small-Δ forms Ω ≈ (1 − a)/Δ and g² ≈ s²/(2Δ) are off by 21 % and 34 % at ΩΔ = 0.5.) The drift is
 * the <em>effective</em> one: K plus the mean Coulomb force of the other modes and any O(α²/|B|) bias, so
 * x_s is the measured fixed point, not the target. Only pairs whose step interval equals Δ, the most
 * frequent interval of the window (the smallest of equally frequent ones), enter the fit; a dropped
 * snapshot removes two pairs instead of corrupting the lag.
 *
 * <h2>Errors</h2>
 * SE(β) = (Σ_b w_b (u_b − ū)²)^{−½} and SE of the intercept (Σ_b w_b)^{−½} from the bins' own errors
 * (increments of a Markov process are independent given x_n); s² has relative error √(2/(m − 2)); the
 * measured variance of an AR(1) series of n snapshots has relative error √(2(1 + a²)/((1 − a²)n)).
 * Derived quantities by first-order propagation.
 */
public final class KramersMoyalFit {

    /** Bins with fewer pairs are left out of the fit: their variance, hence their weight, is too noisy. */
    static final int MIN_BIN_COUNT = 10;

    private KramersMoyalFit() {
    }

    /**
     * @param mode  the mode's index, copied into the result
     * @param steps steps of the snapshots, strictly increasing, chronological (not modified)
     * @param x     the mode's value at those snapshots (not modified)
     * @param n     number of snapshots to use from the start of both arrays (≥ 3)
     * @param bins  number of bins (≥ 2)
     * @param range half-width of the binned range in window standard deviations (&gt; 0)
     */
    public static ModeDynamics fit(int mode, long[] steps, double[] x, int n, int bins, double range) {
        if (n < 3 || n > x.length || n > steps.length) {
            throw new IllegalArgumentException("need 3 <= n <= series length, got n = " + n);
        }
        if (bins < 2 || !(range > 0)) {
            throw new IllegalArgumentException("need bins >= 2 and range > 0, got " + bins + ", " + range);
        }
        long delta = modalInterval(steps, n);
        int pairCount = 0;
        for (int k = 0; k + 1 < n; k++) {
            pairCount += steps[k + 1] - steps[k] == delta ? 1 : 0;
        }
        // Short windows (a transient) get fewer, fuller bins: at least MIN_BIN_COUNT pairs per bin on average, twice.
        bins = Math.max(2, Math.min(bins, pairCount / (2 * MIN_BIN_COUNT)));
        double mean = 0;
        for (int k = 0; k < n; k++) {
            mean += (x[k] - x[0]) / n;
        }
        mean += x[0];
        double ss = 0;
        for (int k = 0; k < n; k++) {
            ss += (x[k] - mean) * (x[k] - mean);
        }
        double variance = ss / (n - 1);
        double[] sorted = java.util.Arrays.copyOf(x, n);
        java.util.Arrays.sort(sorted);
        double centre = median(sorted);
        for (int k = 0; k < n; k++) {
            sorted[k] = Math.abs(sorted[k] - centre);
        }
        java.util.Arrays.sort(sorted);
        // 1.4826·MAD is the s.d. of a Gaussian; a window with more than half its values equal falls back to the s.d.
        double mad = 1.4826 * median(sorted);
        double sd = mad > 0 ? mad : Math.sqrt(variance);

        // Per bin: count, Σu (u = x_n − centre), Σdx, then Σ(dx − mean_b)² in a second pass.
        int[] count = new int[bins];
        double[] sumU = new double[bins];
        double[] sumD = new double[bins];
        double[] sumD2 = new double[bins];
        int pairs = 0;
        for (int k = 0; k + 1 < n; k++) {
            if (steps[k + 1] - steps[k] != delta) {
                continue;
            }
            int b = bin(x[k] - centre, sd, bins, range);
            if (b < 0) {
                continue;
            }
            count[b]++;
            sumU[b] += x[k] - centre;
            sumD[b] += x[k + 1] - x[k];
            pairs++;
        }
        for (int k = 0; k + 1 < n; k++) {
            if (steps[k + 1] - steps[k] != delta) {
                continue;
            }
            int b = bin(x[k] - centre, sd, bins, range);
            if (b < 0) {
                continue;
            }
            double d = x[k + 1] - x[k] - sumD[b] / count[b];
            sumD2[b] += d * d;
        }

        // Weighted straight line through the bin means, centred at the weighted mean ū of u.
        double sw = 0;
        double swu = 0;
        double swy = 0;
        for (int b = 0; b < bins; b++) {
            if (usable(count[b], sumD2[b])) {
                double w = weight(count[b], sumD2[b]);
                sw += w;
                swu += w * sumU[b] / count[b];
                swy += w * sumD[b] / count[b];
            }
        }
        double uBar = swu / sw;
        double yBar = swy / sw;
        double sxx = 0;
        double sxy = 0;
        for (int b = 0; b < bins; b++) {
            if (usable(count[b], sumD2[b])) {
                double w = weight(count[b], sumD2[b]);
                double du = sumU[b] / count[b] - uBar;
                sxx += w * du * du;
                sxy += w * du * (sumD[b] / count[b] - yBar);
            }
        }
        double beta = sw > 0 && sxx > 0 ? sxy / sxx : Double.NaN;
        double betaError = Math.sqrt(1 / sxx);
        double interceptError = Math.sqrt(1 / sw);

        double rss = 0;
        for (int k = 0; k + 1 < n; k++) {
            if (steps[k + 1] - steps[k] == delta && bin(x[k] - centre, sd, bins, range) >= 0) {
                double r = x[k + 1] - x[k] - yBar - beta * (x[k] - centre - uBar);
                rss += r * r;
            }
        }
        double s2 = pairs > 2 ? rss / (pairs - 2) : Double.NaN;
        double s2Rel = Math.sqrt(2.0 / Math.max(1, pairs - 2));

        double a = 1 + beta;
        double rate;
        double rateError;
        double phi;
        if (a > 0 && a < 1) {
            rate = -Math.log(a) / delta;
            rateError = betaError / (a * delta);
            phi = Math.exp(-rate);
        } else if (a <= 0) {
            // Decorrelated within one snapshot interval: the rate is not resolved (faster than 1/Δ).
            rate = Double.POSITIVE_INFINITY;
            rateError = Double.NaN;
            phi = 0;
        } else {
            rate = Double.NaN;
            rateError = Double.NaN;
            phi = Double.NaN;
        }
        double ac = Math.max(0, a);
        // No stationary width without a restoring drift (a ≥ 1: s²/(1 − a²) would be negative or infinite).
        double predicted = a < 1 ? s2 / (1 - ac * ac) : Double.NaN;
        double predictedRel = Math.hypot(s2Rel, 2 * ac * betaError / (1 - ac * ac));
        double diffusion = 0.5 * predicted * (1 - phi * phi);
        double dLogG2 = Double.isFinite(rate)
                ? 2 * phi * phi / (1 - phi * phi) - 2 * delta * ac * ac / (1 - ac * ac) : 0;
        double diffusionRel = Math.hypot(s2Rel, dLogG2 * (Double.isNaN(rateError) ? 0 : rateError));
        double fixedPoint = centre + uBar - yBar / beta;
        double fixedPointError = Math.sqrt(interceptError * interceptError / (beta * beta)
                + yBar * yBar * betaError * betaError / (beta * beta * beta * beta));

        double ar = Math.min(Math.max(a, 0), 1);
        double measuredError = variance * Math.sqrt(2 * (1 + ar * ar) / ((1 - ar * ar) * n));
        double[] series = java.util.Arrays.copyOf(x, n);
        AutocorrelationTime.Estimate tau = AutocorrelationTime.estimate(series, AutocorrelationTime.DEFAULT_WINDOW_FACTOR);

        double toUpdate = Double.isFinite(rate) ? (phi - 1) / (a - 1) : 1.0 / delta;
        List<DriftBin> out = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                double v = count[b] > 1 ? sumD2[b] / (count[b] - 1) : Double.NaN;
                out.add(new DriftBin(centre + sumU[b] / count[b], toUpdate * sumD[b] / count[b],
                        Math.abs(toUpdate) * Math.sqrt(v / count[b]), v, count[b]));
            }
        }
        return new ModeDynamics(mode, phi - 1, phi * rateError, rate, rateError, diffusion, diffusion * diffusionRel,
                fixedPoint, fixedPointError, predicted, predicted * predictedRel, variance, measuredError,
                1 / rate, delta * (1 + ac) / (2 * (1 - ac)), delta * tau.tau(), delta * tau.error(),
                x[n - 1], mean, pairs, delta, out);
    }

    /** The most frequent step interval of the window (the smallest of equally frequent ones). */
    static long modalInterval(long[] steps, int n) {
        Map<Long, Integer> counts = new HashMap<>();
        long best = 0;
        int bestCount = 0;
        for (int k = 0; k + 1 < n; k++) {
            long d = steps[k + 1] - steps[k];
            if (d <= 0) {
                throw new IllegalArgumentException("steps must increase: " + steps[k] + " then " + steps[k + 1]);
            }
            int c = counts.merge(d, 1, Integer::sum);
            if (c > bestCount || (c == bestCount && d < best)) {
                best = d;
                bestCount = c;
            }
        }
        return best;
    }

    /** The bin of u (a distance from the centre), or −1 outside ±range s.d. */
    private static int bin(double u, double sd, int bins, double range) {
        if (!(sd > 0)) {
            return bins / 2;
        }
        double z = u / sd;
        if (Math.abs(z) > range) {
            return -1;
        }
        int b = (int) Math.floor((z + range) / (2 * range) * bins);
        return Math.min(bins - 1, Math.max(0, b));
    }

    /** The median of ascending values. */
    private static double median(double[] ascending) {
        int n = ascending.length;
        return n % 2 == 1 ? ascending[n / 2] : 0.5 * (ascending[n / 2 - 1] + ascending[n / 2]);
    }

    private static boolean usable(int count, double sumSquares) {
        return count >= MIN_BIN_COUNT && sumSquares > 0;
    }

    /** 1/SE² of a bin mean: SE² = v/count with v = Σ(dx − mean)²/(count − 1). */
    private static double weight(int count, double sumSquares) {
        return (double) count * (count - 1) / sumSquares;
    }
}

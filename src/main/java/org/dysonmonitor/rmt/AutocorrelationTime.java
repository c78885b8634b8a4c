package org.dysonmonitor.rmt;

import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

/**
 * Integrated autocorrelation time of a time series with Sokal's automatic windowing
 * (Madras and Sokal, J. Stat. Phys. 50 (1988) 109; Sokal, "Monte Carlo methods in statistical
 * mechanics", 1996):
 * <pre>
 *   ρ(t) = C(t)/C(0),  C(t) = (1/(n−t)) Σ_{i&lt;n−t} (x_i − x̄)(x_{i+t} − x̄),
 *   τ_int(W) = ½ + Σ_{t=1}^{W} ρ(t),
 * </pre>
 * with the window W the smallest integer such that W ≥ c·τ_int(W) (c = 5 by default). Summing
 * ρ(t) to large t only adds noise (the variance of τ̂ grows like W/n), stopping early biases τ̂ down
 * by Σ_{t&gt;W} ρ(t); W ≈ 5τ balances the two for roughly exponential decay.
 *
 * <p>Conventions: τ_int = ½ for uncorrelated data, τ_int = (1+φ)/(2(1−φ)) for an AR(1) process
 * with coefficient φ, and the variance of a sample mean is Var(x)·2τ_int/n, so the effective
 * sample size is n/(2τ_int). Statistical error (Madras-Sokal): σ(τ̂) ≈ τ̂ √(2(2W+1)/n).
 *
 * <p>The autocovariance is computed by FFT, O(n log n). This is an analysis routine, not a hot-path
 * accumulator: it allocates work arrays. The input is not modified.
 */
public final class AutocorrelationTime {

    /** Sokal's window factor c in W ≥ c·τ_int. */
    public static final double DEFAULT_WINDOW_FACTOR = 5.0;

    /**
     * The window search stops at W = n/4: beyond that the lagged sums have too few terms and, for a
     * series dominated by a trend, turn negative and fake a converged window.
     */
    private static final int MAX_WINDOW_FRACTION_DENOMINATOR = 4;

    /**
     * Result of one estimate.
     *
     * @param tau             τ_int (NaN for a constant series)
     * @param window          W, the number of lags summed
     * @param error           Madras-Sokal statistical error of τ_int
     * @param n               length of the series
     * @param windowConverged false if no W ≤ n/4 satisfied W ≥ c·τ_int(W): the series is too short
     *                        for its correlation time (or has a trend) and τ = τ_int(n/4) is at best
     *                        a lower bound
     */
    public record Estimate(double tau, int window, double error, int n, boolean windowConverged) {

        /** n / (2 τ_int): the number of independent samples the series is worth. */
        public double effectiveSampleSize() {
            return n / (2.0 * tau);
        }
    }

    private AutocorrelationTime() {
    }

    /** τ_int with c = 5; see {@link #estimate(double[], double)}. */
    public static double integratedAutocorrelationTime(double[] series) {
        return estimate(series, DEFAULT_WINDOW_FACTOR).tau();
    }

    /**
     * @param series the time series (length ≥ 2, not modified)
     * @param c      window factor, &gt; 0
     */
    public static Estimate estimate(double[] series, double c) {
        int n = series.length;
        if (n < 2) {
            throw new IllegalArgumentException("need at least 2 points, got " + n);
        }
        if (!(c > 0.0)) {
            throw new IllegalArgumentException("window factor must be > 0: " + c);
        }
        double[] acov = autocovarianceSums(series);
        if (!(acov[0] > 0.0)) {
            // A constant series has no defined correlation time.
            return new Estimate(Double.NaN, 0, Double.NaN, n, false);
        }
        double c0 = acov[0] / n;
        double tau = 0.5;
        int w = 0;
        boolean converged = false;
        int maxWindow = Math.max(1, n / MAX_WINDOW_FRACTION_DENOMINATOR);
        while (w < maxWindow) {
            w++;
            tau += acov[w] / (n - w) / c0;
            if (w >= c * tau) {
                converged = true;
                break;
            }
        }
        double error = tau * Math.sqrt(2.0 * (2.0 * w + 1.0) / n);
        return new Estimate(tau, w, error, n, converged);
    }

    /** Σ_{i&lt;n−t} (x_i − x̄)(x_{i+t} − x̄) for t = 0..n−1, via zero-padded FFT (no circular wrap). */
    private static double[] autocovarianceSums(double[] series) {
        int n = series.length;
        double mean = 0.0;
        for (double v : series) {
            mean += v;
        }
        mean /= n;
        int size = Integer.highestOneBit(2 * n - 1) << 1; // power of two ≥ 2n
        double[][] data = new double[2][size];
        for (int i = 0; i < n; i++) {
            data[0][i] = series[i] - mean;
        }
        FastFourierTransformer.transformInPlace(data, DftNormalization.STANDARD, TransformType.FORWARD);
        for (int k = 0; k < size; k++) {
            double re = data[0][k];
            double im = data[1][k];
            data[0][k] = re * re + im * im;
            data[1][k] = 0.0;
        }
        // STANDARD normalisation divides the inverse by size, giving the plain lagged sums.
        FastFourierTransformer.transformInPlace(data, DftNormalization.STANDARD, TransformType.INVERSE);
        double[] out = new double[n];
        System.arraycopy(data[0], 0, out, 0, n);
        return out;
    }
}

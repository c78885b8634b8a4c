package org.dysonmonitor.rmt;

import java.util.Arrays;
import java.util.Objects;

/**
 * Per-mode mean and variance of a stream of spectra of fixed length, both since the start and
 * over the most recent {@code window} spectra.
 *
 * <p><b>Since start</b> (Welford 1962; Chan, Golub, LeVeque 1983), per mode i after n spectra:
 * <pre>
 *   δ = x − mean_{n−1},  mean_n = mean_{n−1} + δ/n,  M2_n = M2_{n−1} + δ·(x − mean_n),
 *   variance = M2_n / (n − 1)   (unbiased).
 * </pre>
 * It never forms Σx² − n·mean². In addition the recursion runs on x − x⁽¹⁾, the mode's first value:
 * for data 10⁹ + O(1) noise the differences are exact (Sterbenz), so the running mean does not
 * accumulate rounding of ulp(10⁹)/2 per update (plain Welford loses ≈ 3·10⁻⁸ of the variance after
 * 10⁴ updates; shifted, it agrees with a careful two-pass computation to a few 10⁻¹⁵).
 *
 * <p><b>Window</b>: the last {@code window} spectra are kept in a preallocated ring buffer and the
 * window statistics are recomputed exactly by two passes on every query (mean relative to the
 * oldest value in the window, then Σ(x − mean)²). A sliding add/remove update would make queries
 * O(1) but accumulates rounding over millions of updates; for window ≤ ~1000 the exact O(window)
 * query is cheap and its result does not depend on the history before the window.
 *
 * <p>Conventions follow Commons Math {@code stat.descriptive}: mean is NaN for no data, variance is
 * NaN for no data and 0 for one value. {@link #add} allocates nothing. Not thread-safe: owned by
 * one actor. Inputs are never modified.
 */
public final class RunningMoments {

    private final int modes;
    private final int window;
    /** First value of every mode; the Welford recursion runs on x − reference. */
    private final double[] reference;
    /** Running mean of x − reference. */
    private final double[] mean;
    private final double[] m2;
    /** Ring buffer of the last {@code window} spectra, slot-major: ring[slot * modes + mode]. */
    private final double[] ring;
    private long count;
    private int nextSlot;

    /**
     * @param modes  length n of every spectrum (≥ 1)
     * @param window number of most recent spectra for the window statistics (≥ 1)
     */
    public RunningMoments(int modes, int window) {
        if (modes < 1 || window < 1) {
            throw new IllegalArgumentException("modes and window must be >= 1: " + modes + ", " + window);
        }
        if ((long) modes * window > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("modes * window too large");
        }
        this.modes = modes;
        this.window = window;
        this.reference = new double[modes];
        this.mean = new double[modes];
        this.m2 = new double[modes];
        this.ring = new double[modes * window];
    }

    /**
     * Adds one spectrum (copied into the ring; {@code x} is not modified or retained).
     *
     * @throws IllegalArgumentException if {@code x.length != modes}
     */
    public void add(double[] x) {
        if (x.length != modes) {
            throw new IllegalArgumentException("expected " + modes + " modes, got " + x.length);
        }
        if (count == 0) {
            System.arraycopy(x, 0, reference, 0, modes);
        }
        count++;
        double invN = 1.0 / count;
        int base = nextSlot * modes;
        for (int i = 0; i < modes; i++) {
            double v = x[i] - reference[i];
            double delta = v - mean[i];
            mean[i] += delta * invN;
            m2[i] += delta * (v - mean[i]);
            ring[base + i] = x[i];
        }
        nextSlot = nextSlot + 1 == window ? 0 : nextSlot + 1;
    }

    /** Number of spectra since the start (or the last {@link #clear()}). */
    public long count() {
        return count;
    }

    /** Same as {@link #count()}, in Commons Math naming. */
    public long getN() {
        return count;
    }

    public int modes() {
        return modes;
    }

    public int window() {
        return window;
    }

    /** Mean of mode {@code mode} since the start; NaN if empty. */
    public double mean(int mode) {
        Objects.checkIndex(mode, modes);
        return count == 0 ? Double.NaN : reference[mode] + mean[mode];
    }

    /** Copy of all means since the start. */
    public double[] means() {
        double[] out = new double[modes];
        for (int i = 0; i < modes; i++) {
            out[i] = mean(i);
        }
        return out;
    }

    /** Unbiased variance M2/(n−1) of mode {@code mode} since the start; NaN if empty, 0 for n = 1. */
    public double variance(int mode) {
        Objects.checkIndex(mode, modes);
        if (count == 0) {
            return Double.NaN;
        }
        return count == 1 ? 0.0 : m2[mode] / (count - 1);
    }

    /** Number of spectra in the window: min(count, window). */
    public int windowCount() {
        return (int) Math.min(count, window);
    }

    /** Mean of mode {@code mode} over the last {@link #windowCount()} spectra; NaN if empty. */
    public double windowMean(int mode) {
        Objects.checkIndex(mode, modes);
        int n = windowCount();
        if (n == 0) {
            return Double.NaN;
        }
        int oldest = oldestSlot();
        // Accumulate relative to the oldest value: exact for a large common offset.
        double x0 = ring[oldest * modes + mode];
        double sum = 0.0;
        for (int k = 0, slot = oldest; k < n; k++, slot = next(slot)) {
            sum += ring[slot * modes + mode] - x0;
        }
        return x0 + sum / n;
    }

    /** Unbiased variance of mode {@code mode} over the window (two-pass); NaN if empty, 0 for one value. */
    public double windowVariance(int mode) {
        Objects.checkIndex(mode, modes);
        int n = windowCount();
        if (n == 0) {
            return Double.NaN;
        }
        if (n == 1) {
            return 0.0;
        }
        double m = windowMean(mode);
        int oldest = oldestSlot();
        double ss = 0.0;
        double s = 0.0;
        for (int k = 0, slot = oldest; k < n; k++, slot = next(slot)) {
            double d = ring[slot * modes + mode] - m;
            ss += d * d;
            s += d;
        }
        // Corrected two-pass (Chan, Golub, LeVeque): subtracts the residual rounding of the mean.
        return (ss - s * s / n) / (n - 1);
    }

    /** Copy of the window means of all modes. */
    public double[] windowMeans() {
        double[] out = new double[modes];
        windowMoments(out, null);
        return out;
    }

    /**
     * The window means (and, if {@code variances} is not null, the window variances) of all modes at
     * once, equal bit for bit to {@link #windowMean} and {@link #windowVariance} mode by mode: the same
     * sums in the same order, but swept slot by slot through the ring, which is stored slot-major. Mode
     * by mode, every read strides over a whole spectrum (4 KiB at 512 modes); here the reads are
     * sequential.
     *
     * @throws IllegalArgumentException if an array's length is not {@code modes}
     */
    public void windowMoments(double[] means, double[] variances) {
        if (means.length != modes || (variances != null && variances.length != modes)) {
            throw new IllegalArgumentException("expected arrays of " + modes + " modes");
        }
        int n = windowCount();
        if (n == 0) {
            Arrays.fill(means, Double.NaN);
            if (variances != null) {
                Arrays.fill(variances, Double.NaN);
            }
            return;
        }
        int oldest = oldestSlot();
        int base0 = oldest * modes;
        // Σ(x − x0) relative to the oldest value, as windowMean, accumulated in means.
        Arrays.fill(means, 0.0);
        for (int k = 0, slot = oldest; k < n; k++, slot = next(slot)) {
            int base = slot * modes;
            for (int i = 0; i < modes; i++) {
                means[i] += ring[base + i] - ring[base0 + i];
            }
        }
        for (int i = 0; i < modes; i++) {
            means[i] = ring[base0 + i] + means[i] / n;
        }
        if (variances == null) {
            return;
        }
        if (n == 1) {
            Arrays.fill(variances, 0.0);
            return;
        }
        // Corrected two-pass, as windowVariance: Σd² in variances, Σd in a scratch array.
        double[] s = new double[modes];
        Arrays.fill(variances, 0.0);
        for (int k = 0, slot = oldest; k < n; k++, slot = next(slot)) {
            int base = slot * modes;
            for (int i = 0; i < modes; i++) {
                double d = ring[base + i] - means[i];
                variances[i] += d * d;
                s[i] += d;
            }
        }
        for (int i = 0; i < modes; i++) {
            variances[i] = (variances[i] - s[i] * s[i] / n) / (n - 1);
        }
    }

    /** Forgets all data; keeps the preallocated buffers. */
    public void clear() {
        count = 0;
        nextSlot = 0;
        Arrays.fill(mean, 0.0);
        Arrays.fill(m2, 0.0);
    }

    /**
     * Everything a running-moments accumulator holds, as an immutable value (arrays are copied in
     * and out), for checkpoints: {@link #restore(State)} continues exactly where {@link #state()}
     * was taken, bit for bit, since the sums are copied rather than recomputed.
     */
    public record State(int modes, int window, double[] reference, double[] mean, double[] m2, double[] ring,
                        long count, int nextSlot) {

        public State {
            reference = reference.clone();
            mean = mean.clone();
            m2 = m2.clone();
            ring = ring.clone();
        }

        @Override
        public double[] reference() {
            return reference.clone();
        }

        @Override
        public double[] mean() {
            return mean.clone();
        }

        @Override
        public double[] m2() {
            return m2.clone();
        }

        @Override
        public double[] ring() {
            return ring.clone();
        }
    }

    /** A copy of the current state (see {@link State}). */
    public State state() {
        return new State(modes, window, reference, mean, m2, ring, count, nextSlot);
    }

    /**
     * An accumulator that continues from {@code state}.
     *
     * @throws IllegalArgumentException if the arrays do not fit {@code modes} and {@code window}
     */
    public static RunningMoments restore(State state) {
        RunningMoments r = new RunningMoments(state.modes(), state.window());
        r.load(state);
        return r;
    }

    /** Overwrites this accumulator with {@code state}, which must have its modes and window. */
    void load(State state) {
        double[] saved = state.ring();
        if (state.modes() != modes || state.window() != window || state.reference().length != modes
                || state.mean().length != modes || state.m2().length != modes || saved.length != ring.length
                || state.count() < 0 || state.nextSlot() < 0 || state.nextSlot() >= window) {
            throw new IllegalArgumentException("running-moments state does not fit " + modes + " modes and window "
                    + window);
        }
        System.arraycopy(state.reference(), 0, reference, 0, modes);
        System.arraycopy(state.mean(), 0, mean, 0, modes);
        System.arraycopy(state.m2(), 0, m2, 0, modes);
        System.arraycopy(saved, 0, ring, 0, ring.length);
        count = state.count();
        nextSlot = state.nextSlot();
    }

    private int oldestSlot() {
        return count < window ? 0 : nextSlot;
    }

    private int next(int slot) {
        return slot + 1 == window ? 0 : slot + 1;
    }
}

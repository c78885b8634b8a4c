package org.dysonmonitor.sweep;

import java.util.Arrays;

/**
 * The two eigenvalues of one degenerate pair at every snapshot of a run that the monitor pooled into
 * the pair's statistics (its stationary snapshots), in step order. The raw material of the spacing
 * histograms, the eigenvalue densities, the autocorrelation times and the KS tests. Arrays are copied
 * in and out.
 *
 * @param pair   the monitor's label, e.g. "1-2"
 * @param lower  index of the lower mode in the ascending spectrum
 * @param upper  index of the upper mode
 * @param centre the pair's target eigenvalue x_t
 * @param steps  training step of each snapshot
 * @param low    x[lower] at each snapshot
 * @param high   x[upper] at each snapshot
 */
public record PairSeries(String pair, int lower, int upper, double centre, long[] steps, double[] low, double[] high) {

    public PairSeries {
        if (steps.length != low.length || low.length != high.length) {
            throw new IllegalArgumentException("series of unequal length: " + steps.length + ", " + low.length + ", "
                    + high.length);
        }
        steps = steps.clone();
        low = low.clone();
        high = high.clone();
    }

    public int size() {
        return steps.length;
    }

    @Override
    public long[] steps() {
        return steps.clone();
    }

    @Override
    public double[] low() {
        return low.clone();
    }

    @Override
    public double[] high() {
        return high.clone();
    }

    /** S_i = |x_upper − x_lower| at snapshot i. */
    public double spacing(int i) {
        return Math.abs(high[i] - low[i]);
    }

    /** All spacings S, in step order. */
    public double[] spacings() {
        double[] s = new double[steps.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = spacing(i);
        }
        return s;
    }

    public long step(int i) {
        return steps[i];
    }

    public double low(int i) {
        return low[i];
    }

    public double high(int i) {
        return high[i];
    }

    /** Collects one pair's samples of one run; not thread-safe. */
    static final class Builder {
        private final String pair;
        private final int lower;
        private final int upper;
        private final double centre;
        private long[] steps = new long[256];
        private double[] low = new double[256];
        private double[] high = new double[256];
        private int n;

        Builder(String pair, int lower, int upper, double centre) {
            this.pair = pair;
            this.lower = lower;
            this.upper = upper;
            this.centre = centre;
        }

        void add(long step, double[] ascending) {
            if (n == steps.length) {
                steps = Arrays.copyOf(steps, 2 * n);
                low = Arrays.copyOf(low, 2 * n);
                high = Arrays.copyOf(high, 2 * n);
            }
            steps[n] = step;
            low[n] = ascending[lower];
            high[n] = ascending[upper];
            n++;
        }

        PairSeries build() {
            return new PairSeries(pair, lower, upper, centre, Arrays.copyOf(steps, n), Arrays.copyOf(low, n),
                    Arrays.copyOf(high, n));
        }
    }
}

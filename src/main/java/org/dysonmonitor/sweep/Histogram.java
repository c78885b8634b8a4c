package org.dysonmonitor.sweep;

/**
 * A probability density estimated by counting values in equal bins on [lo, lo + bins·width):
 * density_i = count_i / (N · width), with N all values given (also those outside the range), so that
 * the density integrates to the fraction inside the range.
 *
 * @param lo      left edge of bin 0
 * @param width   bin width
 * @param density density of each bin
 * @param total   N
 */
public record Histogram(double lo, double width, double[] density, long total) {

    public Histogram {
        density = density.clone();
    }

    @Override
    public double[] density() {
        return density.clone();
    }

    /** An empty histogram to be filled with {@link Filler}. */
    public static Filler filler(double lo, double hi, int bins) {
        return new Filler(lo, hi, bins);
    }

    public int bins() {
        return density.length;
    }

    /** Centre of bin i. */
    public double centre(int i) {
        return lo + (i + 0.5) * width;
    }

    public double density(int i) {
        return density[i];
    }

    /** Counts values into bins; not thread-safe. */
    public static final class Filler {
        private final double lo;
        private final double width;
        private final long[] counts;
        private long total;

        private Filler(double lo, double hi, int bins) {
            if (!(hi > lo) || bins < 1) {
                throw new IllegalArgumentException("need hi > lo and bins ≥ 1, got [" + lo + ", " + hi + "), " + bins);
            }
            this.lo = lo;
            this.width = (hi - lo) / bins;
            this.counts = new long[bins];
        }

        public Filler add(double v) {
            total++;
            double b = Math.floor((v - lo) / width);
            if (b >= 0 && b < counts.length) {
                counts[(int) b]++;
            }
            return this;
        }

        public Histogram build() {
            double[] d = new double[counts.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = total > 0 ? counts[i] / (total * width) : 0.0;
            }
            return new Histogram(lo, width, d, total);
        }
    }
}

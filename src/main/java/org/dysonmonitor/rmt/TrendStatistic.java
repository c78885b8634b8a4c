package org.dysonmonitor.rmt;

/**
 * The trend statistic of {@link StationarityDetector}: for one mode's K block means y_0..y_{K−1}
 * (oldest first), the least-squares slope against the block index k divided by its standard error,
 * <pre>
 *   b̂ = Σ (k − k̄)(y_k − ȳ) / Sxx,   Sxx = K(K² − 1)/12,
 *   V = Σ (y_k − ȳ − b̂(k − k̄))² / (K − 2),    t = |b̂| / √(V / Sxx).
 * </pre>
 * Exactly constant modes (b̂ = 0) have t = 0; V is floored at (10⁻¹⁰ · scale)², scale = |reference| +
 * max |y_k|, far above summation rounding and far below any physical fluctuation, so ulp-level
 * differences between block means are not a trend. Allocation-free; inputs are never modified.
 */
final class TrendStatistic {

    private static final double RELATIVE_NOISE_FLOOR = 1e-10;

    private TrendStatistic() {
    }

    /** Sxx = K(K² − 1)/12 for K blocks. */
    static double sxx(int blocks) {
        return blocks * ((double) blocks * blocks - 1.0) / 12.0;
    }

    /**
     * |b̂| / √(V/Sxx) of mode {@code mode} over a full ring of {@code blocks} block means stored
     * slot-major (ring[slot * modes + mode], relative to {@code reference}), oldest at slot
     * {@code oldest}.
     */
    static double of(double[] ring, int modes, int mode, int blocks, int oldest, double sxx, double reference) {
        double kBar = 0.5 * (blocks - 1);
        double sum = 0.0;
        double maxAbs = 0.0;
        for (int k = 0, slot = oldest; k < blocks; k++, slot = following(slot, blocks)) {
            double y = ring[slot * modes + mode];
            sum += y;
            maxAbs = Math.max(maxAbs, Math.abs(y));
        }
        double yBar = sum / blocks;
        double sxy = 0.0;
        for (int k = 0, slot = oldest; k < blocks; k++, slot = following(slot, blocks)) {
            sxy += (k - kBar) * (ring[slot * modes + mode] - yBar);
        }
        double slope = sxy / sxx;
        if (slope == 0.0) {
            return 0.0;
        }
        double rss = 0.0;
        for (int k = 0, slot = oldest; k < blocks; k++, slot = following(slot, blocks)) {
            double r = ring[slot * modes + mode] - yBar - slope * (k - kBar);
            rss += r * r;
        }
        double floor = RELATIVE_NOISE_FLOOR * (Math.abs(reference) + maxAbs);
        double v = Math.max(rss / (blocks - 2), floor * floor);
        return Math.abs(slope) / Math.sqrt(v / sxx);
    }

    private static int following(int slot, int blocks) {
        return slot + 1 == blocks ? 0 : slot + 1;
    }
}

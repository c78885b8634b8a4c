package org.dysonmonitor.sweep;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * One point of a sweep: learning rate α and batch size |B|. The stationary width of a degenerate
 * pair depends on them through α/|B| (physics.md §2).
 *
 * @param learningRate α &gt; 0
 * @param batchSize    |B| ≥ 1
 */
public record Setting(double learningRate, int batchSize) {

    public Setting {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and > 0, got " + learningRate);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
        }
    }

    /** α/|B|. */
    public double alphaOverBatch() {
        return learningRate / batchSize;
    }

    /** "α=0.1 |B|=16", for tables and legends. */
    public String label() {
        return "α=" + plain(learningRate) + " |B|=" + batchSize;
    }

    /** "a0.1-b16", usable in run names and file names. */
    public String key() {
        return "a" + plain(learningRate) + "-b" + batchSize;
    }

    /** The shortest plain decimal of v: 0.1, not 0.10000000000000001 or 1E-1. */
    static String plain(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "(%s, %d)", plain(learningRate), batchSize);
    }
}

package org.dysonmonitor.rmt;

import java.util.function.ToDoubleFunction;

/**
 * The delete-m_j jackknife for groups of unequal size (Busing, Meijer, van der Leeden, Stat. Comput.
 * 9 (1999) 3) over blocks of sum records: with g blocks of m_j snapshots, n = Σm_j, h_j = n/m_j and
 * θ̂_{−j} the estimate without block j,
 * <pre>
 *   θ̂_J = g θ̂ − Σ_j (1 − m_j/n) θ̂_{−j},   θ̃_j = h_j θ̂ − (h_j − 1) θ̂_{−j},
 *   Var = (1/g) Σ_j (θ̃_j − θ̂_J)² / (h_j − 1),
 * </pre>
 * which reduces to the usual (g−1)/g Σ(θ̂_{−j} − θ̄)² for equal blocks. A record is {@code fields}
 * doubles whose field 0 is the snapshot count; blocks are stored block-major. Allocation-free.
 */
final class UnequalBlockJackknife {

    private UnequalBlockJackknife() {
    }

    /**
     * The standard error √Var of {@code estimator}, or NaN with fewer than 2 blocks.
     *
     * @param totals    the sum record of all blocks
     * @param blocks    the first {@code used} block records, block j at j·fields
     * @param scratch   a record-sized buffer, overwritten with the leave-one-block-out sums
     * @param estimator the estimate from a record, applied to {@code totals} and to {@code scratch}
     */
    static double standardError(double[] totals, double[] blocks, int used, int fields, double[] scratch,
                                ToDoubleFunction<double[]> estimator) {
        int g = used;
        if (g < 2) {
            return Double.NaN;
        }
        double n = totals[0];
        double theta = estimator.applyAsDouble(totals);
        double weighted = 0.0;
        for (int j = 0; j < g; j++) {
            double m = leaveOut(totals, blocks, j, fields, scratch);
            weighted += (1.0 - m / n) * estimator.applyAsDouble(scratch);
        }
        double thetaJ = g * theta - weighted;
        double acc = 0.0;
        for (int j = 0; j < g; j++) {
            double m = leaveOut(totals, blocks, j, fields, scratch);
            double h = n / m;
            double pseudo = h * theta - (h - 1.0) * estimator.applyAsDouble(scratch);
            double dev = pseudo - thetaJ;
            acc += dev * dev / (h - 1.0);
        }
        return Math.sqrt(acc / g);
    }

    /** Fills {@code scratch} with the totals minus block j; returns the size m_j of block j. */
    private static double leaveOut(double[] totals, double[] blocks, int j, int fields, double[] scratch) {
        int off = j * fields;
        for (int f = 0; f < fields; f++) {
            scratch[f] = totals[f] - blocks[off + f];
        }
        return blocks[off];
    }
}

package org.dysonmonitor.rmt;

import java.util.Arrays;

/**
 * The sum record of {@link PairStatistics}: per snapshot count, ΣS, ΣS² and the power sums Σw^k
 * (k ≤ 4) of both eigenvalues w = x − shift, laid out as {@link #FIELDS} doubles at an offset of a
 * {@code double[]}; how a snapshot is added, how a record is re-centred, how blocks are rebinned, and the estimates it gives
 * (see {@link PairStatistics} for the formulas). Allocation-free.
 */
final class PairSums {

    static final int N = 0;
    static final int S1 = 1;
    static final int S2 = 2;
    static final int W1 = 3;
    static final int W2 = 4;
    static final int W3 = 5;
    static final int W4 = 6;
    static final int FIELDS = 7;

    static final int SIGMA_SQUARED = 0;
    static final int MEAN_SPACING = 1;
    static final int RESCALED_SPACING_SQUARED = 2;
    static final int BINDER = 3;
    static final int MEAN_CENTRE = 4;

    private PairSums() {
    }

    /** Adds one snapshot with spacing s and shifted eigenvalues a, b to the record at {@code off}. */
    static void accumulate(double[] sums, int off, double s, double a, double b) {
        double a2 = a * a;
        double b2 = b * b;
        sums[off + N] += 1.0;
        sums[off + S1] += s;
        sums[off + S2] += s * s;
        sums[off + W1] += a + b;
        sums[off + W2] += a2 + b2;
        sums[off + W3] += a2 * a + b2 * b;
        sums[off + W4] += a2 * a2 + b2 * b2;
    }

    /**
     * Adds src (power sums of w) to dst as power sums of w + d, by the binomial theorem with
     * Σw⁰ = 2N (both eigenvalues): Σ(w+d)^k = Σ_j C(k,j) d^{k−j} Σw^j.
     */
    static void addShifted(double[] src, int so, double d, double[] dst, int dOff) {
        double w0 = 2.0 * src[so + N];
        double w1 = src[so + W1];
        double w2 = src[so + W2];
        double w3 = src[so + W3];
        double w4 = src[so + W4];
        double d2 = d * d;
        double d3 = d2 * d;
        double d4 = d2 * d2;
        dst[dOff + N] += src[so + N];
        dst[dOff + S1] += src[so + S1];
        dst[dOff + S2] += src[so + S2];
        dst[dOff + W1] += w1 + d * w0;
        dst[dOff + W2] += w2 + 2.0 * d * w1 + d2 * w0;
        dst[dOff + W3] += w3 + 3.0 * d * w2 + 3.0 * d2 * w1 + d3 * w0;
        dst[dOff + W4] += w4 + 4.0 * d * w3 + 6.0 * d2 * w2 + 4.0 * d3 * w1 + d4 * w0;
    }

    /**
     * The estimate of {@code observable} from the record {@code s} (at offset 0) of values shifted by
     * {@code shift}; the Binder cumulant is about the shift if {@code knownCentre}, else about the
     * record's own mean.
     */
    static double estimate(int observable, double[] s, double shift, boolean knownCentre) {
        double n = s[N];
        switch (observable) {
            case SIGMA_SQUARED:
                return s[S2] / n / 4.0;
            case MEAN_SPACING:
                return s[S1] / n;
            case RESCALED_SPACING_SQUARED: {
                double mean = s[S1] / n;
                return s[S2] / n / (mean * mean);
            }
            case MEAN_CENTRE:
                return shift + s[W1] / (2.0 * n);
            case BINDER: {
                double m = 2.0 * n; // both eigenvalues of every snapshot
                double mu2 = s[W2] / m;
                double mu4 = s[W4] / m;
                if (!knownCentre) {
                    double w = s[W1] / m;
                    double w2 = w * w;
                    double mu3 = s[W3] / m;
                    mu4 = mu4 - 4.0 * w * mu3 + 6.0 * w2 * mu2 - 3.0 * w2 * w2;
                    mu2 = mu2 - w2;
                }
                return mu4 / (3.0 * mu2 * mu2) - 1.0;
            }
            default:
                throw new IllegalStateException("unknown observable " + observable);
        }
    }

    /**
     * Sums adjacent block records of {@code blocks} pairwise in place: (0,1)→0, (2,3)→1, …; an odd
     * last block moves down; the freed records are zeroed. Returns the new number of blocks in use.
     */
    static int rebinPairwise(double[] blocks, int used) {
        int half = used / 2;
        for (int i = 0; i < half; i++) {
            int dst = i * FIELDS;
            int a = 2 * i * FIELDS;
            int b = a + FIELDS;
            for (int f = 0; f < FIELDS; f++) {
                blocks[dst + f] = blocks[a + f] + blocks[b + f];
            }
        }
        if (used % 2 == 1) {
            System.arraycopy(blocks, (used - 1) * FIELDS, blocks, half * FIELDS, FIELDS);
            half++;
        }
        Arrays.fill(blocks, half * FIELDS, used * FIELDS, 0.0);
        return half;
    }
}

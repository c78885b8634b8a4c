package org.dysonmonitor.sweep;

import java.util.Arrays;

/**
 * The points (x_i, y_i) with weights w_i = 1/σ_i² that a weighted least-squares fit uses: those with
 * finite x, y and w and w &gt; 0, in their given order (so the fits' sums run in the same order).
 */
record WeightedPoints(double[] x, double[] y, double[] w) {

    /** The usable points of three arrays of one length (not modified). */
    static WeightedPoints usable(double[] x, double[] y, double[] w) {
        if (x.length != y.length || y.length != w.length) {
            throw new IllegalArgumentException("x, y, w lengths differ: " + x.length + ", " + y.length + ", " + w.length);
        }
        int[] keep = new int[x.length];
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && Double.isFinite(w[i]) && w[i] > 0) {
                keep[n++] = i;
            }
        }
        int[] kept = Arrays.copyOf(keep, n);
        return new WeightedPoints(pick(x, kept), pick(y, kept), pick(w, kept));
    }

    private static double[] pick(double[] values, int[] indices) {
        double[] out = new double[indices.length];
        for (int k = 0; k < indices.length; k++) {
            out[k] = values[indices[k]];
        }
        return out;
    }

    int n() {
        return x.length;
    }
}

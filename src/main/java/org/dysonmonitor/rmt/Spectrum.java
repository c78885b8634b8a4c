package org.dysonmonitor.rmt;

import java.util.Arrays;

/**
 * The spectrum of one weight-matrix snapshot: the eigenvalues x_1 ≤ … ≤ x_n of the smaller Gram
 * matrix of an M×N matrix W (n = min(M, N)), i.e. the squared singular values ξ_i² (physics.md §1).
 * Immutable: the eigenvalues are copied in and copied out.
 */
public final class Spectrum {

    private final int rows;
    private final int cols;
    private final double[] eigenvalues;

    /**
     * @param eigenvalues ascending, finite and non-negative, min(rows, cols) of them (copied)
     * @throws IllegalArgumentException naming the first violation
     */
    public Spectrum(int rows, int cols, double[] eigenvalues) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("shape must be at least 1×1, got " + rows + "×" + cols);
        }
        if (eigenvalues.length != Math.min(rows, cols)) {
            throw new IllegalArgumentException("a " + rows + "×" + cols + " matrix has " + Math.min(rows, cols)
                    + " Gram eigenvalues, got " + eigenvalues.length);
        }
        for (int i = 0; i < eigenvalues.length; i++) {
            double x = eigenvalues[i];
            if (!Double.isFinite(x) || x < 0) {
                throw new IllegalArgumentException("eigenvalue " + i + " is " + x + ": must be finite and ≥ 0");
            }
            if (i > 0 && x < eigenvalues[i - 1]) {
                throw new IllegalArgumentException("eigenvalues must be ascending: x[" + i + "] = " + x
                        + " < x[" + (i - 1) + "] = " + eigenvalues[i - 1]);
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.eigenvalues = eigenvalues.clone();
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Number of eigenvalues, min(rows, cols). */
    public int size() {
        return eigenvalues.length;
    }

    /** x_i, ascending in i (mode 0 is the smallest). */
    public double eigenvalue(int i) {
        return eigenvalues[i];
    }

    /** A copy of the ascending eigenvalues. */
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    /** Copies the eigenvalues into {@code into} without allocating. */
    public void copyEigenvalues(double[] into) {
        System.arraycopy(eigenvalues, 0, into, 0, eigenvalues.length);
    }

    public double max() {
        return eigenvalues[eigenvalues.length - 1];
    }

    /** Largest singular value ‖W‖₂ = √(max x). */
    public double spectralNorm() {
        return Math.sqrt(max());
    }

    /** Stable rank ‖W‖_F² / ‖W‖₂² = Σx / max x; 0 for the zero matrix. */
    public double stableRank() {
        double max = max();
        if (max == 0) {
            return 0;
        }
        double sum = 0;
        for (double x : eigenvalues) {
            sum += x;
        }
        return sum / max;
    }

    /**
     * The q-quantile of the eigenvalues by linear interpolation between order statistics (numpy's
     * default "linear" method): position q·(n − 1).
     */
    public double quantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
        }
        double pos = q * (eigenvalues.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, eigenvalues.length - 1);
        double frac = pos - lo;
        return eigenvalues[lo] + frac * (eigenvalues[hi] - eigenvalues[lo]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Spectrum s && s.rows == rows && s.cols == cols && Arrays.equals(s.eigenvalues, eigenvalues);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(eigenvalues);
    }

    @Override
    public String toString() {
        return "Spectrum[" + rows + "×" + cols + ", " + Arrays.toString(eigenvalues) + "]";
    }
}

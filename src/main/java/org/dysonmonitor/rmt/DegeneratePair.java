package org.dysonmonitor.rmt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Two mode indices {@code lower < upper} of an ascending spectrum whose target eigenvalues are
 * degenerate, e.g. the lattice momenta k and N_v − k of the RBM target (physics.md §5).
 *
 * @param lower index of the smaller eigenvalue in the ascending spectrum
 * @param upper index of the larger eigenvalue in the ascending spectrum
 */
public record DegeneratePair(int lower, int upper) {

    /**
     * @throws IllegalArgumentException unless {@code 0 <= lower < upper}
     */
    public DegeneratePair {
        if (lower < 0 || upper <= lower) {
            throw new IllegalArgumentException("need 0 <= lower < upper: " + lower + ", " + upper);
        }
    }

    /** A short bounded label such as {@code "3-4"}, usable as a metric tag. */
    public String label() {
        return lower + "-" + upper;
    }

    /**
     * Degenerate pairs of an ascending target spectrum. Levels i &lt; j belong to one degenerate
     * run when x_j − x_i ≤ relTol · max|x| (measured from the first level of the run, so that a
     * chain of slightly spaced levels does not merge into one long run).
     *
     * <p>A run of two levels gives one pair. A run of r ≥ 3 levels (an accidental higher
     * degeneracy, which is not a pair and has its own r-level statistics) is split into consecutive
     * pairs (i, i+1), (i+2, i+3), …; an odd last level is left unpaired. This keeps every mode in at
     * most one pair so that pooled statistics never count an eigenvalue twice.
     *
     * <p>Example (RBM, μ² = 9, σ_h = 1, m² = 4): ascending x = 1, 1.382, 1.382, 2.382, 2.382,
     * 3.618, 3.618, 4.618, 4.618, 5 gives (1,2), (3,4), (5,6), (7,8).
     *
     * @param ascendingTarget target eigenvalues in ascending order (not modified)
     * @param relTol          relative tolerance ≥ 0
     * @return an unmodifiable list in ascending order of {@code lower}
     * @throws IllegalArgumentException if the input is not ascending, not finite, or relTol &lt; 0
     */
    public static List<DegeneratePair> fromTarget(double[] ascendingTarget, double relTol) {
        if (!(relTol >= 0.0)) {
            throw new IllegalArgumentException("relTol must be >= 0: " + relTol);
        }
        double scale = 0.0;
        for (int i = 0; i < ascendingTarget.length; i++) {
            double v = ascendingTarget[i];
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("non-finite target at " + i);
            }
            if (i > 0 && v < ascendingTarget[i - 1]) {
                throw new IllegalArgumentException("target not ascending at " + i);
            }
            scale = Math.max(scale, Math.abs(v));
        }
        double tol = relTol * scale;
        List<DegeneratePair> pairs = new ArrayList<>();
        int i = 0;
        while (i < ascendingTarget.length) {
            int end = i;
            while (end + 1 < ascendingTarget.length && ascendingTarget[end + 1] - ascendingTarget[i] <= tol) {
                end++;
            }
            for (int k = i; k + 1 <= end; k += 2) {
                pairs.add(new DegeneratePair(k, k + 1));
            }
            i = end + 1;
        }
        return Collections.unmodifiableList(pairs);
    }
}

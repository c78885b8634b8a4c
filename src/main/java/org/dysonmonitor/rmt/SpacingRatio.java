package org.dysonmonitor.rmt;

/**
 * Ratio of consecutive level spacings (Oganesyan-Huse; Atas, Bogomolny, Giraud, Roux,
 * PRL 110, 084101 (2013)):
 *
 * <pre>
 *   s_n = x_{n+1} − x_n,   r̃_n = min(s_n, s_{n+1}) / max(s_n, s_{n+1}) ∈ [0, 1].
 * </pre>
 *
 * <p>The local density of states cancels in the ratio, so no unfolding is needed, and r̃ is invariant
 * under x → a·x + b (a &gt; 0). Reference values of ⟨r̃⟩: GOE (N → ∞) 0.5307, GOE 3×3 surmise
 * 4 − 2√3 ≈ 0.5359, Poisson (uncorrelated levels) 2 ln 2 − 1 ≈ 0.3863.
 *
 * <p>Degeneracies: if exactly one of s_n, s_{n+1} is zero then r̃_n = 0 (maximal "attraction"); if both
 * are zero (three equal levels) the ratio 0/0 is undefined and the pair is <em>skipped</em>, so the
 * output can be shorter than n − 2.
 *
 * <p>Rank-deficient Gram spectra: the null-space eigenvalues of WᵀW are not exactly equal (they are
 * ±ε·‖W‖² noise), so they would enter as meaningless ratios; pass
 * {@link Spacings#nonZero(double[], double)} of the spectrum instead.
 *
 * <p>Levels must be finite and non-decreasing ({@link IllegalArgumentException} otherwise); arrays
 * passed in are never modified.
 */
public final class SpacingRatio {

    /** ⟨r̃⟩ of the GOE for large N (Atas et al. 2013, numerically): 0.5307. */
    public static final double GOE_MEAN = 0.5307;

    /** ⟨r̃⟩ = 2∫₀¹ r P(r) dr of the 3×3 GOE surmise {@link #surmiseDensity(double)}: 4 − 2√3 ≈ 0.5359. */
    public static final double GOE_SURMISE_MEAN = 4.0 - 2.0 * Math.sqrt(3.0);

    /** ⟨r̃⟩ for Poisson levels, P(r̃) = 2/(1 + r̃)² on [0, 1]: 2 ln 2 − 1 ≈ 0.3863. */
    public static final double POISSON_MEAN = 2.0 * Math.log(2.0) - 1.0;

    private SpacingRatio() {
    }

    /**
     * r̃_n for n = 0..N−3, skipping pairs of two zero spacings.
     *
     * @param ascendingLevels levels in non-decreasing order; not modified
     * @return a new array of at most N − 2 ratios in [0, 1]; empty for N &lt; 3
     */
    public static double[] ratios(double[] ascendingLevels) {
        Spacings.requireAscending(ascendingLevels);
        int n = ascendingLevels.length;
        if (n < 3) {
            return new double[0];
        }
        double[] r = new double[definedRatioCount(ascendingLevels)];
        int k = 0;
        for (int i = 0; i + 2 < n; i++) {
            double s0 = ascendingLevels[i + 1] - ascendingLevels[i];
            double s1 = ascendingLevels[i + 2] - ascendingLevels[i + 1];
            if (s0 > 0 || s1 > 0) {
                r[k++] = Math.min(s0, s1) / Math.max(s0, s1);
            }
        }
        return r;
    }

    /**
     * Mean ⟨r̃⟩ over the defined ratios of {@link #ratios(double[])}, computed without allocating.
     *
     * @param ascendingLevels levels in non-decreasing order; not modified
     * @return ⟨r̃⟩, or NaN if there are fewer than 3 levels or no defined ratio (all levels equal)
     */
    public static double mean(double[] ascendingLevels) {
        Spacings.requireAscending(ascendingLevels);
        int n = ascendingLevels.length;
        double sum = 0;
        int count = 0;
        for (int i = 0; i + 2 < n; i++) {
            double s0 = ascendingLevels[i + 1] - ascendingLevels[i];
            double s1 = ascendingLevels[i + 2] - ascendingLevels[i + 1];
            if (s0 > 0 || s1 > 0) {
                sum += Math.min(s0, s1) / Math.max(s0, s1);
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /**
     * GOE surmise for the ratio r = s_{n+1}/s_n of consecutive spacings, from 3×3 GOE matrices
     * (Atas et al. 2013, β = 1):
     *
     * <pre>
     *   P(r) = (27/8) (r + r²) / (1 + r + r²)^{5/2},   r ∈ [0, ∞).
     * </pre>
     *
     * <p>It is normalised on [0, ∞) and satisfies P(1/r)/r² = P(r), so r̃ = min(r, 1/r) has density
     * 2P(r̃) on [0, 1] and ⟨r̃⟩ = 2∫₀¹ r P(r) dr = 4 − 2√3. (The mean of r itself on [0, ∞) is a
     * different number.)
     *
     * @param r ratio
     * @return P(r); 0 for r &lt; 0
     */
    public static double surmiseDensity(double r) {
        if (r < 0) {
            return 0.0;
        }
        double q = 1.0 + r + r * r;
        return 27.0 / 8.0 * (r + r * r) / (q * q * Math.sqrt(q));
    }

    private static int definedRatioCount(double[] levels) {
        int count = 0;
        for (int i = 0; i + 2 < levels.length; i++) {
            if (levels[i + 1] > levels[i] || levels[i + 2] > levels[i + 1]) {
                count++;
            }
        }
        return count;
    }
}

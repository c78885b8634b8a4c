package org.dysonmonitor.rmt;

/**
 * Power-law fit of the tail of a spectrum in the way of Clauset, Shalizi and Newman (SIAM Rev. 51
 * (2009) 661), as WeightWatcher reports it for the eigenvalues λ of WᵀW: the tail density is
 * p(λ) ∝ λ^(−α) for λ ≥ xmin.
 *
 * <p>For each candidate xmin among the eigenvalues (each distinct positive value λ_i with at least
 * {@link #MIN_TAIL} eigenvalues ≥ it), over the n = N − i eigenvalues λ_i ≤ … ≤ λ_{N−1} of the tail:
 * <pre>
 *   α(xmin) = 1 + n / Σ_{j ≥ i} ln(λ_j / xmin)                       (maximum likelihood)
 *   D(xmin) = max_{k=0..n−1} max( (k+1)/n − F(λ_{i+k}),  F(λ_{i+k}) − k/n ),
 *   F(λ)    = 1 − (λ / xmin)^(1−α)                                   (the fitted tail's cdf)
 * </pre>
 * D is the Kolmogorov-Smirnov distance sup |F_emp − F| over the tail (see {@link KolmogorovSmirnov}
 * for why the two terms at the order statistics give the exact supremum). The candidate with the
 * smallest D wins (the first, smallest xmin on a tie), and σ = (α − 1)/√n is the standard error of α.
 *
 * <p>Cost. The sums Σ_{j≥i} ln λ_j are suffix sums of ln λ, so every α costs O(1) and all of them
 * O(N). The KS distance of a candidate needs a pass over its tail, O(N²) for all candidates if done
 * naively. The scan is exact but cheaper, in two phases: (1) a lower bound of every candidate's D
 * from the KS terms at about {@link #COARSE_POINTS} evenly strided points of its tail (a maximum over
 * a subset of the points), O(32 N) in all; (2) the candidates in ascending order of their bound, each
 * in full but stopped as soon as its running maximum exceeds the best D so far, until a bound exceeds
 * the best D — then no later candidate can win. The winner's D is always computed over its whole
 * tail, so the result (including the first-smallest-xmin rule on ties) is the naive scan's; phase 2
 * typically evaluates a handful of candidates in full. Each point costs one exp (from the precomputed
 * ln λ); the worst case stays N²/2 exps (≈ 2 ms at N = 512), reached only if the bounds were useless.
 *
 * <p>Eigenvalues at or below {@link Spacings#ZERO_TOLERANCE}·λ_max (the null space of a
 * rank-deficient W, rounding noise) are never candidates, and never part of a tail since a tail
 * starts at a positive candidate.
 *
 * @param alpha       α of the winning candidate; NaN if there is no candidate
 * @param sigma       (α − 1)/√n
 * @param xmin        the winning xmin (an eigenvalue)
 * @param ksDistance  its KS distance D
 * @param tailSize    n, the number of eigenvalues ≥ xmin
 * @param candidates  how many candidates were scanned
 */
public record PowerLawFit(double alpha, double sigma, double xmin, double ksDistance, int tailSize,
                          int candidates) {

    /** The smallest tail a candidate xmin may have. */
    public static final int MIN_TAIL = 10;

    /** Points per candidate of the first, bounding pass of the scan. */
    private static final int COARSE_POINTS = 32;

    private static final PowerLawFit NONE = new PowerLawFit(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0);

    /** Whether a fit exists (at least {@link #MIN_TAIL} positive eigenvalues, not all equal). */
    public boolean fitted() {
        return tailSize > 0;
    }

    /**
     * The fit described in the class comment.
     *
     * @param ascending eigenvalues λ ≥ 0 in non-decreasing order; not modified
     * @return the winning candidate, or a fit with NaN values and {@code tailSize} 0 if there is none
     * @throws IllegalArgumentException if the values are not finite and ascending
     */
    public static PowerLawFit fit(double[] ascending) {
        Spacings.requireAscending(ascending);
        int n = ascending.length;
        int first = firstCandidate(ascending);
        if (first < 0) {
            return NONE;
        }
        double[] logs = new double[n];
        double[] suffix = suffixLogSums(ascending, first, logs);
        int[] index = new int[n];
        double[] alphas = new double[n];
        int count = 0;
        for (int i = first; i <= n - MIN_TAIL; i++) {
            if (i > first && ascending[i] == ascending[i - 1]) {
                continue; // one candidate per distinct value, its tail all eigenvalues ≥ it
            }
            double alpha = alpha(suffix, logs, i, n);
            if (!Double.isNaN(alpha)) {
                index[count] = i;
                alphas[count++] = alpha;
            }
        }
        if (count == 0) {
            return NONE;
        }
        // Phase 1: a lower bound of every candidate's D from about COARSE_POINTS of its tail.
        long[] order = new long[count];
        double[] lower = new double[count];
        for (int c = 0; c < count; c++) {
            int i = index[c];
            lower[c] = ksDistance(logs, i, n, alphas[c], Math.max(1, (n - i) / COARSE_POINTS), Double.POSITIVE_INFINITY);
        }
        Integer[] byLower = new Integer[count];
        for (int c = 0; c < count; c++) {
            byLower[c] = c;
        }
        java.util.Arrays.sort(byLower, (a, b) -> Double.compare(lower[a], lower[b]));
        // Phase 2: in order of the bound, in full, until the bound exceeds the best D.
        int best = -1;
        double bestD = Double.POSITIVE_INFINITY;
        for (int c : byLower) {
            if (lower[c] > bestD) {
                break; // every later candidate's bound, and so its D, is larger still
            }
            double d = ksDistance(logs, index[c], n, alphas[c], 1, bestD);
            if (d < bestD || (d == bestD && index[c] < index[best])) {
                bestD = d;
                best = c;
            }
        }
        int tail = n - index[best];
        double alpha = alphas[best];
        return new PowerLawFit(alpha, (alpha - 1) / Math.sqrt(tail), ascending[index[best]], bestD, tail, count);
    }

    /**
     * Every candidate's α and D, computed in full (no early stop): the profile D(xmin) the fit
     * minimises, for plots and for checking the fit against an independent implementation.
     *
     * @param ascending eigenvalues λ ≥ 0 in non-decreasing order; not modified
     * @return rows {xmin, α, D, n}, one per candidate, in ascending xmin
     */
    public static double[][] profile(double[] ascending) {
        Spacings.requireAscending(ascending);
        int n = ascending.length;
        int first = firstCandidate(ascending);
        if (first < 0) {
            return new double[0][];
        }
        double[] logs = new double[n];
        double[] suffix = suffixLogSums(ascending, first, logs);
        java.util.List<double[]> rows = new java.util.ArrayList<>();
        for (int i = first; i <= n - MIN_TAIL; i++) {
            if (i > first && ascending[i] == ascending[i - 1]) {
                continue;
            }
            double alpha = alpha(suffix, logs, i, n);
            if (!Double.isNaN(alpha)) {
                rows.add(new double[] {ascending[i], alpha,
                        ksDistance(logs, i, n, alpha, 1, Double.POSITIVE_INFINITY), n - i});
            }
        }
        return rows.toArray(new double[0][]);
    }

    /** Index of the smallest positive eigenvalue, or −1 if fewer than MIN_TAIL are positive. */
    private static int firstCandidate(double[] ascending) {
        int n = ascending.length;
        if (n < MIN_TAIL) {
            return -1;
        }
        double cut = Spacings.ZERO_TOLERANCE * ascending[n - 1];
        int first = 0;
        while (first < n && !(ascending[first] > cut)) {
            first++;
        }
        return n - first >= MIN_TAIL ? first : -1;
    }

    /** Fills logs[j] = ln λ_j for j ≥ first; returns suffix[i] = Σ_{j ≥ i} ln λ_j (suffix[n] = 0). */
    private static double[] suffixLogSums(double[] ascending, int first, double[] logs) {
        int n = ascending.length;
        double[] suffix = new double[n + 1];
        for (int j = n - 1; j >= first; j--) {
            logs[j] = Math.log(ascending[j]);
            suffix[j] = suffix[j + 1] + logs[j];
        }
        return suffix;
    }

    /** α = 1 + n / (Σ_{j≥i} ln λ_j − n ln xmin); NaN when the tail is all equal (the sum is 0). */
    private static double alpha(double[] suffix, double[] logs, int i, int n) {
        int tail = n - i;
        double sum = suffix[i] - tail * logs[i];
        return sum > 0 ? 1 + tail / sum : Double.NaN;
    }

    /**
     * The maximum of the KS terms at every {@code stride}-th point of the tail starting at i (and at
     * its last point): D itself for stride 1, a lower bound of D otherwise. Returns early, with a
     * value &gt; stopAt, as soon as the running maximum exceeds stopAt.
     * F(λ) = 1 − exp((1 − α)(ln λ − ln xmin)).
     */
    private static double ksDistance(double[] logs, int i, int n, double alpha, int stride, double stopAt) {
        int tail = n - i;
        double logXmin = logs[i];
        double exponent = 1 - alpha;
        double d = 0;
        for (int k = 0; ; k = Math.min(k + stride, tail - 1)) {
            double f = 1 - Math.exp(exponent * (logs[i + k] - logXmin));
            d = Math.max(d, Math.max((k + 1.0) / tail - f, f - (double) k / tail));
            if (d > stopAt || k == tail - 1) {
                return d;
            }
        }
    }
}

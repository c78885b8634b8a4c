package org.dysonmonitor.rmt;

/**
 * WeightWatcher's per-layer metrics of the eigenvalues λ of WᵀW (no normalisation of W), from one
 * spectrum:
 * <ul>
 *   <li>the power-law fit of the tail ({@link PowerLawFit}) and α̂ = α · log₁₀ λ_max
 *       ({@code alpha_weighted});</li>
 *   <li>log₁₀ ‖W‖_F² = log₁₀ Σλ, log₁₀ ‖W‖₂² = log₁₀ λ_max, the log α-norm log₁₀ Σ λ^α;</li>
 *   <li>the stable rank Σλ / λ_max and the MP soft rank x₊ / λ_max, with x₊ the edge of the
 *       Marchenko-Pastur law fitted to the bulk ({@link MarchenkoPastur#fit}): near 1 for a random
 *       layer, small when the largest eigenvalue stands far out of the bulk;</li>
 *   <li>the matrix entropy, as WeightWatcher defines it (RMT_Util.py, {@code matrix_entropy}): the
 *       Shannon entropy of p_i = λ_i / Σλ (the normalised squared singular values) over ln(rank),
 *       S = −Σ p_i ln p_i / ln R, 1 for a flat spectrum, towards 0 when a few directions carry
 *       everything. R counts λ &gt; {@link Spacings#ZERO_TOLERANCE}·λ_max: WeightWatcher's numpy rank
 *       (singular values above ξ_max·max(M, N)·ε) is not resolvable from eigenvalues of WᵀW, whose
 *       rounding is ε·λ_max; for a full-rank layer the two agree. A rank-one layer has S = 0.</li>
 *   <li>a status from α ({@link TrainingStatus}).</li>
 * </ul>
 *
 * @param powerLaw         the tail fit
 * @param alphaWeighted    α̂ = α log₁₀ λ_max
 * @param logFrobeniusNorm log₁₀ Σλ
 * @param logSpectralNorm  log₁₀ λ_max
 * @param logAlphaNorm     log₁₀ Σ λ^α over λ &gt; 0
 * @param stableRank       Σλ / λ_max
 * @param mpSoftRank       x₊ / λ_max; NaN without a Marchenko-Pastur fit
 * @param matrixEntropy    −Σ p ln p / ln R
 * @param status           from α
 */
public record HeavyTailMetrics(PowerLawFit powerLaw, double alphaWeighted, double logFrobeniusNorm,
                               double logSpectralNorm, double logAlphaNorm, double stableRank,
                               double mpSoftRank, double matrixEntropy, TrainingStatus status) {

    /**
     * @param ascending eigenvalues of the smaller Gram matrix, ascending, ≥ 0; not modified
     * @param mpEdge    the fitted Marchenko-Pastur edge x₊ of this spectrum, NaN if none
     */
    public static HeavyTailMetrics of(double[] ascending, double mpEdge) {
        PowerLawFit fit = PowerLawFit.fit(ascending);
        int n = ascending.length;
        double max = n == 0 ? 0 : ascending[n - 1];
        double cut = Spacings.ZERO_TOLERANCE * max;
        double sum = 0;
        double keptSum = 0;
        double alphaNorm = 0;
        int rank = 0;
        for (double x : ascending) {
            sum += x;
            if (x > cut) {
                rank++;
                keptSum += x;
                alphaNorm += Math.pow(x, fit.alpha()); // NaN without a fit
            }
        }
        double logMax = Math.log10(max);
        double entropy = entropy(ascending, cut, keptSum, rank);
        return new HeavyTailMetrics(fit, fit.alpha() * logMax, Math.log10(sum), logMax, Math.log10(alphaNorm),
                max > 0 ? sum / max : Double.NaN, max > 0 ? mpEdge / max : Double.NaN, entropy,
                TrainingStatus.of(fit.alpha()));
    }

    /** −Σ p ln p / ln R with p = λ/Σλ, both over the R eigenvalues above the cut. */
    private static double entropy(double[] ascending, double cut, double sum, int rank) {
        if (rank == 0) {
            return Double.NaN;
        }
        if (rank == 1) {
            return 0;
        }
        double h = 0;
        for (double x : ascending) {
            if (x > cut) {
                double p = x / sum;
                h -= p * Math.log(p);
            }
        }
        return h / Math.log(rank);
    }
}

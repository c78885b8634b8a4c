package org.dysonmonitor.rmt;

/**
 * Statistics of one degenerate pair of a layer, pooled over the stationary snapshots seen so far
 * (physics.md §3). Each estimate comes with a blocked-jackknife standard error that accounts for
 * the autocorrelation of consecutive snapshots.
 *
 * @param pair                   label "lower-upper" of the modes in the ascending spectrum
 * @param lower                  index of the lower mode
 * @param upper                  index of the upper mode
 * @param centre                 the pair's target eigenvalue of WᵀW (x units; for the RBM x = (μ² − κ)/σ_h²),
 *                               or NaN when unknown
 * @param samples                number of snapshots pooled
 * @param sigmaSquared           σ̂² = ⟨S²⟩/4, the maximum-likelihood width of the two-level density
 * @param sigmaSquaredError      its standard error
 * @param meanSpacing            ⟨S⟩ (Wigner: √π σ)
 * @param meanSpacingError       its standard error
 * @param spacingS2              ⟨s²⟩ = ⟨S²⟩/⟨S⟩² of the rescaled spacing (Wigner surmise: 4/π)
 * @param spacingS2Error         its standard error
 * @param binderCumulant         U₄ of the pair's eigenvalues about their centre (two-level density: −4/27)
 * @param binderCumulantError    its standard error
 * @param sigmaSquaredPerLrBatch σ̂²/(α/|B|), constant across runs if the linear scaling rule holds;
 *                               NaN when α or |B| is unknown
 */
public record PairReport(
        String pair,
        int lower,
        int upper,
        double centre,
        long samples,
        double sigmaSquared,
        double sigmaSquaredError,
        double meanSpacing,
        double meanSpacingError,
        double spacingS2,
        double spacingS2Error,
        double binderCumulant,
        double binderCumulantError,
        double sigmaSquaredPerLrBatch) {
}

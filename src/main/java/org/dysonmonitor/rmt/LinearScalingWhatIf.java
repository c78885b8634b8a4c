package org.dysonmonitor.rmt;

/**
 * What a mode's (or a pair's) width and relaxation would be at another learning rate or batch size, by the
 * linear scaling rule of the Coulomb-gas picture (physics.md §2): g² ∝ α²/|B| and Ω ∝ α, so
 * <pre>
 *   σ²' = σ² · (α'/α) · (|B|/|B'|),   τ' = τ · α/α'   (independent of |B|).
 * </pre>
 * Its limit, measured by the sweep (physics.md §7): linear to ≈ 8 % for α/|B| ≤ 0.1/16 (doubling α/|B|
 * multiplies σ² by 1.83 ± 0.01); at α/|B| = 0.1/4 the coefficient σ²/((α/|B|)(μ² − κ)) has fallen from 1.5–2
 * to 1.0–1.25. A what-if whose target ratio α'/|B'| exceeds {@link #MEASURED_LINEAR_LIMIT} is flagged: the
 * predicted width is then an upper bound.
 *
 * @param varianceFactor   σ²'/σ²
 * @param relaxationFactor τ'/τ
 * @param variance         σ²' for the given σ²
 * @param beyondLinear     α'/|B'| &gt; {@link #MEASURED_LINEAR_LIMIT}: expect a smaller width than predicted
 */
public record LinearScalingWhatIf(double varianceFactor, double relaxationFactor, double variance, boolean beyondLinear) {

    /** α/|B| up to which the sweep measured linear scaling within ≈ 8 %. */
    public static final double MEASURED_LINEAR_LIMIT = 0.1 / 16;

    /**
     * @param variance the width σ² measured at (α, |B|)
     * @param alpha    α of the measurement (&gt; 0)
     * @param batch    |B| of the measurement (≥ 1)
     * @param alpha2   α' (&gt; 0)
     * @param batch2   |B'| (≥ 1)
     */
    public static LinearScalingWhatIf at(double variance, double alpha, int batch, double alpha2, int batch2) {
        if (!(alpha > 0) || !(alpha2 > 0) || batch < 1 || batch2 < 1) {
            throw new IllegalArgumentException("need alpha, alpha' > 0 and |B|, |B'| >= 1; got "
                    + alpha + ", " + batch + ", " + alpha2 + ", " + batch2);
        }
        double factor = (alpha2 / alpha) * ((double) batch / batch2);
        return new LinearScalingWhatIf(factor, alpha / alpha2, variance * factor,
                alpha2 / batch2 > MEASURED_LINEAR_LIMIT * (1 + 1e-12));
    }
}

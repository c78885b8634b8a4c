package org.dysonmonitor.sweep;

/**
 * Weighted least-squares fit of a line through the origin, y = a x:
 * <pre>
 *   a = Σ w x y / Σ w x²,   χ² = Σ w (y − a x)²,   dof = n − 1,   σ_w(a) = 1/√(Σ w x²),
 * </pre>
 * with weights w = 1/σ_y² (σ_w(a) is the error if those σ_y are right; the sweep quotes the jackknife
 * over runs instead and gives χ²/dof to show how well a line through the origin describes the points).
 *
 * @param slope      a
 * @param chiSquared χ²
 * @param n          points used (finite x, y and w &gt; 0)
 * @param slopeError σ_w(a) from the weights
 */
public record OriginFit(double slope, double chiSquared, int n, double slopeError) {

    /**
     * @param x abscissae (not modified)
     * @param y ordinates
     * @param w weights ≥ 0; points with a non-finite value or w ≤ 0 are skipped
     * @return the fit; slope NaN without a usable point with x ≠ 0
     */
    public static OriginFit fit(double[] x, double[] y, double[] w) {
        WeightedPoints p = WeightedPoints.usable(x, y, w);
        int n = p.n();
        double[] px = p.x();
        double[] py = p.y();
        double[] pw = p.w();
        double sxy = 0.0;
        double sxx = 0.0;
        for (int i = 0; i < n; i++) {
            sxy += pw[i] * px[i] * py[i];
            sxx += pw[i] * px[i] * px[i];
        }
        double a = sxx > 0 ? sxy / sxx : Double.NaN;
        double chi2 = 0.0;
        for (int i = 0; i < n; i++) {
            double r = py[i] - a * px[i];
            chi2 += pw[i] * r * r;
        }
        return new OriginFit(a, chi2, n, sxx > 0 ? 1.0 / Math.sqrt(sxx) : Double.NaN);
    }

    /** χ²/(n − 1); NaN for fewer than 2 points. */
    public double chiSquaredPerDof() {
        return n > 1 ? chiSquared / (n - 1) : Double.NaN;
    }
}

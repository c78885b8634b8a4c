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
        if (x.length != y.length || y.length != w.length) {
            throw new IllegalArgumentException("x, y, w lengths differ: " + x.length + ", " + y.length + ", " + w.length);
        }
        double sxy = 0.0;
        double sxx = 0.0;
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (usable(x[i], y[i], w[i])) {
                sxy += w[i] * x[i] * y[i];
                sxx += w[i] * x[i] * x[i];
                n++;
            }
        }
        double a = sxx > 0 ? sxy / sxx : Double.NaN;
        double chi2 = 0.0;
        for (int i = 0; i < x.length; i++) {
            if (usable(x[i], y[i], w[i])) {
                double r = y[i] - a * x[i];
                chi2 += w[i] * r * r;
            }
        }
        return new OriginFit(a, chi2, n, sxx > 0 ? 1.0 / Math.sqrt(sxx) : Double.NaN);
    }

    static boolean usable(double x, double y, double w) {
        return Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(w) && w > 0;
    }

    /** χ²/(n − 1); NaN for fewer than 2 points. */
    public double chiSquaredPerDof() {
        return n > 1 ? chiSquared / (n - 1) : Double.NaN;
    }
}

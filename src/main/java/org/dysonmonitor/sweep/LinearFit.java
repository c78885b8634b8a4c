package org.dysonmonitor.sweep;

/**
 * Weighted least-squares straight line y = b x + c, with the weighted coefficient of determination:
 * <pre>
 *   x̄ = Σwx/Σw,  ȳ = Σwy/Σw,  b = Σ w (x − x̄)(y − ȳ) / Σ w (x − x̄)²,  c = ȳ − b x̄,
 *   R² = 1 − Σ w (y − b x − c)² / Σ w (y − ȳ)²,   χ² = Σ w (y − b x − c)²,  dof = n − 2.
 * </pre>
 * With equal weights R² is the usual one. Weights are 1/σ_y²; points with a non-finite value or
 * w ≤ 0 are skipped.
 *
 * The errors from the weights, σ_w(b) = 1/√(Σw(x − x̄)²) and σ_w(c) = √(1/Σw + x̄²/Σw(x − x̄)²), hold
 * if the weights are right (the sweep prefers the jackknife over runs when it has enough runs).
 *
 * @param slope          b
 * @param intercept      c
 * @param rSquared       R² (NaN for fewer than 3 points, where a line always fits)
 * @param chiSquared     χ²
 * @param n              points used
 * @param slopeError     σ_w(b)
 * @param interceptError σ_w(c)
 */
public record LinearFit(double slope, double intercept, double rSquared, double chiSquared, int n, double slopeError,
                        double interceptError) {

    public static LinearFit fit(double[] x, double[] y, double[] w) {
        WeightedPoints p = WeightedPoints.usable(x, y, w);
        int n = p.n();
        if (n < 2) {
            return new LinearFit(Double.NaN, Double.NaN, Double.NaN, Double.NaN, n, Double.NaN, Double.NaN);
        }
        double[] px = p.x();
        double[] py = p.y();
        double[] pw = p.w();
        double sw = 0.0;
        double swx = 0.0;
        double swy = 0.0;
        for (int i = 0; i < n; i++) {
            sw += pw[i];
            swx += pw[i] * px[i];
            swy += pw[i] * py[i];
        }
        double mx = swx / sw;
        double my = swy / sw;
        double sxx = 0.0;
        double sxy = 0.0;
        double syy = 0.0;
        for (int i = 0; i < n; i++) {
            double dx = px[i] - mx;
            double dy = py[i] - my;
            sxx += pw[i] * dx * dx;
            sxy += pw[i] * dx * dy;
            syy += pw[i] * dy * dy;
        }
        double b = sxx > 0 ? sxy / sxx : Double.NaN;
        double c = my - b * mx;
        double chi2 = 0.0;
        for (int i = 0; i < n; i++) {
            double r = py[i] - b * px[i] - c;
            chi2 += pw[i] * r * r;
        }
        double r2 = n >= 3 && syy > 0 ? 1.0 - chi2 / syy : Double.NaN;
        double slopeError = sxx > 0 ? 1.0 / Math.sqrt(sxx) : Double.NaN;
        double interceptError = sxx > 0 ? Math.sqrt(1.0 / sw + mx * mx / sxx) : Double.NaN;
        return new LinearFit(b, c, r2, chi2, n, slopeError, interceptError);
    }

    /** χ²/(n − 2); NaN for fewer than 3 points. */
    public double chiSquaredPerDof() {
        return n > 2 ? chiSquared / (n - 2) : Double.NaN;
    }
}

package org.dysonmonitor.sweep;

/**
 * Power sums of one degenerate pair over a set of snapshots, additive over runs (so that pooled
 * estimates, and the same estimates without one run, are exact): n snapshots, ΣS, ΣS² of the spacing
 * S = |x₂ − x₁|, and Σw^k (k = 1..4) of w = x − x_t over <em>both</em> eigenvalues (2n values; never
 * ordered by hand, physics.md §3).
 * <pre>
 *   ⟨S⟩ = ΣS/n,  σ̂² = ΣS²/(4n),  ⟨s²⟩ = (ΣS²/n)/⟨S⟩²,
 *   w̄ = Σw/(2n),  m₂ = Σw²/(2n) − w̄²,  m₄ = Σw⁴/(2n) − 4w̄Σw³/(2n) + 6w̄²Σw²/(2n) − 3w̄⁴,
 *   U₄ = m₄/(3m₂²) − 1   (about the pooled centre x_t + w̄; −4/27 for the two-level density).
 * </pre>
 * In a sweep n, ΣS and ΣS² come from the monitor's PairReport of each run (n·⟨S⟩ and 4n·σ̂²) and the
 * Σw^k from the eigenvalues of the same snapshots.
 */
public record PairMoments(double n, double s1, double s2, double w1, double w2, double w3, double w4) {

    public static final PairMoments ZERO = new PairMoments(0, 0, 0, 0, 0, 0, 0);

    /** Sums of the eigenvalues of a series about {@code centre}, with the spacing sums as given. */
    public static PairMoments of(double n, double sumS, double sumS2, PairSeries series, double centre) {
        double w1 = 0;
        double w2 = 0;
        double w3 = 0;
        double w4 = 0;
        for (int i = 0; i < 2 * series.size(); i++) {
            double w = (i % 2 == 0 ? series.low(i / 2) : series.high(i / 2)) - centre;
            double ww = w * w;
            w1 += w;
            w2 += ww;
            w3 += ww * w;
            w4 += ww * ww;
        }
        return new PairMoments(n, sumS, sumS2, w1, w2, w3, w4);
    }

    /** All sums of a series (spacings included) about {@code centre}. */
    public static PairMoments of(PairSeries series, double centre) {
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < series.size(); i++) {
            double s = series.spacing(i);
            s1 += s;
            s2 += s * s;
        }
        return of(series.size(), s1, s2, series, centre);
    }

    public PairMoments plus(PairMoments o) {
        return new PairMoments(n + o.n, s1 + o.s1, s2 + o.s2, w1 + o.w1, w2 + o.w2, w3 + o.w3, w4 + o.w4);
    }

    public PairMoments minus(PairMoments o) {
        return new PairMoments(n - o.n, s1 - o.s1, s2 - o.s2, w1 - o.w1, w2 - o.w2, w3 - o.w3, w4 - o.w4);
    }

    public double meanSpacing() {
        return n > 0 ? s1 / n : Double.NaN;
    }

    public double sigmaSquared() {
        return n > 0 ? s2 / (4 * n) : Double.NaN;
    }

    public double rescaledSpacingSquared() {
        double m = meanSpacing();
        return n > 0 ? s2 / n / (m * m) : Double.NaN;
    }

    /** w̄: the pooled centre minus x_t. */
    public double centreOffset() {
        return n > 0 ? w1 / (2 * n) : Double.NaN;
    }

    /** U₄ about the pooled centre. */
    public double binderCumulant() {
        if (n <= 0) {
            return Double.NaN;
        }
        double m = 2 * n;
        double w = w1 / m;
        double e2 = w2 / m;
        double e3 = w3 / m;
        double e4 = w4 / m;
        double m2 = e2 - w * w;
        double m4 = e4 - 4 * w * e3 + 6 * w * w * e2 - 3 * w * w * w * w;
        return m4 / (3 * m2 * m2) - 1;
    }
}

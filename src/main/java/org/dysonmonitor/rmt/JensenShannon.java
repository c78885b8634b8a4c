package org.dysonmonitor.rmt;

/**
 * Jensen-Shannon distance between the spectral densities of two spectra, each estimated by a
 * histogram on one common grid.
 *
 * <p>The grid: B bins of equal width in ln λ on [min, max] of the positive eigenvalues of both
 * spectra together. Logarithmic, because the spectrum of a trained layer spans decades: on a linear
 * grid reaching out to its largest spike, a bulk and its randomized, wider bulk would share the first
 * bin and look identical. Eigenvalues ≤ {@link Spacings#ZERO_TOLERANCE}·λ_max (the null space of a
 * rank-deficient W) are left out. B from Rice's rule ⌈2 n^{1/3}⌉ for the smaller spectrum's n, at
 * least {@link #MIN_BINS}: enough bins to resolve a bulk and its spikes, few enough that two samples
 * of one density of a few hundred eigenvalues do not look different through counting noise alone.
 * With p, q the two normalised histograms and
 * m = (p + q)/2,
 * <pre>
 *   JSD(p, q) = ½ Σ p log₂(p/m) + ½ Σ q log₂(q/m) ∈ [0, 1],    distance = √JSD ∈ [0, 1]
 * </pre>
 * (the square root is a metric; in bits so that disjoint densities are at distance 1; terms with a
 * zero weight contribute 0). Identical spectra are at distance 0.
 */
public final class JensenShannon {

    /** Fewest bins of the common grid. */
    public static final int MIN_BINS = 10;

    private JensenShannon() {
    }

    /** The number of bins for spectra of n and m values: max(MIN_BINS, ⌈2 min(n, m)^{1/3}⌉). */
    public static int bins(int n, int m) {
        return Math.max(MIN_BINS, (int) Math.ceil(2 * Math.cbrt(Math.min(n, m))));
    }

    /**
     * @param a one spectrum, any order, finite, ≥ 0; not modified
     * @param b the other; not modified
     * @return the distance; NaN if either has no positive eigenvalue
     */
    public static double distance(double[] a, double[] b) {
        double[] la = positiveLogs(a);
        double[] lb = positiveLogs(b);
        if (la.length == 0 || lb.length == 0) {
            return Double.NaN;
        }
        double lo = Math.min(min(la), min(lb));
        double hi = Math.max(max(la), max(lb));
        int bins = bins(la.length, lb.length);
        double[] p = histogram(la, lo, hi, bins);
        double[] q = histogram(lb, lo, hi, bins);
        double divergence = 0;
        for (int k = 0; k < bins; k++) {
            double m = 0.5 * (p[k] + q[k]);
            divergence += 0.5 * (term(p[k], m) + term(q[k], m));
        }
        return Math.sqrt(Math.max(0, Math.min(1, divergence)));
    }

    /** ln λ of the eigenvalues above the zero tolerance of their own largest. */
    private static double[] positiveLogs(double[] values) {
        double max = 0;
        for (double x : values) {
            if (!Double.isFinite(x) || x < 0) {
                throw new IllegalArgumentException("eigenvalues must be finite and ≥ 0, got " + x);
            }
            max = Math.max(max, x);
        }
        double cut = Spacings.ZERO_TOLERANCE * max;
        return java.util.Arrays.stream(values).filter(x -> x > cut).map(Math::log).toArray();
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    /** p log₂(p/m), 0 for p = 0. */
    private static double term(double p, double m) {
        return p > 0 ? p * Math.log(p / m) / Math.log(2) : 0;
    }

    /** Normalised counts; all in bin 0 when the grid has zero width (every value equal). */
    private static double[] histogram(double[] values, double lo, double hi, int bins) {
        double[] h = new double[bins];
        double width = (hi - lo) / bins;
        for (double x : values) {
            int k = width > 0 ? (int) ((x - lo) / width) : 0;
            h[Math.min(k, bins - 1)] += 1.0 / values.length;
        }
        return h;
    }
}

package org.dysonmonitor.rmt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Long-range statistics of an unfolded spectrum (levels ξ of unit mean spacing): the Dyson-Mehta
 * spectral rigidity Δ₃(L) and the number variance Σ²(L) (Mehta, Random Matrices, ch. 16; Bohigas
 * and Giannoni, Ann. Phys. 89 (1975) 393).
 * <pre>
 *   Σ²(L) = ⟨n(x, L)²⟩ − ⟨n(x, L)⟩²,        n(x, L) = #{ξ ∈ [x, x + L]}
 *   Δ₃(L) = ⟨ (1/L) min_{A,B} ∫_x^{x+L} (N(ξ) − Aξ − B)² dξ ⟩,   N the staircase
 * </pre>
 * averaged over window starts x every {@link #WINDOW_STEP} unfolded spacings across the bulk.
 * Poisson levels: Σ² = L, Δ₃ = L/15. GOE, for large L (γ Euler's constant):
 * Σ² ≈ (2/π²)(ln 2πL + γ + 1 − π²/8), Δ₃ ≈ (1/π²)(ln 2πL + γ − 5/4 − π²/8). A rigid (GOE-like)
 * spectrum grows only logarithmically: eigenvalues that repel at all distances.
 *
 * <p>The bulk: the central {@code 1 − 2·}{@link #EDGE_FRACTION} of the levels, since a global
 * polynomial unfolding ({@link Spacings#unfolded(double[])}) is least reliable at the spectrum's
 * edges, and long-range statistics are sensitive to any residual density variation. An L whose
 * window does not fit {@link #MIN_WINDOWS_PER_L} times into the bulk gets NaN.
 *
 * <p>The least-squares line of a window is solved in closed form: with u = ξ − x − L/2 ∈ [−L/2, L/2]
 * the basis {1, u} is orthogonal on the window, so min ∫ (N − Au − B)² = I₂ − I₀²/L − I₁²/(L³/12)
 * with I₀ = ∫N, I₁ = ∫uN, I₂ = ∫N², each a sum over the steps of the staircase.
 */
public final class SpectralRigidity {

    /** The window lengths reported. */
    public static final int[] LENGTHS = {2, 5, 10, 20};

    /** Fraction of the levels dropped at each end before the statistics. */
    public static final double EDGE_FRACTION = 0.1;

    /** Spacing between window starts, in unfolded units. */
    public static final double WINDOW_STEP = 0.5;

    /** The bulk must be at least this many window lengths long. */
    public static final int MIN_WINDOWS_PER_L = 3;

    private static final double EULER_GAMMA = 0.5772156649015329;

    /** Δ₃(L) and Σ²(L) at {@link #LENGTHS}, keyed by L as a string ("2", "5", …), in that order. */
    public record Result(Map<String, Double> rigidity, Map<String, Double> numberVariance) {
        public Result {
            rigidity = Collections.unmodifiableMap(new LinkedHashMap<>(rigidity));
            numberVariance = Collections.unmodifiableMap(new LinkedHashMap<>(numberVariance));
        }

        /** NaN at every L: too few levels. */
        public static Result empty() {
            return of(new double[0]);
        }
    }

    private SpectralRigidity() {
    }

    /**
     * Δ₃ and Σ² at {@link #LENGTHS} of the bulk of the levels ξ_k = s_0 + … + s_{k−1}.
     *
     * @param unfoldedSpacings spacings of an unfolded spectrum (mean ≈ 1), e.g. from
     *                         {@link Spacings#unfolded(double[])}; not modified
     */
    public static Result of(double[] unfoldedSpacings) {
        double[] levels = bulkLevels(unfoldedSpacings);
        Map<String, Double> rigidity = new LinkedHashMap<>();
        Map<String, Double> variance = new LinkedHashMap<>();
        for (int length : LENGTHS) {
            rigidity.put(Integer.toString(length), rigidity(levels, length));
            variance.put(Integer.toString(length), numberVariance(levels, length));
        }
        return new Result(rigidity, variance);
    }

    /** The levels (cumulative sums of the spacings, starting at 0) without EDGE_FRACTION at each end. */
    static double[] bulkLevels(double[] spacings) {
        int n = spacings.length + 1;
        double[] all = new double[n];
        for (int k = 1; k < n; k++) {
            if (!(spacings[k - 1] >= 0) || Double.isInfinite(spacings[k - 1])) {
                throw new IllegalArgumentException("spacing " + (k - 1) + " is " + spacings[k - 1]);
            }
            all[k] = all[k - 1] + spacings[k - 1];
        }
        int drop = (int) Math.floor(EDGE_FRACTION * n);
        double[] bulk = new double[Math.max(0, n - 2 * drop)];
        System.arraycopy(all, drop, bulk, 0, bulk.length);
        return bulk;
    }

    /** Σ²(L) of ascending levels; NaN if the levels span less than MIN_WINDOWS_PER_L·L. */
    public static double numberVariance(double[] levels, double length) {
        int[] first = firstInWindows(levels, length);
        if (first.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        double sumSquares = 0;
        int hi = 0;
        for (int w = 0; w < first.length; w++) {
            double x = levels[0] + w * WINDOW_STEP;
            while (hi < levels.length && levels[hi] <= x + length) {
                hi++;
            }
            double count = hi - first[w];
            sum += count;
            sumSquares += count * count;
        }
        double mean = sum / first.length;
        return sumSquares / first.length - mean * mean;
    }

    /** Δ₃(L) of ascending levels; NaN if the levels span less than MIN_WINDOWS_PER_L·L. */
    public static double rigidity(double[] levels, double length) {
        int[] first = firstInWindows(levels, length);
        if (first.length == 0) {
            return Double.NaN;
        }
        double total = 0;
        for (int w = 0; w < first.length; w++) {
            total += windowRigidity(levels, first[w], levels[0] + w * WINDOW_STEP, length);
        }
        return total / first.length;
    }

    /**
     * For each window start x = ξ₀ + w·WINDOW_STEP ({@link #windows}), the index of the first level
     * ≥ x; empty when no window fits.
     */
    private static int[] firstInWindows(double[] levels, double length) {
        int[] first = new int[windows(levels, length)];
        int lo = 0;
        for (int w = 0; w < first.length; w++) {
            double x = levels[0] + w * WINDOW_STEP;
            while (levels[lo] < x) {
                lo++;
            }
            first[w] = lo;
        }
        return first;
    }

    /**
     * (1/L) min ∫ (N − Au − B)² du over [x, x + L] for the levels from index lo on, with the
     * staircase counting from 0 at the window's left end (an offset is absorbed by B).
     */
    private static double windowRigidity(double[] levels, int lo, double x, double length) {
        double half = 0.5 * length;
        double i0 = 0;
        double i1 = 0;
        double i2 = 0;
        double left = -half;
        int count = 0;
        for (int k = lo; k <= levels.length; k++) {
            double right = k < levels.length ? Math.min(levels[k] - x - half, half) : half;
            // N = count on [left, right)
            i0 += count * (right - left);
            i1 += count * 0.5 * (right * right - left * left);
            i2 += (double) count * count * (right - left);
            if (right >= half) {
                break;
            }
            left = right;
            count++;
        }
        double minimum = i2 - i0 * i0 / length - i1 * i1 / (length * length * length / 12);
        return Math.max(0, minimum) / length;
    }

    /** Window starts every WINDOW_STEP from the first level while the window stays inside the levels. */
    private static int windows(double[] levels, double length) {
        if (levels.length < 2) {
            return 0;
        }
        double span = levels[levels.length - 1] - levels[0];
        if (span < MIN_WINDOWS_PER_L * length) {
            return 0;
        }
        return (int) Math.floor((span - length) / WINDOW_STEP) + 1;
    }

    /** Poisson (uncorrelated levels): Δ₃ = L/15. */
    public static double poissonRigidity(double length) {
        return length / 15;
    }

    /** Poisson: Σ² = L. */
    public static double poissonNumberVariance(double length) {
        return length;
    }

    /** GOE for large L: Δ₃ ≈ (1/π²)(ln 2πL + γ − 5/4 − π²/8). */
    public static double goeRigidity(double length) {
        return (Math.log(2 * Math.PI * length) + EULER_GAMMA - 1.25 - Math.PI * Math.PI / 8) / (Math.PI * Math.PI);
    }

    /** GOE for large L: Σ² ≈ (2/π²)(ln 2πL + γ + 1 − π²/8). */
    public static double goeNumberVariance(double length) {
        return 2 * (Math.log(2 * Math.PI * length) + EULER_GAMMA + 1 - Math.PI * Math.PI / 8) / (Math.PI * Math.PI);
    }
}

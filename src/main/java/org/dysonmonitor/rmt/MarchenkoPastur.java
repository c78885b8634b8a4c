package org.dysonmonitor.rmt;

import org.apache.commons.math3.analysis.solvers.BrentSolver;

/**
 * Marchenko-Pastur law of the eigenvalues x of X = WᵀW for an M×N matrix W with i.i.d. entries of
 * mean 0 and variance σ², N ≤ M, r = N/M, in the limit M, N → ∞ at fixed r:
 *
 * <pre>
 *   P(x) = √((x₊ − x)(x − x₋)) / (2π σ² M r x),   x₋ &lt; x &lt; x₊,   x± = M σ² (1 ± √r)².
 * </pre>
 *
 * <p>If N &gt; M the dimensions are swapped: the non-zero spectra of WᵀW and WWᵀ coincide, and the
 * law describes the min(M, N) eigenvalues of the smaller Gram matrix. The |M − N| structural zero
 * eigenvalues of the larger one are not part of it (no δ(x) term): P integrates to 1 on [x₋, x₊].
 *
 * <p>In units λ = x/(Mσ²) the law depends on r alone; its mean is 1 (⟨x⟩ = Mσ²). For r = 1 (square
 * W) x₋ = 0 and P(x) ∝ 1/√x at the hard edge; the closed-form {@link #cdf(double)} is exact there too.
 * Eigenvalues above x₊, beyond the Tracy-Widom fluctuations of the edge, are spikes: structure not
 * explained by noise.
 *
 * <p>Immutable. Arrays passed in are never modified.
 */
public final class MarchenkoPastur {

    private final int rows;
    private final int cols;
    private final double variance;
    private final double ratio;
    private final double sqrtRatio;
    /** Mσ², the unit of λ. */
    private final double scale;
    private final double lowerEdge;
    private final double upperEdge;

    /**
     * @param rows     M ≥ 1
     * @param cols     N ≥ 1 (swapped with M if larger)
     * @param variance σ² &gt; 0, the variance of one entry W_ij
     */
    public MarchenkoPastur(int rows, int cols, double variance) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("dimensions must be >= 1, got " + rows + "x" + cols);
        }
        if (!(variance > 0) || Double.isInfinite(variance)) {
            throw new IllegalArgumentException("variance must be finite and > 0, got " + variance);
        }
        this.rows = Math.max(rows, cols);
        this.cols = Math.min(rows, cols);
        this.variance = variance;
        this.ratio = (double) this.cols / this.rows;
        this.sqrtRatio = Math.sqrt(ratio);
        this.scale = this.rows * variance;
        double below = 1.0 - sqrtRatio; // exactly 0 for r = 1
        double above = 1.0 + sqrtRatio;
        this.lowerEdge = scale * below * below;
        this.upperEdge = scale * above * above;
    }

    /**
     * Fits σ² to a spectrum by matching its median to the Marchenko-Pastur median.
     *
     * <p>At fixed (M, N) every quantile of the law scales linearly with σ², median(σ²) = σ²·median(1),
     * so the equation median(σ²) = sample median is solved exactly by
     * σ̂² = sample median / median(1), with median(1) from {@link #quantile(double)} (Brent's method
     * on the closed-form cdf).
     *
     * <p>Why the median: a rank-k signal added to W (k spikes pushed above x₊) moves the sample median
     * by about k/2 ranks (the spikes take the place of the top k eigenvalues; at most k ranks by
     * interlacing of singular values), i.e. its quantile by k/(2N), so the relative bias of σ̂² is
     * about k / (2N · x_med P(x_med)) — 0.8 % for k = 3, N = 500, r = ½ — whereas the mean
     * (⟨x⟩ = Mσ²) would be pulled by Σ spikes / N. The bulk eigenvalues are rigid (positions fluctuate
     * by O(√ln N / N) in quantile), so the statistical error of the median is far below that of
     * i.i.d. data.
     *
     * @param rows                 M of the weight matrix
     * @param cols                 N of the weight matrix
     * @param ascendingEigenvalues the min(M, N) eigenvalues of the smaller Gram matrix, ascending;
     *                             not modified
     * @return the fitted law
     * @throws IllegalArgumentException if the length is not min(M, N), the array is not ascending,
     *                                  or its median is not positive
     */
    public static MarchenkoPastur fit(int rows, int cols, double[] ascendingEigenvalues) {
        MarchenkoPastur unit = new MarchenkoPastur(rows, cols, 1.0);
        Spacings.requireAscending(ascendingEigenvalues);
        int n = ascendingEigenvalues.length;
        if (n != unit.cols) {
            throw new IllegalArgumentException("expected min(rows, cols) = " + unit.cols
                    + " eigenvalues, got " + n);
        }
        double median = (n % 2 == 1)
                ? ascendingEigenvalues[n / 2]
                : 0.5 * (ascendingEigenvalues[n / 2 - 1] + ascendingEigenvalues[n / 2]);
        if (!(median > 0)) {
            throw new IllegalArgumentException("median eigenvalue must be > 0, got " + median);
        }
        return new MarchenkoPastur(rows, cols, median / unit.median());
    }

    /** @return M = max(rows, cols) */
    public int rows() {
        return rows;
    }

    /** @return N = min(rows, cols), the number of eigenvalues described */
    public int cols() {
        return cols;
    }

    /** @return σ², the variance of one matrix entry */
    public double variance() {
        return variance;
    }

    /** @return r = N/M ∈ (0, 1] */
    public double ratio() {
        return ratio;
    }

    /** @return x₋ = Mσ²(1 − √r)² (0 for r = 1) */
    public double lowerEdge() {
        return lowerEdge;
    }

    /** @return x₊ = Mσ²(1 + √r)² */
    public double upperEdge() {
        return upperEdge;
    }

    /** @return ⟨x⟩ = Mσ² (= tr X / N in expectation) */
    public double mean() {
        return scale;
    }

    /**
     * Width of the Tracy-Widom fluctuations of the largest eigenvalue of a real Wishart matrix
     * (Johnstone, Ann. Stat. 29 (2001) 295, leading order):
     *
     * <pre>
     *   x_max ≈ x₊ + σ_TW · TW₁,   σ_TW = σ² (√M + √N) (1/√M + 1/√N)^{1/3},
     * </pre>
     *
     * with x₊ = σ²(√M + √N)² and TW₁ the β = 1 Tracy-Widom law (mean −1.21, s.d. 1.27). A pure-noise
     * x_max exceeds x₊ with probability ≈ 0.17, exceeds x₊ + 2σ_TW with probability ≈ 0.01.
     *
     * @return σ_TW
     */
    public double tracyWidomScale() {
        double sqrtM = Math.sqrt(rows);
        double sqrtN = Math.sqrt(cols);
        return variance * (sqrtM + sqrtN) * Math.cbrt(1.0 / sqrtM + 1.0 / sqrtN);
    }

    /**
     * P(x) = √((x₊ − x)(x − x₋)) / (2π σ² M r x) for x₋ &lt; x &lt; x₊, else 0. (For r = 1 it
     * diverges as 1/√x at x → 0⁺; the single point x = x₋ = 0 is given density 0.)
     *
     * @param x eigenvalue
     * @return the density
     */
    public double density(double x) {
        if (!(x > lowerEdge && x < upperEdge)) {
            return Double.isNaN(x) ? Double.NaN : 0.0;
        }
        // σ² M r = σ² N
        return Math.sqrt((upperEdge - x) * (x - lowerEdge)) / (2.0 * Math.PI * variance * cols * x);
    }

    /**
     * Closed-form distribution function F(x) = ∫_{x₋}^{x} P(t) dt. With λ = x/(Mσ²), λ± = (1 ± √r)²,
     *
     * <pre>
     *   F = [ √((λ₊ − λ)(λ − λ₋)) + (1 + r) θ − (1 − r) ψ ] / (2π r),
     *   θ = 2 arctan √((λ − λ₋)/(λ₊ − λ)),   ψ = 2 arctan[ (1 + √r)/(1 − √r) · √((λ − λ₋)/(λ₊ − λ)) ].
     * </pre>
     *
     * <p>Derivation: ∫ R/t dt with R = √((b − t)(t − a)) equals R + m·arcsin((t − m)/h)
     * − √(ab)·arcsin(((a + b)t − 2ab)/((b − a)t)) with m = (a+b)/2 = 1 + r, h = (b−a)/2 = 2√r,
     * √(ab) = 1 − r. Substituting λ = m − h cos θ turns the first arcsine into θ − π/2 and the second
     * into ψ − π/2 with tan(ψ/2) = √(b/a)·tan(θ/2). Both angles run from 0 at x₋ to π at x₊, so
     * F(x₊) = [(1 + r) − (1 − r)] π / (2πr) = 1. The arctangents, evaluated by atan2 from the two
     * edge distances, are well conditioned at both edges and for r = 1 (a = 0: the ψ term has weight
     * 1 − r = 0), where F ≈ (2/π)√(λ) at the hard edge. Above the centre (x₋ + x₊)/2 the same formula
     * is evaluated for 1 − F from the upper edge, so both tails keep their relative precision.
     * Absolute error ≲ 1e-15/r; the result is clamped to [0, 1].
     *
     * @param x eigenvalue
     * @return F(x): 0 for x ≤ x₋, 1 for x ≥ x₊
     */
    public double cdf(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x <= lowerEdge) {
            return 0.0;
        }
        if (x >= upperEdge) {
            return 1.0;
        }
        double rootBelow = Math.sqrt(x - lowerEdge);
        double rootAbove = Math.sqrt(upperEdge - x);
        // Each half is computed from its own edge, where that tail probability is small, so F is
        // resolved to an ulp right up to x₊ as well as x₋ (and stays monotone there).
        if (rootBelow <= rootAbove) {
            return Math.max(0.0, lowerTail(rootBelow, rootAbove));
        }
        return Math.min(1.0, 1.0 - upperTail(rootBelow, rootAbove));
    }

    /**
     * F(x) = [R/(Mσ²) + (1 + r)θ − (1 − r)ψ]/(2πr), θ = 2 atan2(√(x − x₋), √(x₊ − x)),
     * ψ = 2 atan2((1 + √r)√(x − x₋), (1 − √r)√(x₊ − x)), R = √((x₊ − x)(x − x₋)).
     */
    private double lowerTail(double rootBelow, double rootAbove) {
        double theta = 2.0 * Math.atan2(rootBelow, rootAbove);
        double psi = 2.0 * Math.atan2((1.0 + sqrtRatio) * rootBelow, (1.0 - sqrtRatio) * rootAbove);
        double root = rootBelow * rootAbove / scale;
        return (root + (1.0 + ratio) * theta - (1.0 - ratio) * psi) / (2.0 * Math.PI * ratio);
    }

    /**
     * 1 − F(x) = [−R/(Mσ²) + (1 + r)(π − θ) − (1 − r)(π − ψ)]/(2πr), using 2πr = (1 + r)π − (1 − r)π,
     * with the complementary angles π − θ = 2 atan2(√(x₊ − x), √(x − x₋)) and
     * π − ψ = 2 atan2((1 − √r)√(x₊ − x), (1 + √r)√(x − x₋)).
     */
    private double upperTail(double rootBelow, double rootAbove) {
        double theta = 2.0 * Math.atan2(rootAbove, rootBelow);
        double psi = 2.0 * Math.atan2((1.0 - sqrtRatio) * rootAbove, (1.0 + sqrtRatio) * rootBelow);
        double root = rootBelow * rootAbove / scale;
        return (-root + (1.0 + ratio) * theta - (1.0 - ratio) * psi) / (2.0 * Math.PI * ratio);
    }

    /**
     * Inverse of {@link #cdf(double)} by Brent's method on [x₋, x₊] (F is continuous and strictly
     * increasing there), to an absolute accuracy of 1e-14·x₊.
     *
     * @param p probability in [0, 1]
     * @return x with F(x) = p: x₋ for p = 0, x₊ for p = 1
     */
    public double quantile(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        }
        if (p == 0) {
            return lowerEdge;
        }
        if (p == 1) {
            return upperEdge;
        }
        BrentSolver solver = new BrentSolver(1e-14, 1e-14 * upperEdge);
        return solver.solve(200, x -> cdf(x) - p, lowerEdge, upperEdge);
    }

    /** @return the median F⁻¹(½) */
    public double median() {
        return quantile(0.5);
    }

    /**
     * Kolmogorov-Smirnov distance sup_x |F_N(x) − F(x)| of a spectrum from this law.
     *
     * @param eigenvalues the N eigenvalues of the smaller Gram matrix, any order; not modified
     * @return D_N; NaN if empty
     */
    public double ksDistance(double[] eigenvalues) {
        return KolmogorovSmirnov.distance(eigenvalues, this::cdf);
    }

    /**
     * Number of eigenvalues strictly above the edge x₊ (spike candidates). Finite-size edge
     * fluctuations put the largest noise eigenvalue above x₊ with probability ≈ 0.17; use
     * {@link #countAbove(double[], double)} with a margin in Tracy-Widom units where that matters.
     *
     * @param eigenvalues eigenvalues, any order; not modified
     * @return #{x_i &gt; x₊}
     */
    public int countAbove(double[] eigenvalues) {
        return countAbove(eigenvalues, 0.0);
    }

    /**
     * Number of eigenvalues above x₊ + k·σ_TW, with σ_TW = {@link #tracyWidomScale()}.
     *
     * @param eigenvalues     eigenvalues, any order; not modified
     * @param tracyWidomUnits margin k (may be 0 or negative)
     * @return #{x_i &gt; x₊ + k σ_TW}
     */
    public int countAbove(double[] eigenvalues, double tracyWidomUnits) {
        double threshold = upperEdge + tracyWidomUnits * tracyWidomScale();
        int count = 0;
        for (double x : eigenvalues) {
            if (x > threshold) {
                count++;
            }
        }
        return count;
    }

    @Override
    public String toString() {
        return "MarchenkoPastur[M=" + rows + ", N=" + cols + ", σ²=" + variance + ", r=" + ratio
                + ", x₋=" + lowerEdge + ", x₊=" + upperEdge + "]";
    }
}

package org.dysonmonitor.linalg;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The top k eigenvalues of the smaller Gram matrix X (WᵀW or WWᵀ) of one layer, tracked from
 * snapshot to snapshot, with the full spectrum on a schedule and whenever tracking fails.
 *
 * <p>W moves little between snapshots of a training run, so the top eigenvectors of the previous
 * snapshot span almost the same subspace as the new ones; starting {@link BlockKrylovEigensolver}
 * from them (b = k + guard vectors) typically converges in one cycle of q + 1 products X·(n×b),
 * 4·(q+1)·b·M·N flops, against M·N·n + 4/3·n³ for the full spectrum (its Gram matrix and tridiagonal
 * reduction). The first snapshot, a change of shape and {@link #reset()} start cold from a fixed
 * pseudo-random block, which converges too, in more cycles.
 *
 * <p>Each {@link #update} gives a {@link Result} of one of two kinds:
 * <ul>
 *   <li>{@link Kind#FULL}: every {@code fullEvery}-th snapshot (the first one included), when
 *       2·(q+1)·b exceeds n (tracking would cost about as much as the full spectrum), on every snapshot
 *       up to the next scheduled full one when the last full spectrum has no gap after its k-th value
 *       (the gap test, {@link #gapFactor}: a warm start would need more than {@code gapCycles} cycles,
 *       as on an untrained layer's dense Marchenko-Pastur edge, where tracking cost several full
 *       spectra), or when the tracked subspace did not converge within {@code maxCycles} (then
 *       {@code converged} is false and the last Ritz vectors, still the best start, are kept): all n
 *       eigenvalues from
 *       {@link NativeSpectrumSolver};</li>
 *   <li>{@link Kind#TOP}: the k largest eigenvalues, converged to the relative tolerance (float64
 *       input) or to {@link #float32Tolerance} of the largest (float32 input).</li>
 * </ul>
 * Each input is computed in its own precision, as {@link NativeSpectrumSolver} in single-precision mode
 * does: a float64 array by dgemm products and float64 full spectra; a float32 array by sgemm products
 * on the array itself (no widened copy), tested for convergence after its third product too
 * ({@link #FLOAT32_EARLY_CHECK}), and the float32 full spectrum (ssyrk + ssyevd). The basis,
 * Rayleigh–Ritz and the convergence test stay in float64 for both: they cost O(n·m²) against the
 * products' O(M·N·m) (at 4096², 0.5·10¹⁰ of 3.2·10¹⁰ flops per cycle), so float32 would save little
 * there, and a float32 basis would add rounding of its own to every orthogonalisation of nearly
 * dependent Krylov blocks; converting the n×b block for each product costs O(n·b).
 *
 * <p>Not thread-safe: owned by one actor.
 */
public final class TrackedTopSpectrum {

    /** Which eigenvalues a result holds. */
    public enum Kind { TOP, FULL }

    /**
     * @param eigenvalues ascending: the top k for {@link Kind#TOP}, all min(M, N) for {@link Kind#FULL}
     * @param converged   TOP: always true; FULL: false when it replaced a tracking that did not converge
     * @param cycles      block Krylov cycles run this snapshot (0 when not tracked)
     * @param products    products X·(n×b) this snapshot
     * @param residual    the largest error bound of the tracked values relative to each value (float64
     *                    input; down to 10⁻⁵ of the largest) or to the largest (float32 input); NaN when
     *                    not tracked
     */
    public record Result(Kind kind, double[] eigenvalues, boolean converged, int cycles, int products,
                         double residual) {
        public Result {
            eigenvalues = eigenvalues.clone();
        }

        @Override
        public double[] eigenvalues() {
            return eigenvalues.clone();
        }
    }

    /**
     * @param k          eigenvalues tracked (≥ 1)
     * @param guard      extra vectors in the block, to widen the convergence gap (≥ 0)
     * @param depth      Krylov blocks per cycle after the start block (≥ 1)
     * @param maxCycles  cycles before tracking counts as failed (≥ 1)
     * @param tolerance  relative error bound accepted (see {@link BlockKrylovEigensolver})
     * @param fullEvery  a full spectrum every this many snapshots (≥ 1; 1 means always full)
     * @param gapCycles  the gap test (see {@link #gapFactor}): after each full spectrum, the layer is tracked
     *                   until the next one only if a warm start would converge in at most this many cycles by
     *                   the Chebyshev bound; otherwise its snapshots get full spectra at once. 0 switches the
     *                   test off (always track)
     */
    public record Config(int k, int guard, int depth, int maxCycles, double tolerance, int fullEvery, int gapCycles) {
        public Config {
            if (k < 1 || guard < 0 || depth < 1 || maxCycles < 1 || fullEvery < 1 || !(tolerance > 0) || gapCycles < 0) {
                throw new IllegalArgumentException("tracked top spectrum needs k, depth, maxCycles, fullEvery ≥ 1,"
                        + " guard, gapCycles ≥ 0 and tolerance > 0; got " + this);
            }
        }

        /**
         * k = 64, 16 guard vectors, depth 4 (five products per cycle: on a Marchenko-Pastur bulk the
         * error bound falls ~10× per cycle at n = 2048, against ~4× at depth 2 for 3/5 of the cost), at
         * most 8 cycles, tolerance 1e-9 (the bound overestimates the error 2–4× on such spectra, and
         * the contract checked against the full spectrum is 1e-8 relative), a full spectrum every 10
         * snapshots, and the gap test at 2 cycles (the monitor counts a tracked snapshot of more than 2
         * cycles as slow: {@code dyson.top-spectra.slow-cycles}). The tolerance is that of float64 input;
         * float32 input is held to {@link #float32Tolerance} instead (the gap test uses this one for both,
         * so the same layers are tracked in either precision).
         */
        public static Config defaults() {
            return new Config(64, 16, 4, 8, 1e-9, 10, 2);
        }

        public Config withDepth(int newDepth, int newMaxCycles) {
            return new Config(k, guard, newDepth, newMaxCycles, tolerance, fullEvery, gapCycles);
        }

        public Config withK(int newK) {
            return new Config(newK, guard, depth, maxCycles, tolerance, fullEvery, gapCycles);
        }

        public Config withFullEvery(int every) {
            return new Config(k, guard, depth, maxCycles, tolerance, every, gapCycles);
        }

        /** The gap test at {@code cycles} (0: off). */
        public Config withGapCycles(int cycles) {
            return new Config(k, guard, depth, maxCycles, tolerance, fullEvery, cycles);
        }
    }

    /**
     * The relative error of a warm start that the gap test assumes: the previous snapshot's Ritz
     * vectors are taken to be 4 decades from the tolerance of 1e-9 already (a training step moves W
     * by a small fraction). The test then asks for ρ^gapCycles ≤ tolerance / START_ERROR, i.e. at the
     * defaults ρ ≤ 10⁻²: the heavy-tailed spectra of trained layers have ρ ≈ 10⁻³ at k = 64, n = 1024 …
     * 4096 (top eigenvalues ~ n/j), a Marchenko-Pastur bulk 0.09, 0.19 and 0.37 (its dense edge; see
     * TopKBench).
     */
    static final double START_ERROR = 1e-5;

    /**
     * Float32 input gets a Rayleigh–Ritz test after the third product too (Krylov block 2; see
     * {@link BlockKrylovEigensolver}): against its looser tolerance a warm start of a trained-like layer
     * converges there (bench top-k --float32: 1 cycle at depth 2 at 4096², where float64 needs 2 at
     * depth 2 and 1 at depth 4), 3 products instead of 5. Float64 input keeps the one test per cycle.
     */
    static final int FLOAT32_EARLY_CHECK = 2;

    /** c in {@link #float32Tolerance}: measured c ≤ 0.11 (see there), so 1 leaves a margin of 9×. */
    static final double FLOAT32_PRODUCT_CONSTANT = 1.0;

    /**
     * The convergence tolerance of float32 input, τ = c·u·√k relative to the largest value θ_1
     * (u = 2⁻²⁴, k = max(M, N), c = {@value #FLOAT32_PRODUCT_CONSTANT}): 3.8·10⁻⁶ at k = 4096.
     *
     * <p>Why: each entry of the sgemm products A·Q and Aᵀ·(AQ) is a sum of up to k float32 terms, whose
     * rounding errors accumulate like a random walk, ~u·√k of the terms' size (the probabilistic bound
     * of Higham and Mary, SIAM J. Sci. Comput. 41 (2019); the worst case is k·u), and the block and the
     * intermediate are rounded to float32 once each (u); so the computed product is (X + E)·Q with
     * ‖E‖₂ ≲ c·u·√k·‖A‖₂² = c·u·√k·‖X‖₂. Measured with OpenBLAS 0.3.21's sgemm and 80 vectors:
     * ‖E‖₂ ≤ 0.11·u·√k·‖X‖₂ (n×n Gaussian and heavy-tailed W at n = 1024, 2048, 4096 with a random
     * orthonormal Q; at 2048 also a non-negative and a rank-40 W, and Q = the top 80 eigenvectors, the
     * largest). The Ritz residuals are computed from these products, so they stop falling
     * at ~‖E‖ — a tolerance of 10⁻⁹ relative to each value, as for float64, is never reached — and the
     * values themselves are those of a perturbed X: within ‖E‖ of X's by Weyl's inequality even when
     * the residual is smaller. Hence the test min(‖r_i‖, ‖r_i‖²/δ_i) ≤ τ·θ_1 for each of the top k (an
     * absolute scale, reachable since ‖E‖ ≤ τ·θ_1), and the accuracy it gives:
     * <pre>|θ_i − λ_i| ≤ 2·τ·λ_1</pre>
     * (the iteration's error plus the products'). The full float32 spectrum's working bound is k·u·‖X‖
     * ({@link NativeSpectrumSolver#float32WorkingBound}), √k times more.
     */
    public static double float32Tolerance(int rows, int cols) {
        return FLOAT32_PRODUCT_CONSTANT * NativeSpectrumSolver.FLOAT32_UNIT_ROUNDOFF * Math.sqrt(Math.max(rows, cols));
    }

    private final Config config;
    private final GramOperator operator;
    /** Single-precision mode: float32 input of n ≥ 512 (every tracked layer) gets the float32 full spectrum. */
    private final NativeSpectrumSolver full = new NativeSpectrumSolver(true);
    private BlockKrylovEigensolver krylov;
    private double[] vectors = new double[0];
    private boolean warm;
    private double[] fullValues = new double[0];
    private long snapshots;
    private double gapFactor = Double.NaN;
    private boolean gapless;
    private int rows = -1;
    private int cols = -1;

    /** @throws IllegalStateException when the system LAPACK/BLAS did not load */
    public TrackedTopSpectrum(Config config) {
        this.config = config;
        this.operator = new GramOperator(NativeLapack.blas());
    }

    /** Whether an M×N layer is tracked at all (else every result is FULL): 2·(depth+1)·(k+guard) ≤ n. */
    public boolean tracks(int rows, int cols) {
        return 2L * (config.depth() + 1) * (config.k() + config.guard()) <= Math.min(rows, cols);
    }

    /**
     * The next snapshot of the layer, as float32, computed in float32: sgemm products on the array
     * itself, the top k to {@link #float32Tolerance} of the largest, float32 full spectra (the array is
     * read, never modified, copied or kept).
     */
    public Result update(float[] values, int rows, int cols, MatrixLayout layout) {
        SpectrumSolver.checkShape(values.length, rows, cols, Math.min(rows, cols));
        int earlyCheck = config.depth() > FLOAT32_EARLY_CHECK ? FLOAT32_EARLY_CHECK : 0;
        return track(rows, cols, () -> operator.set(values, rows, cols, layout), float32Tolerance(rows, cols), 1.0,
                earlyCheck, out -> full.eigenvalues(values, rows, cols, layout, out));
    }

    /** The next snapshot of the layer (the array is read, never modified or kept). */
    public Result update(double[] values, int rows, int cols, MatrixLayout layout) {
        SpectrumSolver.checkShape(values.length, rows, cols, Math.min(rows, cols));
        return track(rows, cols, () -> operator.set(values, rows, cols, layout), config.tolerance(),
                BlockKrylovEigensolver.NULL_SPACE_FLOOR, 0, out -> full.eigenvalues(values, rows, cols, layout, out));
    }

    /**
     * @param pointOperator sets {@link #operator} to this snapshot's matrix
     * @param tolerance     and {@code floor}, {@code earlyCheck}: the convergence test (see
     *                      {@link BlockKrylovEigensolver#solve})
     * @param fullInto      computes the full spectrum into the given array
     */
    private Result track(int rows, int cols, Runnable pointOperator, double tolerance, double floor, int earlyCheck,
                         Consumer<double[]> fullInto) {
        if (rows != this.rows || cols != this.cols) {
            this.rows = rows;
            this.cols = cols;
            snapshots = 0;
            krylov = null;
            warm = false;
        }
        long index = snapshots++;
        if (!tracks(rows, cols) || index % config.fullEvery() == 0 || gapless) {
            return fullSpectrum(fullInto, rows, cols, true, 0, 0, Double.NaN);
        }
        int n = Math.min(rows, cols);
        int b = config.k() + config.guard();
        if (krylov == null) {
            krylov = new BlockKrylovEigensolver(n, b, config.depth());
            vectors = new double[n * b];
        }
        if (!warm) {
            coldStart(vectors);
        }
        pointOperator.run();
        double[] top = new double[config.k()];
        BlockKrylovEigensolver.Outcome o;
        full.lock(); // the products are native calls too: one at a time when OpenBLAS runs several threads
        try {
            o = krylov.solve(operator, vectors, config.k(), top, tolerance, floor, earlyCheck, config.maxCycles());
        } finally {
            operator.release();
            full.unlock();
        }
        warm = true;
        if (!o.converged()) {
            return fullSpectrum(fullInto, rows, cols, false, o.cycles(), o.products(), o.maxResidual());
        }
        return new Result(Kind.TOP, top, true, o.cycles(), o.products(), o.maxResidual());
    }

    private Result fullSpectrum(Consumer<double[]> fullInto, int rows, int cols,
                                boolean converged, int cycles, int products, double residual) {
        int n = Math.min(rows, cols);
        if (fullValues.length != n) {
            fullValues = new double[n];
        }
        fullInto.accept(fullValues);
        if (tracks(rows, cols)) {
            gapFactor = gapFactor(fullValues, config.k(), config.k() + config.guard(), config.depth());
            // ρ^c ≤ tol/e₀ ⟺ c ≥ log(tol/e₀)/log ρ: the cycles a warm start needs by the bound
            gapless = config.gapCycles() > 0
                    && Math.pow(gapFactor, config.gapCycles()) > config.tolerance() / START_ERROR;
        }
        return new Result(Kind.FULL, fullValues, converged, cycles, products, residual);
    }

    /**
     * The factor by which one block Krylov cycle reduces the error of the k-th largest eigenvalue, by
     * the Chebyshev bound of block Lanczos (Saad, Numerical Methods for Large Eigenvalue Problems,
     * §6.6; Golub–Van Loan §10.1): with the eigenvalues λ₁ ≥ λ₂ ≥ … ≥ λ_n of X, a block of b vectors
     * and q Krylov blocks after the start block, the angle of the k-th Ritz vector shrinks by
     * 1/T_q(1 + 2γ) per cycle and its value's error (quadratic in the angle) by
     * <pre>ρ = T_q(1 + 2γ)⁻²,  γ = (λ_k − λ_{b+1}) / (λ_{b+1} − λ_n),</pre>
     * T_q the Chebyshev polynomial, T_q(x) = cosh(q·arcosh x) for x ≥ 1. The gap that matters is
     * between the k-th value and the first one outside the block; a dense Marchenko-Pastur edge has
     * almost none (ρ near 1), the spread top of a trained layer a wide one (ρ ≪ 1). A null space
     * beyond the block (λ_{b+1} = λ_n = 0) converges at once (ρ = 0).
     *
     * @param ascending all n eigenvalues of X, ascending (n ≥ b + 1)
     */
    static double gapFactor(double[] ascending, int k, int b, int q) {
        int n = ascending.length;
        double lk = ascending[n - k];
        double beyond = ascending[n - b - 1];
        double spread = beyond - ascending[0];
        double gap = lk - beyond;
        if (!(gap > 0)) {
            return 1.0;
        }
        if (!(spread > 0)) {
            return 0.0;
        }
        double t = Math.cosh(q * acosh(1 + 2 * gap / spread));
        return 1 / (t * t);
    }

    private static double acosh(double x) {
        return Math.log(x + Math.sqrt(x * x - 1));
    }

    /**
     * The gap factor ρ of the last full spectrum ({@link #gapFactor}; NaN before the first one or for
     * a layer too small to track), and whether the gap test found no gap: then every snapshot until the
     * next full one is a full spectrum too.
     */
    public double lastGapFactor() {
        return gapFactor;
    }

    /** Whether the last full spectrum's gap test sent the snapshots up to the next full one to full spectra. */
    public boolean gapless() {
        return gapless;
    }

    /** Forgets the tracked subspace: the next tracked snapshot starts cold. */
    public void reset() {
        warm = false;
    }

    public Config config() {
        return config;
    }

    /** A fixed pseudo-random Gaussian block: full rank with probability 1, and reproducible. */
    private static void coldStart(double[] block) {
        SplittableRandom rng = new SplittableRandom(0x5eed);
        for (int i = 0; i < block.length; i++) {
            double u = 1.0 - rng.nextDouble();
            block[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
        }
    }
}

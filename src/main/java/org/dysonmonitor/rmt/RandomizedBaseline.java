package org.dysonmonitor.rmt;

import java.util.SplittableRandom;

/**
 * The randomized baseline of a layer (WeightWatcher's {@code randomize}): the same W with its M·N
 * entries permuted, which keeps the distribution of the entries and destroys every correlation
 * between them, so its spectrum is what the layer would show without learned structure
 * (Marchenko-Pastur for entries of finite variance).
 *
 * <ul>
 *   <li>{@code distance}: the {@link JensenShannon} distance between the spectral densities of W and
 *       of the permuted W: ≈ 0 for a random layer, larger the more training has moved the spectrum
 *       away from its entries' randomized self;</li>
 *   <li>{@code traps}: correlation traps, eigenvalues of the permuted W above the edge x₊ of the
 *       Marchenko-Pastur law fitted to it by more than {@link LayerStatistics#SPIKE_MARGIN}
 *       Tracy-Widom scales ({@link MarchenkoPastur#countAbove(double[], double)}). Permuting cannot
 *       create a spike from correlations, so such an eigenvalue comes from a few very large entries
 *       of W (a heavy-tailed or outlying entry distribution), which Martin and Mahoney relate to
 *       poorly trained layers.</li>
 * </ul>
 *
 * <p>It costs one more spectrum plus a permutation of M·N values, so it is computed only every k-th
 * snapshot of a layer ({@link LayerStatistics.Config#baselineEvery()}): amortised cost 1/k of the
 * spectrum's own (2 % at the default k = 50). The permutation is Fisher-Yates driven by a
 * {@link SplittableRandom} with the given seed, so a baseline is reproducible.
 *
 * <p>Owns its buffers: not thread-safe, one per layer.
 */
public final class RandomizedBaseline {

    /** Eigenvalues of the smaller Gram matrix of a row-major M×N matrix (a linalg solver, supplied by the shell). */
    @FunctionalInterface
    /** W row-major, copied into a buffer of M·N values on demand (the caller may hold W in any precision). */
    public interface Weights {
        void copyRowMajor(double[] into);
    }

    public interface GramEigenvalues {
        /** Writes the min(rows, cols) ascending eigenvalues into {@code out}; {@code rowMajor} may be overwritten. */
        void compute(double[] rowMajor, int rows, int cols, double[] out);
    }

    /**
     * One baseline.
     *
     * @param step        training step of the snapshot it was computed from
     * @param distance    Jensen-Shannon distance of the two spectral densities
     * @param traps       eigenvalues of the permuted W above its Marchenko-Pastur edge + margin
     * @param eigenvalues the permuted W's eigenvalues, ascending
     */
    public record Result(long step, double distance, int traps, double[] eigenvalues) {
        public Result {
            eigenvalues = eigenvalues.clone();
        }

        @Override
        public double[] eigenvalues() {
            return eigenvalues.clone();
        }
    }

    private final int rows;
    private final int cols;
    private final double[] shuffled;
    private final double[] eigenvalues;

    public RandomizedBaseline(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.shuffled = new double[Math.multiplyExact(rows, cols)];
        this.eigenvalues = new double[Math.min(rows, cols)];
    }

    /**
     * @param step        the snapshot's training step
     * @param weights     W row-major (M·N values); not modified
     * @param spectrum    W's own eigenvalues, ascending; not modified
     * @param seed        seed of the permutation
     * @param solver      eigenvalues of a Gram matrix
     */
    public Result compute(long step, double[] weights, double[] spectrum, long seed, GramEigenvalues solver) {
        if (weights.length != shuffled.length) {
            throw new IllegalArgumentException("a " + rows + "×" + cols + " layer has " + shuffled.length
                    + " weights, got " + weights.length);
        }
        return compute(step, into -> System.arraycopy(weights, 0, into, 0, into.length), spectrum, seed, solver);
    }

    /** As {@link #compute(long, double[], double[], long, GramEigenvalues)}, W written into this baseline's buffer. */
    public Result compute(long step, Weights weights, double[] spectrum, long seed, GramEigenvalues solver) {
        weights.copyRowMajor(shuffled);
        permute(shuffled, new SplittableRandom(seed));
        solver.compute(shuffled, rows, cols, eigenvalues);
        double distance = JensenShannon.distance(spectrum, eigenvalues);
        int traps = 0;
        double median = eigenvalues[eigenvalues.length / 2];
        if (median > 0) {
            MarchenkoPastur mp = MarchenkoPastur.fit(rows, cols, eigenvalues);
            traps = mp.countAbove(eigenvalues, LayerStatistics.SPIKE_MARGIN);
        }
        return new Result(step, distance, traps, eigenvalues);
    }

    /** Fisher-Yates: every permutation equally likely. */
    static void permute(double[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            double v = values[i];
            values[i] = values[j];
            values[j] = v;
        }
    }
}

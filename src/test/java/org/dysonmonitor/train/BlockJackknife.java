package org.dysonmonitor.train;

import java.util.function.IntPredicate;
import java.util.function.ToDoubleFunction;

/**
 * Block-jackknife errors for (functions of) time averages of autocorrelated observables.
 *
 * <p>Each row is the mean of every observable over one block of consecutive snapshots; blocks must be much
 * longer than the integrated autocorrelation time so that block means are (nearly) independent. Blocks from
 * independent runs (seeds) are pooled. For an estimator f of the observable means,
 * <pre>
 *   f̂ = f(m̄),  m̄_{(j)} = (n m̄ − b_j)/(n − 1),  err² = ((n − 1)/n) Σ_j (f(m̄_{(j)}) − mean_j f(m̄_{(j)}))².
 * </pre>
 * Not thread-safe; immutable after construction.
 */
final class BlockJackknife {

    /** An estimate and its one-standard-error uncertainty. */
    record Estimate(double value, double error) {
    }

    private final double[][] blocks;
    private final double[] mean;

    /** @param blockMeans rows = blocks, columns = observables; not copied, not modified */
    BlockJackknife(double[][] blockMeans) {
        if (blockMeans.length < 2) {
            throw new IllegalArgumentException("need at least 2 blocks, got " + blockMeans.length);
        }
        this.blocks = blockMeans;
        int n = blockMeans.length;
        this.mean = new double[blockMeans[0].length];
        for (double[] b : blockMeans) {
            for (int o = 0; o < mean.length; o++) {
                mean[o] += b[o] / n;
            }
        }
    }

    int blocks() {
        return blocks.length;
    }

    /** f̂ and its jackknife error; f receives the vector of observable means (do not modify it). */
    Estimate estimate(ToDoubleFunction<double[]> f) {
        int n = blocks.length;
        double[] leaveOut = new double[mean.length];
        double[] values = new double[n];
        double avg = 0.0;
        for (int j = 0; j < n; j++) {
            for (int o = 0; o < mean.length; o++) {
                leaveOut[o] = (n * mean[o] - blocks[j][o]) / (n - 1);
            }
            values[j] = f.applyAsDouble(leaveOut);
            avg += values[j] / n;
        }
        double var = 0.0;
        for (double v : values) {
            var += (v - avg) * (v - avg);
        }
        return new Estimate(f.applyAsDouble(mean.clone()), Math.sqrt(var * (n - 1) / n));
    }

    /** The time average of one observable. */
    Estimate mean(int observable) {
        return estimate(m -> m[observable]);
    }

    /** The blocks whose row index passes {@code keep}, e.g. the first half of every run. */
    BlockJackknife select(IntPredicate keep) {
        return new BlockJackknife(java.util.stream.IntStream.range(0, blocks.length)
                .filter(keep).mapToObj(i -> blocks[i]).toArray(double[][]::new));
    }
}

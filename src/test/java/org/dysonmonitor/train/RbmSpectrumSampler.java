package org.dysonmonitor.train;

import java.util.stream.IntStream;

/**
 * Stationary-regime spectra of X = WᵀW for RBM training runs (physics.md §3, §5), as block means for
 * {@link BlockJackknife}.
 *
 * <p>Observables per snapshot (n = N_h eigenvalues, ascending, never reordered by hand): x_i at index
 * {@link #x(int)}, consecutive spacings S_i = x_{i+1} − x_i at {@link #spacing(int)} and S_i² at
 * {@link #spacing2(int)}. Independent seeds run in parallel; rows are ordered run-major, so block b of
 * run r is row r·blocksPerRun + b.
 */
final class RbmSpectrumSampler {

    private final int n;
    private final int blocksPerRun;

    private RbmSpectrumSampler(int n, int blocksPerRun) {
        this.n = n;
        this.blocksPerRun = blocksPerRun;
    }

    /** The sampler layout for N_h = n and the given blocks per run. */
    static RbmSpectrumSampler layout(int n, int blocksPerRun) {
        return new RbmSpectrumSampler(n, blocksPerRun);
    }

    int x(int i) {
        return i;
    }

    int spacing(int i) {
        return n + i;
    }

    int spacing2(int i) {
        return n + (n - 1) + i;
    }

    int blocksPerRun() {
        return blocksPerRun;
    }

    /**
     * Runs {@code seeds} independent trainers (seeds firstSeed, firstSeed + 1, ...), discards
     * {@code burnIn} updates, then records a snapshot every {@code every} updates.
     */
    BlockJackknife sample(RbmConfig config, int seeds, long firstSeed, int burnIn, int snapshotsPerBlock, int every) {
        double[][][] perRun = IntStream.range(0, seeds).parallel()
                .mapToObj(r -> run(config.withSeed(firstSeed + r), burnIn, snapshotsPerBlock, every))
                .toArray(double[][][]::new);
        double[][] rows = new double[seeds * blocksPerRun][];
        for (int r = 0; r < seeds; r++) {
            System.arraycopy(perRun[r], 0, rows, r * blocksPerRun, blocksPerRun);
        }
        return new BlockJackknife(rows);
    }

    private double[][] run(RbmConfig config, int burnIn, int snapshotsPerBlock, int every) {
        if (config.hidden() != n) {
            throw new IllegalArgumentException("layout is for N_h = " + n + ", config has " + config.hidden());
        }
        TrainerSpectrum spectrum = new TrainerSpectrum(new RbmTrainer(config));
        spectrum.advance(burnIn);
        double[][] blocks = new double[blocksPerRun][3 * n - 2];
        for (int b = 0; b < blocksPerRun; b++) {
            double[] acc = blocks[b];
            for (int k = 0; k < snapshotsPerBlock; k++) {
                double[] x = spectrum.after(every);
                for (int i = 0; i < n; i++) {
                    acc[x(i)] += x[i];
                }
                for (int i = 0; i + 1 < n; i++) {
                    double s = x[i + 1] - x[i];
                    acc[spacing(i)] += s;
                    acc[spacing2(i)] += s * s;
                }
            }
            for (int o = 0; o < acc.length; o++) {
                acc[o] /= snapshotsPerBlock;
            }
        }
        return blocks;
    }
}

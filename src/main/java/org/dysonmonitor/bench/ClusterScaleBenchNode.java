package org.dysonmonitor.bench;

import org.dysonmonitor.ingest.NpyDecoder;
import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.ingest.NpyFormatException;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.linalg.SpectrumSolver;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.Spectrum;

import java.util.SplittableRandom;

/**
 * What one snapshot of an n×n float32 layer costs the node that receives it and the node that owns
 * its statistics: decoding the .npy body ({@link NpyDecoder}), the full spectrum with the monitor's
 * own solver ({@link SolverSelection#newSolver()}: native LAPACK, float32 for large float32 layers),
 * and {@link LayerStatistics#update} of its eigenvalues. Each is the median of the calling thread's
 * CPU time when OpenBLAS runs one thread per call (all of a native call's work is then on that
 * thread, so the other processes sharing the cores do not inflate it), wall time otherwise.
 */
final class ClusterScaleBenchNode {

    /**
     * One size's costs, in seconds of one core.
     *
     * @param eigenvalues the layer's spectrum (for the observations and reports of the other parts)
     */
    record Work(int n, double decode, double spectrum, int spectrumRuns, double update, double[] eigenvalues,
                LayerStatistics statistics) {

        /** Everything a snapshot costs, on whichever nodes. */
        double total() {
            return decode + spectrum + update;
        }
    }

    private ClusterScaleBenchNode() {
    }

    /** A Gaussian n×n float32 layer (entries N(0, 1/n)): a Marchenko-Pastur spectrum, as an untrained layer's. */
    static WeightMatrix gaussianLayer(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] w = new float[n * n];
        double scale = 1 / Math.sqrt(n);
        for (int i = 0; i < w.length; i++) {
            double u = 1.0 - rng.nextDouble();
            w[i] = (float) (scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble()));
        }
        return WeightMatrix.of(n, n, w);
    }

    static Work measure(int n, int spectrumRuns, double budget, Stopwatch.Clock clock, SolverSelection solvers) {
        WeightMatrix layer = gaussianLayer(n, n);
        byte[] body = NpyEncoder.encode(layer);
        Stopwatch.Timing decode = Stopwatch.measure(() -> {
            try {
                NpyDecoder.decode(body);
            } catch (NpyFormatException e) {
                throw new IllegalStateException("the bench's own .npy body does not decode", e);
            }
        }, new Stopwatch.Rule(3, 200, budget, 0.5, Double.POSITIVE_INFINITY, clock));

        SpectrumSolver solver = solvers.newSolver();
        double[] x = new double[n];
        Runnable spectrum = () -> layer.read(
                (f, rows, cols) -> solver.eigenvalues(f, rows, cols, MatrixLayout.ROW_MAJOR, x),
                (d, rows, cols) -> solver.eigenvalues(d, rows, cols, MatrixLayout.ROW_MAJOR, x));
        // A large layer's first call (seconds) is a fair sample: then only spectrumRuns calls in all.
        Stopwatch.Timing full = n >= 2048
                ? Stopwatch.measure(spectrum, new Stopwatch.Rule(spectrumRuns, spectrumRuns, 0, 1.0,
                        spectrumRuns == 1 ? 0 : Double.POSITIVE_INFINITY, clock))
                : Stopwatch.measure(spectrum, new Stopwatch.Rule(3, 100, budget, 1.0, Double.POSITIVE_INFINITY, clock));

        // Nearby spectra in turn (each the measured one scaled by 1 + 1e-4 k), so the running moments move.
        double[][] spectra = new double[8][];
        for (int k = 0; k < spectra.length; k++) {
            spectra[k] = new double[n];
            for (int i = 0; i < n; i++) {
                spectra[k][i] = x[i] * (1 + 1e-4 * k);
            }
        }
        LayerStatistics statistics = new LayerStatistics("scale", "W" + n, n, n, null, LayerStatistics.Config.defaults());
        long[] step = {0};
        Stopwatch.Timing update = Stopwatch.measure(() -> statistics.update(step[0], new Spectrum(n, n,
                spectra[(int) (step[0]++ % spectra.length)]), 0.1, 16),
                new Stopwatch.Rule(3, 500, budget, 0.5, Double.POSITIVE_INFINITY, clock));
        return new Work(n, decode.medianSeconds(), full.medianSeconds(), full.repeats(), update.medianSeconds(),
                x.clone(), statistics);
    }
}

package org.dysonmonitor.bench;

import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.linalg.SpectrumSolver;
import org.dysonmonitor.monitor.MonitorSettings;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.Spectrum;

/**
 * The reference of the pipeline benchmark: what a spectrum actor computes for each snapshot (the
 * spectrum with the selection's solver reading the matrix's own array in its own precision, then
 * the statistics under the monitor's configuration), in a plain loop on one thread, without actors,
 * HTTP or metrics. The actor's pass for non-finite values is left out: one comparison per entry.
 * Each layer has its own solver and statistics, as each layer has its own actor.
 */
final class BareLoop {

    private final WeightMatrix[] matrices;
    private final int rows;
    private final int cols;
    private final LayerStatistics[] statistics;
    private final SpectrumSolver[] solvers;
    private final double[] eigenvalues;

    private BareLoop(SolverSelection selection, WeightMatrix[] matrices, int layers) {
        this.matrices = matrices.clone();
        this.rows = matrices[0].rows();
        this.cols = matrices[0].cols();
        LayerStatistics.Config config = MonitorSettings.create(ConfigFactory.load()).statistics();
        this.statistics = new LayerStatistics[layers];
        this.solvers = new SpectrumSolver[layers];
        for (int l = 0; l < layers; l++) {
            statistics[l] = new LayerStatistics("bench", "layer_" + l, rows, cols, null, config);
            solvers[l] = selection.newSolver();
        }
        this.eigenvalues = new double[Math.min(rows, cols)];
    }

    /**
     * Layer-snapshots per second over {@code count} snapshots of float32 matrices (taken in turn)
     * spread round-robin over {@code layers} layers, after a warm-up of up to 200 snapshots.
     */
    static double rate(SolverSelection selection, WeightMatrix[] matrices, int layers, int count) {
        BareLoop loop = new BareLoop(selection, matrices, layers);
        for (int i = 0; i < Math.min(count, 200); i++) {
            loop.snapshot(i);
        }
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            loop.snapshot(i);
        }
        return count / ((System.nanoTime() - start) * 1e-9);
    }

    private void snapshot(int i) {
        int layer = i % statistics.length;
        WeightMatrix w = matrices[i % matrices.length];
        SpectrumSolver solver = solvers[layer];
        w.read((f, r, c) -> solver.eigenvalues(f, r, c, MatrixLayout.ROW_MAJOR, eigenvalues),
                (d, r, c) -> solver.eigenvalues(d, r, c, MatrixLayout.ROW_MAJOR, eigenvalues));
        statistics[layer].update(i / statistics.length, new Spectrum(rows, cols, eigenvalues), 0.1, 16);
    }
}

package org.dysonmonitor.train;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.util.zip.GZIPOutputStream;
import org.dysonmonitor.linalg.EjmlSpectrumSolver;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.Spectrum;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint of the demo's 10 × 10 RBM layer at (0.1, 16) once its Dyson window (4 096 snapshots) is full,
 * as the store writes it (Jackson JSON, gzip). Measured: 1 494 175 bytes of JSON, 675 829 gzipped, with the
 * pair centres' window stored beside the modes'; 1 167 305 and 529 008 with it rebuilt from the modes' window.
 * What remains is the modes' window itself (≈ 353 kB gzipped, 8.6 bytes a double) and the pair reservoirs.
 */
class CheckpointSizeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static int gzipped(Object value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            JSON.writeValue(gzip, value);
        }
        return bytes.size();
    }

    @Test
    void aTenByTenLayerWithAFullDysonWindowCheckpointsInUnder560kBGzipped() throws Exception {
        RbmTrainer t = new RbmTrainer(RbmConfig.defaults().withBatchSize(16).withSeed(1));
        int rows = t.rows();
        int cols = t.cols();
        LayerStatistics stats = new LayerStatistics("r", "W", rows, cols, t.targetSpectrum(),
                LayerStatistics.Config.defaults());
        double[] w = new double[rows * cols];
        double[] x = new double[Math.min(rows, cols)];
        EjmlSpectrumSolver solver = new EjmlSpectrumSolver();
        while (t.steps() < 45_000) {
            t.step();
            if (t.steps() % 10 == 0) {
                t.copyWeights(w);
                solver.eigenvalues(w, rows, cols, MatrixLayout.ROW_MAJOR, x);
                stats.update(t.steps(), new Spectrum(rows, cols, x), t.learningRate(), t.batchSize());
            }
        }
        LayerStatistics.State state = stats.state();
        assertNull(state.dynamics().centres(), "the centres' window is rebuilt from the modes', not stored");
        int all = gzipped(state);
        int window = gzipped(state.dynamics().modes());
        assertTrue(all < 560_000, "checkpoint " + all + " bytes gzipped");
        assertTrue(window > 0.6 * all, "the modes' window (" + window + " bytes) is most of it (" + all + ")");
        assertTrue(gzipped(LayerStatistics.restore(state).state()) == all, "restored, it writes the same");
    }
}

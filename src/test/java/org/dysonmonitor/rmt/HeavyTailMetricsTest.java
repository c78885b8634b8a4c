package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.apache.commons.math3.random.MersenneTwister;
import org.dysonmonitor.ingest.Numpy;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeavyTailMetricsTest {

    @Test
    void agreesWithNumpyFromTheSingularValuesOfW(@TempDir Path dir) throws IOException {
        // A 300×120 W with a rank-2 signal: numpy works from W itself (its singular values), the
        // metrics from the eigenvalues of WᵀW, as the monitor has them.
        MersenneTwister rng = new MersenneTwister(8);
        DMatrixRMaj w = BulkTestSpectra.gaussian(300, 120, 1.0 / 300, rng);
        for (int i = 0; i < 300; i++) {
            for (int j = 0; j < 120; j++) {
                w.add(i, j, 0.2 * Math.sin(0.1 * i) * Math.cos(0.3 * j) + 0.1 * Math.cos(0.05 * i * j));
            }
        }
        double[] x = BulkTestSpectra.gramEigenvalues(w);
        double edge = MarchenkoPastur.fit(300, 120, x).upperEdge();
        HeavyTailMetrics m = HeavyTailMetrics.of(x, edge);
        Path input = dir.resolve("w.txt");
        Files.writeString(input, Arrays.stream(w.data).mapToObj(Double::toString).collect(Collectors.joining("\n")));
        String script = String.join("\n",
                "import sys, numpy as np",
                "W = np.loadtxt(sys.argv[1]).reshape(300, 120)",
                "sv = np.linalg.svd(W, compute_uv=False)",
                "ev = sv * sv",
                "alpha, edge = float(sys.argv[2]), float(sys.argv[3])",
                "p = ev / ev.sum()",
                "rank = np.linalg.matrix_rank(W)",
                "vals = [alpha * np.log10(ev.max()), np.log10(ev.sum()), np.log10(ev.max()), np.log10(np.sum(ev ** alpha)),",
                "        ev.sum() / ev.max(), edge / ev.max(), -np.sum(p * np.log(p)) / np.log(rank)]",
                "print(' '.join(repr(float(v)) for v in vals))");
        double[] expected = Arrays.stream(Numpy.run(dir, script, input.toString(), Double.toString(m.powerLaw().alpha()),
                Double.toString(edge)).strip().split(" ")).mapToDouble(Double::parseDouble).toArray();
        // Eigenvalues of WᵀW against squared singular values: both accurate to ~1e-15·λ_max.
        double tol = 1e-12;
        assertEquals(expected[0], m.alphaWeighted(), tol, "α̂");
        assertEquals(expected[1], m.logFrobeniusNorm(), tol, "log₁₀ Σλ");
        assertEquals(expected[2], m.logSpectralNorm(), tol, "log₁₀ λ_max");
        assertEquals(expected[3], m.logAlphaNorm(), tol, "log₁₀ Σλ^α");
        assertEquals(expected[4], m.stableRank(), tol * expected[4], "stable rank");
        assertEquals(expected[5], m.mpSoftRank(), tol, "MP soft rank");
        assertEquals(expected[6], m.matrixEntropy(), tol, "matrix entropy");
    }

    @Test
    void entropyIsOneForAFlatSpectrumAndZeroForRankOne() {
        double[] flat = new double[50];
        Arrays.fill(flat, 3.0);
        assertEquals(1.0, HeavyTailMetrics.of(flat, Double.NaN).matrixEntropy(), 1e-14);
        double[] rankOne = new double[50];
        rankOne[49] = 7.0;
        HeavyTailMetrics m = HeavyTailMetrics.of(rankOne, Double.NaN);
        assertEquals(0.0, m.matrixEntropy(), 0);
        assertEquals(TrainingStatus.UNKNOWN, m.status(), "no tail of ten positive eigenvalues");
        assertEquals(1.0, m.stableRank(), 0);
    }

    @Test
    void statusFollowsAlpha() {
        assertEquals(TrainingStatus.OVER_TRAINED, TrainingStatus.of(1.99));
        assertEquals(TrainingStatus.OK, TrainingStatus.of(2.0));
        assertEquals(TrainingStatus.OK, TrainingStatus.of(6.0));
        assertEquals(TrainingStatus.UNDER_TRAINED, TrainingStatus.of(6.01));
        assertEquals("over-trained", TrainingStatus.OVER_TRAINED.label());
    }
}

package org.dysonmonitor.bench;

import org.dysonmonitor.ingest.WeightMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's whole-model body is what numpy's {@code np.load} reads as an {@code np.savez} archive. */
class NpzBodyTest {

    @TempDir
    Path dir;

    @Test
    void numpyLoadsEveryLayerWithItsValues() throws IOException, InterruptedException {
        Map<String, WeightMatrix> layers = new LinkedHashMap<>();
        layers.put("encoder.0.weight", WeightMatrix.of(2, 3, new double[] {1, 2, 3, 4, 5, 6.5}, true));
        layers.put("head", WeightMatrix.of(3, 1, new double[] {-1, 0.25, 7}, true));
        Path file = dir.resolve("model.npz");
        Files.write(file, NpzBody.encode(layers));
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", String.join("\n",
                "import sys, numpy as np",
                "z = np.load(sys.argv[1], allow_pickle=False)",
                "for k in z.files:",
                "    a = z[k]",
                "    print(k, a.dtype, a.shape, ' '.join(repr(float(v)) for v in a.ravel()))"),
                file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("encoder.0.weight float32 (2, 3) 1.0 2.0 3.0 4.0 5.0 6.5\n"
                + "head float32 (3, 1) -1.0 0.25 7.0\n", out);
    }
}

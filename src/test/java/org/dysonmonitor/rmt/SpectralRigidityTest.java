package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;

import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.dysonmonitor.ingest.Numpy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpectralRigidityTest {

    private static final int[] L = SpectralRigidity.LENGTHS;

    /** Per L, per sample: Δ₃ (which = 0) or Σ² (which = 1) of each spectrum's unfolded bulk. */
    private static double[][] measure(double[][] spectra, int which) {
        double[][] values = new double[L.length][spectra.length];
        for (int s = 0; s < spectra.length; s++) {
            SpectralRigidity.Result r = SpectralRigidity.of(Spacings.unfolded(spectra[s]));
            for (int l = 0; l < L.length; l++) {
                String key = Integer.toString(L[l]);
                values[l][s] = which == 0 ? r.rigidity().get(key) : r.numberVariance().get(key);
            }
        }
        return values;
    }

    @Test
    void poissonLevelsHaveNoRigidity() {
        RandomGenerator rng = new MersenneTwister(12);
        double[][] spectra = new double[12][];
        for (int s = 0; s < spectra.length; s++) {
            spectra[s] = BulkTestSpectra.sortedUniform(3000, rng);
        }
        double[][] rigidity = measure(spectra, 0);
        double[][] variance = measure(spectra, 1);
        for (int l = 0; l < L.length; l++) {
            // Tolerance: 4 standard errors of the mean over independent spectra (overlapping windows within
            // one spectrum are correlated; the spread across spectra measures that honestly), plus 3%
            // for the degree-≤9 unfolding fit, which absorbs a little of the long-range fluctuation.
            double d3 = BulkTestSpectra.mean(rigidity[l]);
            double s2 = BulkTestSpectra.mean(variance[l]);
            assertEquals(SpectralRigidity.poissonRigidity(L[l]), d3,
                    4 * BulkTestSpectra.standardError(rigidity[l]) + 0.03 * L[l] / 15, "Δ₃(" + L[l] + ")");
            assertEquals(SpectralRigidity.poissonNumberVariance(L[l]), s2,
                    4 * BulkTestSpectra.standardError(variance[l]) + 0.03 * L[l], "Σ²(" + L[l] + ")");
        }
    }

    @Test
    void goeLevelsAreRigidAsTheExactTheorySays(@TempDir Path dir) {
        // Exact GOE values from the two-level cluster function (Mehta, ch. 7 and 16):
        // Y₂(r) = s(r)² + s'(r) ∫_r^∞ s(t) dt, s = sin(πr)/(πr); Σ²(L) = L − 2∫₀^L (L − r) Y₂(r) dr;
        // Δ₃(L) = (2/L⁴) ∫₀^L (L³ − 2L²r + r³) Σ²(r) dr, integrated by scipy.
        String script = String.join("\n",
                "import sys, numpy as np",
                "from scipy import integrate",
                "from scipy.special import sici",
                "s = lambda r: np.sinc(r)",
                "ds = lambda r: 0.0 if r == 0 else (np.pi * r * np.cos(np.pi * r) - np.sin(np.pi * r)) / (np.pi * r * r)",
                "tail = lambda r: (np.pi / 2 - sici(np.pi * r)[0]) / np.pi",
                "Y2 = lambda r: s(r) ** 2 + ds(r) * tail(r)",
                "S2 = lambda L: L - 2 * integrate.quad(lambda r: (L - r) * Y2(r), 0, L, limit=500)[0]",
                "D3 = lambda L: 2 / L ** 4 * integrate.quad(lambda r: (L ** 3 - 2 * L * L * r + r ** 3) * S2(r), 0, L, limit=200)[0]",
                "for L in map(float, sys.argv[1:]): print(repr(D3(L)), repr(S2(L)))");
        String[] args = Arrays.stream(L).mapToObj(Integer::toString).toArray(String[]::new);
        String[] lines = Numpy.run(dir, script, args).strip().split("\n");

        RandomGenerator rng = new MersenneTwister(13);
        double[][] spectra = new double[10][];
        for (int s = 0; s < spectra.length; s++) {
            spectra[s] = BulkTestSpectra.goe(500, rng);
        }
        double[][] rigidity = measure(spectra, 0);
        double[][] variance = measure(spectra, 1);
        for (int l = 0; l < L.length; l++) {
            String[] theory = lines[l].split(" ");
            double d3 = BulkTestSpectra.mean(rigidity[l]);
            double s2 = BulkTestSpectra.mean(variance[l]);
            // 4 standard errors over independent matrices, plus 5% for the finite-N polynomial unfolding.
            assertEquals(Double.parseDouble(theory[0]), d3,
                    4 * BulkTestSpectra.standardError(rigidity[l]) + 0.05 * d3, "GOE Δ₃(" + L[l] + ")");
            assertEquals(Double.parseDouble(theory[1]), s2,
                    4 * BulkTestSpectra.standardError(variance[l]) + 0.05 * s2, "GOE Σ²(" + L[l] + ")");
            assertTrue(s2 < 0.2 * L[l] || L[l] < 5, "far below Poisson's Σ² = L at L = " + L[l]);
        }
        // The large-L formulas the report quotes approach the exact values (Σ² within 0.3% already at L = 2).
        assertEquals(Double.parseDouble(lines[L.length - 1].split(" ")[1]), SpectralRigidity.goeNumberVariance(20), 1e-4);
        assertEquals(Double.parseDouble(lines[L.length - 1].split(" ")[0]), SpectralRigidity.goeRigidity(20), 0.01);
    }

    @Test
    void aPicketFenceApproachesTheRigidityOfItsSawtooth() {
        // Equally spaced levels: N(ξ) − ξ is a sawtooth of unit period, which a line of slope 1 leaves
        // with ∫₀¹ (u − ½)² du = 1/12 per unit length. In a short window the free slope can follow part
        // of a tooth and do better; as L grows the best slope tends to 1 and Δ₃ → 1/12 from below.
        double[] spacings = new double[400];
        Arrays.fill(spacings, 1.0);
        SpectralRigidity.Result r = SpectralRigidity.of(spacings);
        double previous = 0;
        for (int length : L) {
            double d3 = r.rigidity().get(Integer.toString(length));
            assertTrue(d3 <= 1.0 / 12 + 1e-12 && d3 >= previous, "Δ₃(" + length + ") = " + d3 + " rises to 1/12");
            previous = d3;
            assertTrue(r.numberVariance().get(Integer.toString(length)) <= 0.25, "Σ² of a picket fence ≤ ¼");
        }
        assertEquals(1.0 / 12, previous, 0.02 / 12, "Δ₃(20)");
    }

    @Test
    void tooFewLevelsGiveNaN() {
        double[] spacings = new double[20];
        Arrays.fill(spacings, 1.0);
        SpectralRigidity.Result r = SpectralRigidity.of(spacings);
        assertTrue(Double.isNaN(r.rigidity().get("20")), "16 bulk levels cannot hold three windows of 20");
        assertTrue(Double.isFinite(r.rigidity().get("2")));
    }
}

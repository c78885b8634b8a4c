package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.dysonmonitor.ingest.Numpy;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerLawFitTest {

    /** Sorted Pareto samples x = xmin·u^(−1/(α−1)): density ∝ x^(−α) on [xmin, ∞). */
    private static double[] pareto(int n, double alpha, double xmin, RandomGenerator rng) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = xmin * Math.pow(1 - rng.nextDouble(), -1 / (alpha - 1));
        }
        Arrays.sort(x);
        return x;
    }

    @Test
    void recoversTheExponentOfParetoSamples() {
        RandomGenerator rng = new MersenneTwister(11);
        for (double alpha : new double[] {1.8, 2.5, 4.0}) {
            PowerLawFit fit = PowerLawFit.fit(pareto(4000, alpha, 0.5, rng));
            // Pure Pareto data: the fit's own standard error σ = (α−1)/√n is the yardstick; 3σ is a
            // two-sided 0.3% tolerance (the free choice of xmin costs only a few points of the tail).
            assertEquals(alpha, fit.alpha(), 3 * fit.sigma(), "α of Pareto(" + alpha + ")");
            assertTrue(fit.tailSize() > 1000, "the tail should be most of a pure power law: n = " + fit.tailSize());
            assertEquals((fit.alpha() - 1) / Math.sqrt(fit.tailSize()), fit.sigma(), 1e-15);
        }
    }

    @Test
    void recoversTheExponentOfAHeavyTailedRandomMatrix() {
        // W with i.i.d. Student-t entries of ν = 1 (Cauchy): P(|w| > x) ~ x^(−μ), μ = ν = 1 < 2. The top
        // eigenvalues of WᵀW are the squares of the largest entries, whose tail is P(w² > x) ~ x^(−μ/2),
        // so the eigenvalue density falls as λ^(−(1 + μ/2)): α = 1.5 (Martin and Mahoney, heavy-tailed
        // random matrices with μ < 2). One matrix's σ understates the scatter of α (the choice of xmin
        // adds to it), so α is averaged over independent matrices and compared within 3 standard errors
        // of that mean. numpy, 16 matrices of 600×300: ⟨α⟩ = 1.480 ± 0.018 (sd 0.071); the finite-size
        // bias of ≈ −0.02 is well inside the tolerance of 8 matrices (3 SE ≈ 0.075).
        RandomGenerator rng = new MersenneTwister(5);
        double[] alphas = new double[8];
        for (int r = 0; r < alphas.length; r++) {
            DMatrixRMaj w = new DMatrixRMaj(600, 300);
            for (int i = 0; i < w.data.length; i++) {
                w.data[i] = Math.tan(Math.PI * (rng.nextDouble() - 0.5)); // Student-t, ν = 1, by inversion
            }
            PowerLawFit fit = PowerLawFit.fit(BulkTestSpectra.gramEigenvalues(w));
            alphas[r] = fit.alpha();
            assertEquals(TrainingStatus.OVER_TRAINED, TrainingStatus.of(fit.alpha()));
        }
        double mean = BulkTestSpectra.mean(alphas);
        double error = BulkTestSpectra.standardError(alphas);
        assertEquals(1.5, mean, 3 * error, "⟨α⟩ of WᵀW with Cauchy entries: " + Arrays.toString(alphas));
    }

    @Test
    void equalsAnIndependentNumpyFitCandidateForCandidate(@TempDir Path dir) throws IOException {
        // A Wishart bulk with a heavy-tailed part and exact ties (which must give one candidate each).
        RandomGenerator rng = new MersenneTwister(3);
        double[] bulk = BulkTestSpectra.wishart(600, 300, 1.0 / 600, rng);
        double[] tail = pareto(60, 2.3, 3.0, rng);
        double[] spectrum = new double[bulk.length + tail.length + 3];
        System.arraycopy(bulk, 0, spectrum, 0, bulk.length);
        System.arraycopy(tail, 0, spectrum, bulk.length, tail.length);
        spectrum[spectrum.length - 3] = tail[30];
        spectrum[spectrum.length - 2] = tail[30];
        spectrum[spectrum.length - 1] = 0; // a structural zero: never a candidate
        Arrays.sort(spectrum);
        Path input = dir.resolve("spectrum.txt");
        Files.writeString(input, Arrays.stream(spectrum).mapToObj(Double::toString).collect(Collectors.joining("\n")));

        // The algorithm of Clauset, Shalizi, Newman written directly in numpy.
        String script = String.join("\n",
                "import sys, numpy as np",
                "lam = np.sort(np.loadtxt(sys.argv[1]))",
                "lam = lam[lam > 1e-12 * lam[-1]]",
                "out = []",
                "for x in np.unique(lam):",
                "    t = lam[lam >= x]",
                "    n = len(t)",
                "    if n < 10: continue",
                "    s = np.sum(np.log(t / x))",
                "    if s <= 0: continue",
                "    a = 1 + n / s",
                "    F = 1 - (t / x) ** (1 - a)",
                "    k = np.arange(n)",
                "    D = max(np.max((k + 1) / n - F), np.max(F - k / n))",
                "    out.append((x, a, D, n))",
                "out = np.array(out)",
                "best = int(np.argmin(out[:, 2]))",
                "print(best)",
                "for row in out: print(' '.join(repr(float(v)) for v in row))");
        String[] lines = Numpy.run(dir, script, input.toString()).strip().split("\n");
        int best = Integer.parseInt(lines[0]);
        double[][] profile = PowerLawFit.profile(spectrum);
        assertEquals(lines.length - 1, profile.length, "number of candidates");
        for (int c = 0; c < profile.length; c++) {
            double[] expected = Arrays.stream(lines[c + 1].split(" ")).mapToDouble(Double::parseDouble).toArray();
            assertEquals(expected[0], profile[c][0], 0, "xmin of candidate " + c);
            assertEquals(expected[1], profile[c][1], 1e-11 * expected[1], "α of candidate " + c);
            assertEquals(expected[2], profile[c][2], 1e-11, "D of candidate " + c);
            assertEquals(expected[3], profile[c][3], 0, "n of candidate " + c);
        }
        PowerLawFit fit = PowerLawFit.fit(spectrum);
        assertEquals(profile[best][0], fit.xmin(), 0, "the winning xmin");
        assertEquals(profile[best][1], fit.alpha(), 0, "the winning α");
        assertEquals(profile[best][2], fit.ksDistance(), 0, "the winning D, computed in full despite the early stops");
        assertEquals(profile.length, fit.candidates());
    }

    @Test
    void needsTenPositiveEigenvalues() {
        double[] nine = {0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertFalse(PowerLawFit.fit(nine).fitted());
        assertTrue(Double.isNaN(PowerLawFit.fit(nine).alpha()));
        double[] ten = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        PowerLawFit fit = PowerLawFit.fit(ten);
        assertEquals(1.0, fit.xmin(), 0, "one candidate only, the smallest positive value");
        assertEquals(10, fit.tailSize());
        assertFalse(PowerLawFit.fit(new double[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}).fitted(), "no tail in equal values");
    }
}

package org.dysonmonitor.sweep;

import org.dysonmonitor.ingest.Numpy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Power sums of a pair: estimates, additivity, and U₄ about the pooled centre. */
class PairMomentsTest {

    private static PairSeries series(double[] low, double[] high) {
        long[] steps = new long[low.length];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = 10L * (i + 1);
        }
        return new PairSeries("1-2", 1, 2, 2.0, steps, low, high);
    }

    @Test
    void estimatesByHand() {
        // Spacings 0.2 and 0.4: ⟨S⟩ = 0.3, ⟨S²⟩ = 0.1, σ̂² = 0.025, ⟨s²⟩ = 0.1/0.09.
        PairMoments m = PairMoments.of(series(new double[] {1.9, 1.7}, new double[] {2.1, 2.1}), 2.0);
        assertEquals(2, m.n(), 0);
        assertEquals(0.3, m.meanSpacing(), 1e-12);
        assertEquals(0.025, m.sigmaSquared(), 1e-12);
        assertEquals(0.1 / 0.09, m.rescaledSpacingSquared(), 1e-12);
        // Both eigenvalues: 1.9, 2.1, 1.7, 2.1 about 2: mean offset −0.05.
        assertEquals(-0.05, m.centreOffset(), 1e-12);
    }

    @Test
    void binderCumulantIsThatOfBothEigenvaluesAboutTheirMean(@TempDir Path dir) throws IOException {
        SplittableRandom rng = new SplittableRandom(7);
        double[] lo = new double[500];
        double[] hi = new double[500];
        double[] both = new double[1000];
        for (int i = 0; i < lo.length; i++) {
            double c = 3.1 + 0.05 * rng.nextGaussian();
            double s = Math.abs(0.1 * rng.nextGaussian()) + 0.02;
            lo[i] = c - s / 2;
            hi[i] = c + s / 2;
            both[2 * i] = lo[i];
            both[2 * i + 1] = hi[i];
        }
        PairMoments m = PairMoments.of(series(lo, hi), 3.0);
        // The reference is numpy's, from the 1000 eigenvalues themselves: U₄ = ⟨x⁴⟩/(3⟨x²⟩²) − 1 about
        // their mean (PairMoments gets there from power sums about the centre 3.0, a different route).
        Path input = dir.resolve("both.txt");
        Files.writeString(input, Arrays.stream(both).mapToObj(Double::toString).collect(Collectors.joining("\n")));
        double expected = Double.parseDouble(Numpy.run(dir, String.join("\n",
                "import sys, numpy as np",
                "x = np.loadtxt(sys.argv[1])",
                "x = x - x.mean()",
                "print(repr(float(np.mean(x**4) / (3 * np.mean(x**2)**2) - 1)))"), input.toString()).strip());
        assertEquals(expected, m.binderCumulant(), 1e-9);
    }

    @Test
    void sumsAddAndSubtractExactlyAcrossRuns() {
        PairMoments a = PairMoments.of(series(new double[] {1.9, 1.7}, new double[] {2.1, 2.1}), 2.0);
        PairMoments b = PairMoments.of(series(new double[] {1.8, 1.95, 1.6}, new double[] {2.05, 2.2, 2.3}), 2.0);
        PairMoments pooled = PairMoments.of(series(new double[] {1.9, 1.7, 1.8, 1.95, 1.6},
                new double[] {2.1, 2.1, 2.05, 2.2, 2.3}), 2.0);
        PairMoments sum = a.plus(b);
        assertEquals(pooled.meanSpacing(), sum.meanSpacing(), 1e-12);
        assertEquals(pooled.sigmaSquared(), sum.sigmaSquared(), 1e-12);
        assertEquals(pooled.binderCumulant(), sum.binderCumulant(), 1e-9);
        assertEquals(b.sigmaSquared(), sum.minus(a).sigmaSquared(), 1e-12);
    }

    @Test
    void spacingSumsCanComeFromTheMonitor() {
        PairSeries s = series(new double[] {1.9, 1.7}, new double[] {2.1, 2.1});
        PairMoments m = PairMoments.of(2, 2 * 0.31, 4 * 2 * 0.026, s, 2.0);
        assertEquals(0.31, m.meanSpacing(), 1e-12);
        assertEquals(0.026, m.sigmaSquared(), 1e-12);
        assertEquals(PairMoments.of(s, 2.0).binderCumulant(), m.binderCumulant(), 1e-12);
    }
}

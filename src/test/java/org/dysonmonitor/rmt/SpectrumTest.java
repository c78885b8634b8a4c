package org.dysonmonitor.rmt;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpectrumTest {

    private final Spectrum spectrum = new Spectrum(6, 4, new double[] {0.25, 1, 4, 9});

    @Test
    void spectralNormIsTheLargestSingularValueAndStableRankTheFrobeniusRatio() {
        assertEquals(3.0, spectrum.spectralNorm(), 0);
        assertEquals((0.25 + 1 + 4 + 9) / 9, spectrum.stableRank(), 1e-15);
        assertEquals(0, new Spectrum(2, 2, new double[] {0, 0}).stableRank());
    }

    @Test
    void quantilesInterpolateLikeNumpyLinear() {
        // numpy.quantile([0.25, 1, 4, 9], [0, .25, .5, .75, 1]) = [0.25, 0.8125, 2.5, 5.25, 9]
        double[] q = {0, 0.25, 0.5, 0.75, 1};
        double[] expected = {0.25, 0.8125, 2.5, 5.25, 9};
        for (int i = 0; i < q.length; i++) {
            assertEquals(expected[i], spectrum.quantile(q[i]), 1e-15, "q = " + q[i]);
        }
        assertEquals(7.0, new Spectrum(1, 1, new double[] {7}).quantile(0.5));
    }

    @Test
    void isImmutable() {
        double[] in = {1, 2};
        Spectrum s = new Spectrum(2, 3, in);
        in[0] = 100;
        s.eigenvalues()[1] = 100;
        assertArrayEquals(new double[] {1, 2}, s.eigenvalues());
    }

    @Test
    void rejectsWhatCannotBeAGramSpectrum() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Spectrum(3, 3, new double[] {2, 1, 3}))
                .getMessage().contains("ascending"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Spectrum(3, 2, new double[] {1, Double.NaN}))
                .getMessage().contains("NaN"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Spectrum(3, 2, new double[] {-1, 1}))
                .getMessage().contains("≥ 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Spectrum(5, 4, new double[] {1, 2}))
                .getMessage().contains("has 4 Gram eigenvalues, got 2"));
        assertThrows(IllegalArgumentException.class, () -> spectrum.quantile(1.5));
    }
}

package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.apache.commons.math3.random.MersenneTwister;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class RandomizedBaselineTest {

    /** EJML through the test helper: the Gram eigenvalues of a row-major matrix. */
    private static final RandomizedBaseline.GramEigenvalues EJML = (values, rows, cols, out) -> {
        double[] x = BulkTestSpectra.gramEigenvalues(DMatrixRMaj.wrap(rows, cols, values.clone()));
        System.arraycopy(x, 0, out, 0, x.length);
    };

    @Test
    void permutationKeepsTheEntriesAndDependsOnlyOnTheSeed() {
        double[] values = new double[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        double[] a = values.clone();
        double[] b = values.clone();
        RandomizedBaseline.permute(a, new SplittableRandom(9));
        RandomizedBaseline.permute(b, new SplittableRandom(9));
        assertArrayEquals(a, b, "same seed, same permutation");
        int moved = 0;
        for (int i = 0; i < a.length; i++) {
            moved += a[i] != values[i] ? 1 : 0;
        }
        assertTrue(moved > 990, "a random permutation has ~1 fixed point, " + (a.length - moved) + " stayed");
        Arrays.sort(a);
        assertArrayEquals(values, a, "a permutation of the entries");
    }

    @Test
    void aGaussianLayerIsItsOwnBaselineWithoutTraps() {
        MersenneTwister rng = new MersenneTwister(6);
        DMatrixRMaj w = BulkTestSpectra.gaussian(400, 200, 1.0 / 400, rng);
        double[] x = BulkTestSpectra.gramEigenvalues(w);
        RandomizedBaseline baseline = new RandomizedBaseline(400, 200);
        double[] weights = w.data.clone();
        RandomizedBaseline.Result r = baseline.compute(7, weights, x, 1, EJML);
        assertArrayEquals(w.data, weights, 0, "W is not modified");
        assertEquals(7, r.step());
        assertEquals(0, r.traps(), "a Gaussian W has no entries large enough to trap");
        assertTrue(r.distance() < 0.15, "i.i.d. entries: the permuted W has the same law, distance " + r.distance());
    }

    @Test
    void largeEntriesBecomeCorrelationTraps() {
        // Three entries far above the rest: wherever the permutation puts them, each gives an eigenvalue
        // ≈ w² of the randomized W far above its Marchenko-Pastur edge.
        MersenneTwister rng = new MersenneTwister(7);
        DMatrixRMaj w = BulkTestSpectra.gaussian(400, 200, 1.0 / 400, rng);
        w.set(3, 4, 3.0);
        w.set(100, 50, -3.5);
        w.set(200, 150, 4.0);
        double[] x = BulkTestSpectra.gramEigenvalues(w);
        RandomizedBaseline.Result r = new RandomizedBaseline(400, 200).compute(1, w.data, x, 42, EJML);
        assertEquals(3, r.traps());
    }
}

package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.random.MersenneTwister;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class JensenShannonTest {

    @Test
    void identicalSpectraAreAtDistanceZero() {
        double[] x = BulkTestSpectra.wishart(400, 200, 1.0 / 400, new MersenneTwister(1));
        assertEquals(0.0, JensenShannon.distance(x, x.clone()), 0);
    }

    @Test
    void disjointSpectraAreAtDistanceOne() {
        assertEquals(1.0, JensenShannon.distance(new double[] {0, 0.1, 0.2}, new double[] {10, 10.5, 11}), 1e-15);
    }

    @Test
    void aMarchenkoPasturBulkIsFarFromASpikedSpectrum() {
        // W = noise + a rank-3 signal carrying most of the Frobenius norm: its spectrum is a narrow bulk
        // and three spikes; the same W with permuted entries is a plain (wider) Marchenko-Pastur bulk.
        MersenneTwister rng = new MersenneTwister(2);
        DMatrixRMaj w = BulkTestSpectra.gaussian(500, 250, 1.0 / 500, rng);
        for (int k = 0; k < 3; k++) {
            double[] u = new double[500];
            double[] v = new double[250];
            for (int i = 0; i < 500; i++) {
                u[i] = rng.nextGaussian() / Math.sqrt(500);
            }
            for (int j = 0; j < 250; j++) {
                v[j] = rng.nextGaussian() / Math.sqrt(250);
            }
            for (int i = 0; i < 500; i++) {
                for (int j = 0; j < 250; j++) {
                    w.add(i, j, 12 * u[i] * v[j]);
                }
            }
        }
        double[] spiked = BulkTestSpectra.gramEigenvalues(w);
        DMatrixRMaj shuffled = w.copy();
        RandomizedBaseline.permute(shuffled.data, new java.util.SplittableRandom(4));
        double[] bulk = BulkTestSpectra.gramEigenvalues(shuffled);
        double d = JensenShannon.distance(spiked, bulk);
        assertTrue(d > 0.3, "distance of a spiked spectrum to its randomized MP bulk: " + d);
        assertEquals(d, JensenShannon.distance(bulk, spiked), 1e-15, "symmetric");
        // Two independent MP bulks of the same law differ only by counting noise.
        double[] other = BulkTestSpectra.wishart(500, 250, 1.0 / 500, rng);
        double[] again = BulkTestSpectra.wishart(500, 250, 1.0 / 500, rng);
        assertTrue(JensenShannon.distance(other, again) < 0.15, "two samples of one MP law");
    }
}

package org.dysonmonitor.rmt;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A block drawn at once has the law of L snapshots of the AR(1) drawn one by one: from the same start
 * e₀, the block's sum S and last value e_L agree in mean, variance and covariance with a snapshot-by-
 * snapshot simulation (200 000 blocks each, within 5 standard errors), for strong, weak and no correlation.
 */
class BlockNoiseTest {

    private static final int BLOCKS = 200_000;

    @Test
    void aBlockAtOnceHasTheLawOfItsSnapshots() {
        for (double a : new double[] {0.95, 0.5, 0}) {
            int length = 10;
            double c = 0.3;
            double e0 = 0.7;
            DetectorSimulation.BlockNoise block = new DetectorSimulation.BlockNoise(a, c, length);
            SplittableRandom rng = new SplittableRandom(11);
            double[][] direct = new double[BLOCKS][];
            double[][] atOnce = new double[BLOCKS][];
            for (int b = 0; b < BLOCKS; b++) {
                double e = e0;
                double sum = 0;
                for (int s = 0; s < length; s++) {
                    e = a * e + c * rng.nextGaussian();
                    sum += e;
                }
                direct[b] = new double[] {sum, e};
                double z1 = rng.nextGaussian();
                atOnce[b] = new double[] {block.sum(e0, z1, rng.nextGaussian()), block.last(e0, z1)};
            }
            double[] d = moments(direct);
            double[] o = moments(atOnce);
            String[] names = {"mean S", "mean e_L", "var S", "var e_L", "cov"};
            for (int i = 0; i < 5; i++) {
                // Standard error of a sample moment, from the direct sample: sd/√N for means, ≈ var·√(2/N) for
                // (co)variances (Gaussian), both samples independent.
                double scale = i < 2 ? Math.sqrt(d[i < 1 ? 2 : 3] / BLOCKS) : Math.max(d[2], d[3]) * Math.sqrt(2.0 / BLOCKS);
                assertEquals(d[i], o[i], 5 * Math.sqrt(2) * scale, names[i] + " at a = " + a);
            }
        }
    }

    /** Mean of S, mean of e_L, variance of S, variance of e_L, their covariance. */
    private static double[] moments(double[][] x) {
        double ms = 0;
        double me = 0;
        for (double[] v : x) {
            ms += v[0];
            me += v[1];
        }
        ms /= x.length;
        me /= x.length;
        double vs = 0;
        double ve = 0;
        double cov = 0;
        for (double[] v : x) {
            vs += (v[0] - ms) * (v[0] - ms);
            ve += (v[1] - me) * (v[1] - me);
            cov += (v[0] - ms) * (v[1] - me);
        }
        int n = x.length - 1;
        return new double[] {ms, me, vs / n, ve / n, cov / n};
    }
}

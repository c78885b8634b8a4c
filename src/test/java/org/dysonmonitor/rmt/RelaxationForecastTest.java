package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RelaxationForecastTest {

    private static final int L = 10;
    private static final int K = 20;
    private static final double Z = 4.0;
    private static final RelaxationForecast.Detector DETECTOR = new RelaxationForecast.Detector(L, K, Z);

    /**
     * An Ornstein–Uhlenbeck mode relaxing from x₀ = A to 0, one snapshot per update: x_{s+1} = a·x_s +
     * σ√(1 − a²)η, a = e^{−1/τ}. Its expected block means are exact: the block ending at snapshot S has mean
     * A·a^S·G, G = (1/L)Σ_{i<L} a^{−i}; their stationary noise is σ_b² = (σ²/L²)(L + 2Σ_{j=1}^{L−1}(L − j)a^j).
     * So the detector's noise-free statistic for the window ending at S, t(S) = |b̂|/√((σ_b² + RSS/(K − 2))/Sxx)
     * over those means, and the snapshot S* at which it falls to z_enter, follow from τ, A and σ alone.
     *
     * <p>Forty seeds are each observed for the first N₀ snapshots and forecast once; each then runs on until a
     * real detector fed the same snapshots enters stationarity. Tolerances: the block means of an OU mode are
     * correlated (lag one a^L = 0.78 and 0.90 here), and a fit absorbs part of correlated noise, so the
     * residual variance that stands for σ_b² is biased low, by different amounts in the detector (a line
     * over K blocks) and in the forecast (a logistic over all blocks): measured 4–21 % of the lead
     * S* − N₀ between S*, the mean forecast and the mean entry. So the mean forecast must lie within
     * 3 standard errors (the seeds' spread over √40) plus 25 % of the lead of S*, and of the mean entry;
     * and the stated error must be of the order of the real miss (forecast − entry): its median within a
     * factor 4 of the misses' standard deviation (measured 1.2–2.5 times smaller).
     */
    @Test
    void anOrnsteinUhlenbeckRelaxationArrivesWhenTheoryPutsIt() {
        for (double[] c : new double[][] {{40, 1.0, 0.02, 120}, {40, 10.0, 0.02, 200}, {100, 1.0, 0.01, 300}}) {
            double tau = c[0];
            double amplitude = c[1];
            double sigma = c[2];
            int observed = (int) c[3];
            double a = Math.exp(-1 / tau);
            double expected = theoreticalArrival(tau, amplitude, sigma);
            assertTrue(expected > observed + 5 * L, "the arrival must lie ahead: " + expected);
            int seeds = 40;
            double sum = 0;
            double sumSq = 0;
            double[] stated = new double[seeds];
            double missSum = 0;
            double missSq = 0;
            double entrySum = 0;
            for (int seed = 0; seed < seeds; seed++) {
                SplittableRandom rng = new SplittableRandom(1000 + seed);
                double[] means = new double[observed / L];
                double x = amplitude;
                StationarityDetector detector = new StationarityDetector(1, L, K, Z, 1.5 * Z);
                for (int s = 1; s <= observed; s++) {
                    x = a * x + sigma * Math.sqrt(1 - a * a) * rng.nextGaussian();
                    means[(s - 1) / L] += x / L;
                    detector.add(new double[] {x});
                }
                RelaxationForecast.Mode m = RelaxationForecast.of(0, means, means.length, DETECTOR);
                double arrival = observed + m.arrival() * L;
                int entry = observed;
                while (!detector.stationary()) {
                    x = a * x + sigma * Math.sqrt(1 - a * a) * rng.nextGaussian();
                    detector.add(new double[] {x});
                    entry++;
                }
                sum += arrival;
                sumSq += arrival * arrival;
                stated[seed] = m.error() * L;
                missSum += arrival - entry;
                missSq += (arrival - entry) * (arrival - entry);
                entrySum += entry;
            }
            double mean = sum / seeds;
            double sd = Math.sqrt((sumSq - sum * sum / seeds) / (seeds - 1));
            double missSd = Math.sqrt((missSq - missSum * missSum / seeds) / (seeds - 1));
            Arrays.sort(stated);
            double lead = expected - observed;
            String what = String.format("τ %s, A %s: S* %.1f, forecast %.1f ± %.1f (sd), stated %.1f, entry %.1f,"
                    + " miss sd %.1f", tau, amplitude, expected, mean, sd, stated[seeds / 2], entrySum / seeds, missSd);
            assertEquals(expected, mean, 3 * sd / Math.sqrt(seeds) + 0.25 * lead, what);
            assertEquals(entrySum / seeds, mean, 3 * missSd / Math.sqrt(seeds) + 0.25 * lead, what);
            assertTrue(stated[seeds / 2] > missSd / 4 && stated[seeds / 2] < 4 * missSd, what);
        }
    }

    /** S* of the class comment: bisection on the exact noise-free statistic, decreasing past the window. */
    private static double theoreticalArrival(double tau, double amplitude, double sigma) {
        double a = Math.exp(-1 / tau);
        double below = K * L;
        double above = below;
        while (statistic(above, a, amplitude, sigma) > Z) {
            below = above;
            above += 10 * L;
        }
        while (above - below > 1e-6) {
            double mid = 0.5 * (below + above);
            if (statistic(mid, a, amplitude, sigma) > Z) {
                below = mid;
            } else {
                above = mid;
            }
        }
        return above;
    }

    private static double statistic(double end, double a, double amplitude, double sigma) {
        double g = 0;
        for (int i = 0; i < L; i++) {
            g += Math.pow(a, -i) / L;
        }
        double noise = 0;
        for (int j = 1; j < L; j++) {
            noise += 2.0 * (L - j) * Math.pow(a, j);
        }
        noise = sigma * sigma * (L + noise) / ((double) L * L);
        double[] m = new double[K];
        double mean = 0;
        for (int k = 0; k < K; k++) {
            m[k] = amplitude * g * Math.pow(a, end - (K - 1 - k) * L);
            mean += m[k] / K;
        }
        double kBar = (K - 1) / 2.0;
        double sxx = K * (K * (double) K - 1) / 12;
        double slope = 0;
        for (int k = 0; k < K; k++) {
            slope += (k - kBar) * (m[k] - mean) / sxx;
        }
        double rss = 0;
        for (int k = 0; k < K; k++) {
            double r = m[k] - mean - slope * (k - kBar);
            rss += r * r;
        }
        return Math.abs(slope) / Math.sqrt((noise + rss / (K - 2)) / sxx);
    }
}

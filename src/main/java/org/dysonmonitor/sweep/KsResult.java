package org.dysonmonitor.sweep;

import org.dysonmonitor.rmt.KolmogorovSmirnov;
import org.dysonmonitor.rmt.PoissonSpacing;
import org.dysonmonitor.rmt.WignerSurmise;

/**
 * Kolmogorov-Smirnov distances of rescaled spacings s = S/⟨S⟩ to the Wigner surmise
 * F(s) = 1 − e^{−πs²/4} and to Poisson F(s) = 1 − e^{−s}, with critical values for the effective
 * number of independent samples.
 *
 * <p>Consecutive snapshots of a run are correlated, so D is computed from all samples but judged
 * against the critical value d_α(n_eff) at n_eff = Σ_runs n_r/(2τ_int,r), τ_int the integrated
 * autocorrelation time of S in that run (in snapshots). ⟨S⟩ is estimated from the same data, which
 * makes the test slightly conservative (Lilliefors).
 *
 * @param n           samples
 * @param nEff        effectively independent samples
 * @param dWigner     KS distance to the Wigner surmise
 * @param dPoisson    KS distance to Poisson
 * @param critical05  d_{0.05}(n_eff)
 * @param critical001 d_{0.001}(n_eff)
 */
public record KsResult(long n, double nEff, double dWigner, double dPoisson, double critical05, double critical001) {

    /** Above this n_eff the critical value is the asymptotic c(α)/√n (exact to &lt; 0.1%). */
    private static final int EXACT_UP_TO = 10_000;

    public static KsResult of(double[] rescaled, double nEff) {
        if (rescaled.length == 0) {
            return new KsResult(0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double dW = KolmogorovSmirnov.distance(rescaled, WignerSurmise::cdf);
        double dP = KolmogorovSmirnov.distance(rescaled, PoissonSpacing::cdf);
        return new KsResult(rescaled.length, nEff, dW, dP, critical(nEff, 0.05), critical(nEff, 0.001));
    }

    /** d_α(n) for a possibly fractional, possibly large n. */
    public static double critical(double n, double alpha) {
        if (!(n >= 1)) {
            return Double.NaN;
        }
        if (n > EXACT_UP_TO) {
            return KolmogorovSmirnov.asymptoticCoefficient(alpha) / Math.sqrt(n);
        }
        return KolmogorovSmirnov.criticalValue((int) Math.round(n), alpha);
    }

    /** D to the surmise below d_{0.001}: consistent with Wigner at the 0.1% level. */
    public boolean consistentWithWigner() {
        return dWigner < critical001;
    }
}

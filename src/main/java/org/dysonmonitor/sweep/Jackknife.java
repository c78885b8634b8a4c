package org.dysonmonitor.sweep;

/**
 * Delete-one jackknife over independent groups (here: runs). With θ̂_{−r} the estimate computed
 * without group r, r = 1..g,
 * <pre>
 *   σ(θ̂) = √( (g − 1)/g · Σ_r (θ̂_{−r} − θ̄)² ),   θ̄ = (1/g) Σ_r θ̂_{−r},
 * </pre>
 * which for a sample mean of one value per group is exactly the standard error s/√g. Independent
 * runs make the groups independent whatever the autocorrelation within a run, and every
 * estimate — ratios, fits — is simply recomputed without the run.
 */
public final class Jackknife {

    private Jackknife() {
    }

    /**
     * @param leaveOneOut θ̂_{−r} for each of the g groups (not modified)
     * @return the jackknife standard error; NaN for fewer than 2 groups or a NaN estimate
     */
    public static double error(double[] leaveOneOut) {
        int g = leaveOneOut.length;
        if (g < 2) {
            return Double.NaN;
        }
        double mean = 0.0;
        for (double v : leaveOneOut) {
            mean += v;
        }
        mean /= g;
        double ss = 0.0;
        for (double v : leaveOneOut) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt((g - 1.0) / g * ss);
    }
}

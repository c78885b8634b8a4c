package org.dysonmonitor.rmt;

/**
 * Which modes of a layer the Dyson-dynamics estimator follows. A layer with at most {@code max} eigenvalues
 * has all of them tracked. A larger one tracks the ⌈max/2⌉ largest eigenvalues (the learned structure, the
 * spikes above the Marchenko–Pastur edge) and ⌊max/2⌋ modes evenly spaced over the rest of the spectrum
 * from the smallest up (the bulk): index round(j·(n − top − 1)/(rest − 1)), j = 0..rest − 1.
 * Modes are indices into the ascending spectrum (mode 0 the smallest), returned ascending.
 */
public final class TrackedModes {

    /** Default cap, equal to the monitor's default per-layer mode-series cap. */
    public static final int DEFAULT_MAX = 64;

    private TrackedModes() {
    }

    /**
     * @param n   number of eigenvalues of the layer (≥ 1)
     * @param max most modes to track (≥ 2)
     */
    public static int[] select(int n, int max) {
        if (n < 1 || max < 2) {
            throw new IllegalArgumentException("need n >= 1 and max >= 2, got " + n + ", " + max);
        }
        if (n <= max) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        int top = (max + 1) / 2;
        int rest = max - top;
        int bulk = n - top;
        int[] out = new int[max];
        for (int j = 0; j < rest; j++) {
            out[j] = rest == 1 ? 0 : (int) Math.round((double) j * (bulk - 1) / (rest - 1));
        }
        for (int j = 0; j < top; j++) {
            out[rest + j] = bulk + j;
        }
        return out;
    }
}

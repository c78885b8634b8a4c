package org.dysonmonitor.rmt;

/**
 * What the power-law exponent α of a layer's eigenvalue tail says about its training, in the reading
 * of heavy-tailed self-regularisation (Martin and Mahoney, JMLR 22 (2021) 165; WeightWatcher's
 * warnings): well-trained layers have 2 ≤ α ≤ 6; α &lt; 2 (a very heavy tail, a few eigenvalues
 * carrying most of the norm) marks a layer as over-trained or over-fit, α &gt; 6 (a tail hardly
 * distinguishable from a random bulk) as under-trained.
 */
public enum TrainingStatus {
    OVER_TRAINED("over-trained"),
    UNDER_TRAINED("under-trained"),
    OK("ok"),
    /** No fit: fewer than {@link PowerLawFit#MIN_TAIL} positive eigenvalues. */
    UNKNOWN("unknown");

    /** Below this α a layer is over-trained. */
    public static final double OVER_TRAINED_BELOW = 2.0;
    /** Above this α a layer is under-trained. */
    public static final double UNDER_TRAINED_ABOVE = 6.0;

    private final String label;

    TrainingStatus(String label) {
        this.label = label;
    }

    /** The name shown in the API and the CLI: "over-trained", "under-trained", "ok", "unknown". */
    public String label() {
        return label;
    }

    /** The status of a layer whose tail exponent is α (NaN: unknown). */
    public static TrainingStatus of(double alpha) {
        if (Double.isNaN(alpha)) {
            return UNKNOWN;
        }
        if (alpha < OVER_TRAINED_BELOW) {
            return OVER_TRAINED;
        }
        return alpha > UNDER_TRAINED_ABOVE ? UNDER_TRAINED : OK;
    }

    @Override
    public String toString() {
        return label;
    }
}

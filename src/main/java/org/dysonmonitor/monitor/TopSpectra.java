package org.dysonmonitor.monitor;

import com.typesafe.config.Config;

/**
 * When layers get tracked top spectra instead of a full spectrum per snapshot, read from
 * {@code dyson.top-spectra} (the defaults below when the section is absent).
 *
 * @param partialAbove a layer whose smaller side is at least this many is tracked (a run may set its
 *                     own in its PUT, {@code "partial_above"}); 2048 by default, where the tracked top 64
 *                     became faster than the full spectrum on trained-like layers (bench top-k)
 * @param fullEvery    a full spectrum every this many snapshots of a tracked layer (the first included)
 * @param k            eigenvalues tracked
 * @param slowCycles   a tracked snapshot that needed more block Krylov cycles than this counts as slow
 *                     (on heavy-tailed spectra a warm start needs 1; above ~2 the full spectrum is faster)
 * @param slowRun      this many slow tracked snapshots in a row switch the layer to full spectra
 * @param fullBackoff  for this many snapshots, after which tracking is tried again from a cold start
 */
public record TopSpectra(int partialAbove, int fullEvery, int k, int slowCycles, int slowRun, int fullBackoff) {

    public static final int DEFAULT_PARTIAL_ABOVE = 2048;

    public TopSpectra {
        if (partialAbove < 1 || fullEvery < 1 || k < 1 || slowCycles < 1 || slowRun < 1 || fullBackoff < 1) {
            throw new IllegalArgumentException("top-spectra settings must all be ≥ 1, got " + this);
        }
    }

    public static TopSpectra defaults() {
        return new TopSpectra(DEFAULT_PARTIAL_ABOVE, 10, 64, 2, 3, 100);
    }

    /** The {@code dyson.top-spectra} section of {@code root}, each missing key at its default. */
    public static TopSpectra create(Config root) {
        TopSpectra d = defaults();
        String at = "dyson.top-spectra.";
        return new TopSpectra(
                root.hasPath(at + "partial-above") ? root.getInt(at + "partial-above") : d.partialAbove(),
                root.hasPath(at + "full-every") ? root.getInt(at + "full-every") : d.fullEvery(),
                root.hasPath(at + "k") ? root.getInt(at + "k") : d.k(),
                root.hasPath(at + "slow-cycles") ? root.getInt(at + "slow-cycles") : d.slowCycles(),
                root.hasPath(at + "slow-run") ? root.getInt(at + "slow-run") : d.slowRun(),
                root.hasPath(at + "full-backoff") ? root.getInt(at + "full-backoff") : d.fullBackoff());
    }

    /**
     * Whether an {@code rows × cols} layer is tracked, with the run's own threshold ({@code runPartialAbove}
     * &gt; 0) or this one.
     */
    public boolean tracks(int rows, int cols, int runPartialAbove) {
        int threshold = runPartialAbove > 0 ? runPartialAbove : partialAbove;
        return Math.min(rows, cols) >= threshold;
    }
}

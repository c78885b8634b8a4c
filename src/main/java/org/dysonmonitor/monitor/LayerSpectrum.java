package org.dysonmonitor.monitor;

import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.SpectrumSolver;
import org.dysonmonitor.linalg.TrackedTopSpectrum;

/**
 * A spectrum actor's way to the eigenvalues of each snapshot: the full spectrum from its solver, or,
 * for a tracked layer, a {@link TrackedTopSpectrum} (the top k, with a full spectrum every
 * {@link TopSpectra#fullEvery()} snapshots and whenever tracking does not converge). When tracking
 * stops paying — {@link TopSpectra#slowRun()} tracked snapshots in a row that each needed more than
 * {@link TopSpectra#slowCycles()} cycles, as on an untrained layer's dense Marchenko-Pastur edge — the
 * layer takes full spectra for {@link TopSpectra#fullBackoff()} snapshots, then tracks again from a
 * cold start. Not thread-safe: owned by one actor.
 */
final class LayerSpectrum {

    /** Why a tracked layer's snapshot got a full spectrum it was not scheduled for. */
    enum Forced { NONE, NOT_CONVERGED, SLOW_TRACKING }

    /** The {@code reason} label of a forced full spectrum, or null when none was forced. */
    static String forcedReason(Forced forced) {
        return switch (forced) {
            case NONE -> null;
            case NOT_CONVERGED -> "not_converged";
            case SLOW_TRACKING -> "slow_tracking";
        };
    }

    /**
     * One snapshot's eigenvalues.
     *
     * @param top    true: {@code values} are the top k (ascending); false: the whole spectrum
     * @param values ascending; for the whole spectrum the actor's own buffer, valid until the next call
     */
    record Computed(boolean top, double[] values, Forced forced) {
    }

    private final SpectrumSolver solver;
    private final TrackedTopSpectrum tracker; // null: the layer is not tracked
    private final TopSpectra settings;
    private final double[] eigenvalues;
    private int slowInARow;
    private int fullLeft;

    /**
     * @param tracker the layer's tracker, or null for full spectra only
     */
    LayerSpectrum(SpectrumSolver solver, TrackedTopSpectrum tracker, TopSpectra settings, int rows, int cols) {
        this.solver = solver;
        this.tracker = tracker;
        this.settings = settings;
        this.eigenvalues = new double[Math.min(rows, cols)];
    }

    /**
     * A tracker for an {@code rows × cols} layer if it is tracked (the threshold, and a layer large
     * enough for the tracker to gain at all) and native LAPACK loads; else null.
     */
    static TrackedTopSpectrum trackerFor(int rows, int cols, TopSpectra settings, int runPartialAbove) {
        if (!settings.tracks(rows, cols, runPartialAbove)) {
            return null;
        }
        TrackedTopSpectrum.Config config = TrackedTopSpectrum.Config.defaults().withK(settings.k())
                .withFullEvery(settings.fullEvery());
        try {
            TrackedTopSpectrum tracker = new TrackedTopSpectrum(config);
            return tracker.tracks(rows, cols) ? tracker : null;
        } catch (IllegalStateException | LinkageError e) {
            return null; // no native LAPACK: full spectra from the actor's own solver
        }
    }

    boolean tracked() {
        return tracker != null;
    }

    /** The eigenvalues of the smaller Gram matrix of {@code w}, read in its own precision (no copy). */
    Computed compute(WeightMatrix w) {
        if (tracker == null) {
            return new Computed(false, full(w), Forced.NONE);
        }
        if (fullLeft > 0) {
            fullLeft--;
            if (fullLeft == 0) {
                tracker.reset();
            }
            return new Computed(false, full(w), Forced.SLOW_TRACKING);
        }
        TrackedTopSpectrum.Result r = w.read(
                (f, rows, cols) -> tracker.update(f, rows, cols, MatrixLayout.ROW_MAJOR),
                (d, rows, cols) -> tracker.update(d, rows, cols, MatrixLayout.ROW_MAJOR));
        if (r.cycles() > 0) {
            slowInARow = !r.converged() || r.cycles() > settings.slowCycles() ? slowInARow + 1 : 0;
            if (slowInARow >= settings.slowRun()) {
                slowInARow = 0;
                fullLeft = settings.fullBackoff();
            }
        }
        if (r.kind() == TrackedTopSpectrum.Kind.TOP) {
            return new Computed(true, r.eigenvalues(), Forced.NONE);
        }
        return new Computed(false, r.eigenvalues(), r.converged() ? Forced.NONE : Forced.NOT_CONVERGED);
    }

    /**
     * The full spectrum into this layer's buffer. The solver reads the matrix's own array in its own
     * precision (float32 stays float32): no copy here, so a snapshot from HTTP has been copied twice
     * between socket and solver (body chunks into one buffer, then decoded into this array) and one
     * from a trainer once. The tracker reads the same arrays in their own precision too (float32
     * products and full spectra for a float32 layer: no copy either).
     */
    private double[] full(WeightMatrix w) {
        w.read((f, rows, cols) -> solver.eigenvalues(f, rows, cols, MatrixLayout.ROW_MAJOR, eigenvalues),
                (d, rows, cols) -> solver.eigenvalues(d, rows, cols, MatrixLayout.ROW_MAJOR, eigenvalues));
        return eigenvalues;
    }
}

package org.dysonmonitor.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.SplittableRandom;

import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.linalg.SpectrumSolver;
import org.dysonmonitor.rmt.HeavyTailMetrics;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.MarchenkoPastur;
import org.dysonmonitor.rmt.RandomizedBaseline;
import org.dysonmonitor.rmt.Spacings;
import org.dysonmonitor.rmt.SpectralRigidity;

/**
 * What the heavy-tail, rigidity and randomized-baseline diagnostics cost next to the spectrum they
 * read, measured in the same run on the same n×n matrices: the spectrum (the selected backend, as a
 * spectrum actor uses it), the per-snapshot diagnostics ({@link HeavyTailMetrics} and
 * {@link SpectralRigidity} on the already unfolded spacings), and one {@link RandomizedBaseline}
 * (permutation, a second spectrum, Jensen-Shannon, Marchenko-Pastur traps), whose amortised cost is
 * its time over {@link LayerStatistics.Config#DEFAULT_BASELINE_EVERY}. Two kinds of layer: Gaussian
 * entries (a Marchenko-Pastur bulk) and Student-t entries of ν = 3 (a heavy tail), since the
 * power-law scan's early stop depends on the spectrum. The target: per-snapshot plus amortised
 * baseline ≤ 25 % of the spectrum at n ≥ 512.
 *
 * <p>The clock is the calling thread's CPU time (see {@link Stopwatch}), so a loaded machine does
 * not distort the ratios; the native backend runs with one BLAS thread on the calling thread.
 */
public final class DiagnosticsCostBench {

    private static final int[] SIZES = {512, 1024, 2048};
    private static final Stopwatch.Rule RULE = new Stopwatch.Rule(3, 50, 1.0, 0.2, 2.0, Stopwatch.Clock.CPU);

    private DiagnosticsCostBench() {
    }

    public static void main(String[] args) {
        run(System.out);
    }

    /** Prints one row per (layer kind, n); returns 0 if every ratio meets the 25 % target, else 1. */
    public static int run(PrintStream out) {
        SolverSelection selection = SolverSelection.select(SolverSelection.Mode.AUTO);
        out.println("Diagnostics cost against the spectrum (" + selection + "), CPU time of the calling thread");
        out.printf(Locale.ROOT, "%-9s %5s %12s %12s %10s %12s %12s %9s%n", "entries", "n", "spectrum_ms",
                "per_snap_ms", "candidates", "baseline_ms", "amortised_ms", "ratio");
        boolean ok = true;
        for (String kind : new String[] {"gaussian", "student3"}) {
            for (int n : SIZES) {
                ok &= row(out, selection.get(), kind, n);
            }
        }
        out.println("ratio = (per_snap + baseline/" + LayerStatistics.Config.DEFAULT_BASELINE_EVERY
                + ") / spectrum; target ≤ 0.25 at n ≥ 512: " + (ok ? "met" : "NOT met"));
        return ok ? 0 : 1;
    }

    private static boolean row(PrintStream out, SpectrumSolver solver, String kind, int n) {
        double[] w = matrix(kind, n, new SplittableRandom(n));
        double[] x = new double[n];
        Stopwatch.Timing spectrum = Stopwatch.measure(
                () -> solver.eigenvalues(w, n, n, MatrixLayout.ROW_MAJOR, x), RULE);
        double[] unfolded = Spacings.unfolded(Spacings.nonZero(x, Spacings.ZERO_TOLERANCE));
        double edge = MarchenkoPastur.fit(n, n, x).upperEdge();
        int[] candidates = new int[1];
        Stopwatch.Timing perSnapshot = Stopwatch.measure(() -> {
            candidates[0] = HeavyTailMetrics.of(x, edge).powerLaw().candidates();
            SpectralRigidity.of(unfolded);
        }, RULE);
        RandomizedBaseline baseline = new RandomizedBaseline(n, n);
        RandomizedBaseline.GramEigenvalues gram = (v, r, c, o) -> solver.eigenvalues(v, r, c, MatrixLayout.ROW_MAJOR, o);
        Stopwatch.Timing randomized = Stopwatch.measure(() -> baseline.compute(0, w, x, 1, gram), RULE);
        double amortised = randomized.millis() / LayerStatistics.Config.DEFAULT_BASELINE_EVERY;
        double ratio = (perSnapshot.millis() + amortised) / spectrum.millis();
        out.printf(Locale.ROOT, "%-9s %5d %12.2f %12.3f %10d %12.2f %12.3f %9.3f%n", kind, n, spectrum.millis(),
                perSnapshot.millis(), candidates[0], randomized.millis(), amortised, ratio);
        return ratio <= 0.25;
    }

    /** n×n row-major entries, N(0, 1/n) or Student-t with ν = 3 (as a ratio of a normal and a χ₃). */
    private static double[] matrix(String kind, int n, SplittableRandom random) {
        double[] w = new double[n * n];
        java.util.Random gaussian = new java.util.Random(random.nextLong());
        for (int i = 0; i < w.length; i++) {
            double z = gaussian.nextGaussian();
            if (kind.equals("gaussian")) {
                w[i] = z / Math.sqrt(n);
            } else {
                double a = gaussian.nextGaussian();
                double b = gaussian.nextGaussian();
                double c = gaussian.nextGaussian();
                w[i] = z / Math.sqrt((a * a + b * b + c * c) / 3) / Math.sqrt(n);
            }
        }
        return w;
    }
}

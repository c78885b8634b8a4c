package org.dysonmonitor.cli;

import org.dysonmonitor.linalg.EjmlSpectrumSolver;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.SpectrumSolver;
import org.dysonmonitor.rmt.DegeneratePair;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.PairReport;
import org.dysonmonitor.rmt.PairStatistics;
import org.dysonmonitor.rmt.RunningMoments;
import org.dysonmonitor.rmt.Spectrum;
import org.dysonmonitor.rmt.TwoLevelDensity;
import org.dysonmonitor.sweep.TrainerKind;
import org.dysonmonitor.train.RbmConfig;
import org.dysonmonitor.train.RbmTrainer;
import org.dysonmonitor.train.TeacherStudentConfig;
import org.dysonmonitor.train.TeacherStudentTrainer;
import org.dysonmonitor.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code train}: one training run as plain Java (no actors), then the learned spectrum against its
 * target and the statistics of every degenerate pair over the stationary part of the run.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train one run of a built-in model and print its learned spectrum and pair statistics.")
final class TrainCommand extends CheckedCommand {

    @Option(names = "--model", defaultValue = "rbm", description = "rbm (Gaussian scalar-field RBM, physics.md §5) or teacher-student (§6) (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--lr", description = "Learning rate α (default: 0.1).")
    Double lr;

    @Option(names = "--batch", description = "Batch size |B|: persistent chains (RBM) or samples per update (default: 16).")
    Integer batch;

    @Option(names = "--steps", description = "SGD updates (default: 100000 for the RBM, as in the paper; 20000 for teacher-student).")
    Long steps;

    @Option(names = "--burn-in", description = "Updates discarded before statistics are collected (default: a fifth of --steps).")
    Long burnIn;

    @Option(names = "--snapshot-every", defaultValue = "10", description = "Updates between two spectra (default: ${DEFAULT-VALUE}).")
    int snapshotEvery;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed; the same seed gives the same run (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--visible", defaultValue = "10", description = "RBM visible units N_v = lattice sites (default: ${DEFAULT-VALUE}).")
    int visible;

    @Option(names = "--hidden", defaultValue = "10", description = "RBM hidden units N_h (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--mu2", defaultValue = "9", description = "RBM μ², fixed (default: ${DEFAULT-VALUE}).")
    double mu2;

    @Option(names = "--sigma-h", defaultValue = "1", description = "RBM hidden width σ_h (default: ${DEFAULT-VALUE}).")
    double sigmaH;

    @Option(names = "--mass2", defaultValue = "4", description = "Target field mass m² (default: ${DEFAULT-VALUE}).")
    double mass2;

    @Option(names = "--gibbs-steps", defaultValue = "3", description = "RBM block-Gibbs sweeps per update, k (default: ${DEFAULT-VALUE}).")
    int gibbsSteps;

    @Option(names = "--init-std", defaultValue = "0.1", description = "Initial weights ~ N(0, s²) (default: ${DEFAULT-VALUE}).")
    double initStd;

    @Option(names = "--epsilon", defaultValue = "0.05", description = "Teacher-student noise ε (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Override
    int call(CommandLine cmd) {
        boolean rbm = checked(cmd, () -> TrainerKind.parse(model)) == TrainerKind.RBM;
        long n = steps != null ? steps : rbm ? 100_000 : 20_000;
        long discard = burnIn != null ? burnIn : n / 5;
        MonitorOptions.require(cmd, n >= 1, "--steps must be ≥ 1");
        MonitorOptions.require(cmd, discard >= 0 && discard < n, "--burn-in must be in [0, --steps)");
        MonitorOptions.require(cmd, snapshotEvery >= 1, "--snapshot-every must be ≥ 1");
        MonitorOptions.require(cmd, lr == null || (lr > 0 && Double.isFinite(lr)),
                "--lr must be a positive number, got " + lr);
        MonitorOptions.require(cmd, batch == null || batch >= 1, "--batch must be ≥ 1, got " + batch);
        Trainer trainer = CheckedCommand.<Trainer>checked(cmd, () -> rbm
                ? new RbmTrainer(new RbmConfig(visible, hidden, mu2, sigmaH, 0.0, mass2, initStd,
                batch != null ? batch : 16, lr != null ? lr : 0.1, gibbsSteps, seed))
                : new TeacherStudentTrainer(new TeacherStudentConfig(lr != null ? lr : 0.1,
                batch != null ? batch : 16, epsilon, initStd, seed)));
        Result result = run(trainer, n, discard);
        PrintWriter out = cmd.getOut();
        if (rbm) {
            printRbm(out, (RbmTrainer) trainer, result, n, discard);
        } else {
            printTeacherStudent(out, trainer, result, n, discard);
        }
        out.flush();
        return 0;
    }

    /** What one run leaves behind. */
    private record Result(LayerReport report, double[] means, PairStatistics singularPair, double nanosPerUpdate,
                          long firstStationaryStep) {
    }

    private Result run(Trainer t, long n, long discard) {
        int rows = t.rows();
        int cols = t.cols();
        int modes = Math.min(rows, cols);
        SpectrumSolver solver = new EjmlSpectrumSolver();
        LayerStatistics stats = new LayerStatistics("train", "W", rows, cols, t.targetSpectrum(),
                LayerStatistics.Config.defaults());
        RunningMoments moments = new RunningMoments(modes, 2);
        // Teacher-student: physics.md §6 states its prediction for the splitting of singular values ξ = √x.
        PairStatistics singular = t.targetSpectrum() != null && modes == 2 && !(t instanceof RbmTrainer)
                ? new PairStatistics(new DegeneratePair(0, 1), Math.sqrt(t.targetSpectrum()[0])) : null;
        double[] w = new double[rows * cols];
        double[] x = new double[modes];
        double[] xi = new double[modes];
        LayerReport report = null;
        long trainingNanos = 0;
        long firstStationary = -1;
        while (t.steps() < n) {
            long start = System.nanoTime();
            t.step();
            trainingNanos += System.nanoTime() - start;
            long step = t.steps();
            if (step <= discard || step % snapshotEvery != 0) {
                continue;
            }
            t.copyWeights(w);
            solver.eigenvalues(w, rows, cols, MatrixLayout.ROW_MAJOR, x);
            report = stats.update(step, new Spectrum(rows, cols, x), t.learningRate(), t.batchSize());
            moments.add(x);
            if (report.stationary()) {
                if (firstStationary < 0) {
                    firstStationary = step;
                }
                if (singular != null) {
                    for (int i = 0; i < modes; i++) {
                        xi[i] = Math.sqrt(x[i]);
                    }
                    singular.add(xi);
                }
            }
        }
        double[] means = new double[modes];
        for (int i = 0; i < modes; i++) {
            means[i] = moments.mean(i);
        }
        return new Result(report, means, singular, (double) trainingNanos / n, firstStationary);
    }

    private void printHeader(PrintWriter out, Trainer t, String model, Result r, long n, long discard) {
        double ab = t.learningRate() / t.batchSize();
        out.printf(Locale.ROOT, "%s, α = %s, |B| = %d (α/|B| = %.6g), %d updates, seed %d%n",
                model, t.learningRate(), t.batchSize(), ab, n, seed);
        out.printf(Locale.ROOT, "training: %.2f µs per update (%.2f s in all)%n",
                r.nanosPerUpdate() / 1e3, r.nanosPerUpdate() * n / 1e9);
        out.printf(Locale.ROOT, "statistics: updates %d..%d, a spectrum every %d; stationary from update %s%n%n",
                discard + 1, n, snapshotEvery, r.firstStationaryStep() < 0 ? "never (pairs not collected)"
                        : Long.toString(r.firstStationaryStep()));
    }

    private void printRbm(PrintWriter out, RbmTrainer t, Result r, long n, long discard) {
        printHeader(out, t, String.format(Locale.ROOT, "RBM N_v = %d, N_h = %d, μ² = %s, σ_h = %s, m² = %s, k = %d",
                visible, hidden, mu2, sigmaH, mass2, gibbsSteps), r, n, discard);
        double s2 = t.sigmaH() * t.sigmaH();
        double[] target = t.targetSpectrum();
        out.println("Learned spectrum (means over the statistics part); fixed point μ² − σ_h²·x_i = κ_i:");
        out.println(" mode        x_i   μ² − σ_h²·x_i        κ_i   difference");
        for (int i = r.means().length - 1; i >= 0; i--) {
            double learned = t.mu2() - s2 * r.means()[i];
            double kappa = t.mu2() - s2 * target[i];
            out.printf(Locale.ROOT, "%5d %10.4f %15.4f %10.4f %12.4f%n", i, r.means()[i], learned, kappa, learned - kappa);
        }
        out.println("(The two modes of a degenerate pair straddle κ by about ±⟨S⟩/2 = ±√π·σ/2: that is the");
        out.println(" eigenvalue repulsion, not a learning error.)");
        out.println();
        printPairs(out, r.report(), t.learningRate() / t.batchSize(), "κ", "(μ²−κ)", c -> t.mu2() - s2 * c, c -> s2 * c);
    }

    private void printTeacherStudent(PrintWriter out, Trainer t, Result r, long n, long discard) {
        printHeader(out, t, String.format(Locale.ROOT, "teacher-student (W_t = 2·𝟙, ε = %s)", epsilon), r, n, discard);
        double[] target = t.targetSpectrum();
        out.println("Learned spectrum (means over the statistics part):");
        out.println(" mode        x_i   ξ_i = √x_i   target x   target ξ");
        for (int i = 0; i < r.means().length; i++) {
            out.printf(Locale.ROOT, "%5d %10.4f %12.4f %10.4f %10.4f%n", i, r.means()[i], Math.sqrt(r.means()[i]),
                    target[i], Math.sqrt(target[i]));
        }
        out.println();
        printPairs(out, r.report(), t.learningRate() / t.batchSize(), "x_t", "x_t", c -> c, c -> c);
        PairStatistics p = r.singularPair();
        if (p != null && p.count() > 1) {
            double scale = Math.sqrt(t.learningRate() * epsilon * epsilon / t.batchSize());
            out.println();
            out.println("Splitting S = ξ₂ − ξ₁ of the singular values (physics.md §6: ⟨S⟩ ∝ √(α ε²/|B|), ratio ≈ 1.8–1.9):");
            out.printf(Locale.ROOT, "  samples %d   ⟨S⟩ = %.5f ± %.5f   ⟨S⟩/√(αε²/|B|) = %.3f ± %.3f   ⟨s²⟩ = %.3f ± %.3f (4/π = %.3f)%n",
                    p.count(), p.meanSpacing(), p.meanSpacingError(), p.meanSpacing() / scale,
                    p.meanSpacingError() / scale, p.rescaledSpacingSquared(), p.rescaledSpacingSquaredError(),
                    TwoLevelDensity.MEAN_S_SQUARED);
        }
    }

    /**
     * @param centre the pair's centre in the model's own terms (κ for the RBM) from its target x
     * @param width  the quantity σ² is predicted proportional to, per α/|B| (μ² − κ = σ_h²·x for the RBM)
     */
    private static void printPairs(PrintWriter out, LayerReport report, double alphaOverBatch, String centreName,
                                   String widthName, java.util.function.DoubleUnaryOperator centre,
                                   java.util.function.DoubleUnaryOperator width) {
        if (report == null || report.pairs().isEmpty() || report.pairs().get(0).samples() < 2) {
            out.println("Degenerate pairs: no stationary statistics collected (run longer, or lower --burn-in).");
            return;
        }
        out.println("Degenerate pairs over the stationary snapshots (± blocked-jackknife standard errors):");
        out.printf(Locale.ROOT, " pair  %5s  samples          σ̂² = ⟨S²⟩/4         σ̂²/(α/|B|)   σ̂²/((α/|B|)·%s)   ⟨s²⟩ (4/π = 1.273)   U₄ (−4/27 = −0.148)%n",
                centreName, widthName);
        for (PairReport p : report.pairs()) {
            double c = centre.applyAsDouble(p.centre());
            double linear = width.applyAsDouble(p.centre());
            out.printf(Locale.ROOT, " %-4s %6.3f %8d  %10.3e ± %8.1e  %8.4f ± %6.4f  %12.3f ± %5.3f  %9.3f ± %5.3f  %10.3f ± %5.3f%n",
                    p.pair(), c, p.samples(), p.sigmaSquared(), p.sigmaSquaredError(),
                    p.sigmaSquaredPerLrBatch(), p.sigmaSquaredError() / alphaOverBatch,
                    p.sigmaSquared() / (alphaOverBatch * linear), p.sigmaSquaredError() / (alphaOverBatch * linear),
                    p.spacingS2(), p.spacingS2Error(), p.binderCumulant(), p.binderCumulantError());
        }
    }
}

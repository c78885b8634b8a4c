package org.dysonmonitor.sweep;

import org.dysonmonitor.train.RbmConfig;
import org.dysonmonitor.train.RbmTrainer;
import org.dysonmonitor.train.TeacherStudentConfig;
import org.dysonmonitor.train.TeacherStudentTrainer;
import org.dysonmonitor.train.Trainer;

import java.util.List;
import java.util.Locale;

/**
 * The two built-in models a sweep can scan (physics.md §5, §6), their paper scans, their default run
 * lengths, and how their pair widths are predicted to scale.
 *
 * <p><b>Run lengths</b> are given at the reference learning rate α₀ = 0.1 and scaled by α₀/α: the
 * drift relaxes in training time α·updates, so burn-in, autocorrelation times and the useful
 * snapshot interval all grow like 1/α (measured: RBM burn-in ≈ 5 000 updates at α = 0.1 and twice that
 * at 0.05; τ_int(S²) ≈ 110 updates for the slowest RBM pair at α = 0.1; teacher-student τ_int(S²) ≈ 4.9
 * updates at α = 0.1 and 0.9 at α = 0.5, independent of |B|). Scaling keeps the number of effectively
 * independent samples per run the same for every α.
 */
public enum TrainerKind {

    /**
     * Gaussian scalar-field RBM at the authors' parameters (N_v = N_h = 10, μ² = 9, σ_h = 1, m² = 4, k = 3).
     * Reference run: 100 000 updates (the paper's length), 10 000 burn-in, a snapshot every 20
     * updates (τ_int(S²) of the pairs is ≈ 12–110 updates at α = 0.1, so every pair gets at least one
     * snapshot per τ and the slowest ≈ 5). 16 runs per setting: the default sweep (10 settings, 160
     * runs, 7·10⁵ snapshots) measured 5.5–6.5 min on 2 shared cores, with N_eff ≈ 6 000 (slowest pair)
     * to 55 000 independent samples per point, i.e. ≈ 1% errors on σ̂².
     */
    RBM("rbm", List.of(0.01, 0.02, 0.04, 0.06, 0.08, 0.1), 16, 100_000, 10_000, 20),

    /**
     * Linear teacher-student with W_t = 2·𝟙 (physics.md §6). Reference run: 10 000 updates, 500
     * burn-in (the student reaches the teacher in ≈ ln(200)/α ≈ 50 updates), a snapshot every 5
     * updates (≈ τ_int(S²)). 32 runs per setting: the default sweep (9 settings) takes ≈ 20 s.
     */
    TEACHER_STUDENT("teacher-student", List.of(0.1, 0.2, 0.3, 0.4, 0.5), 32, 10_000, 500, 5);

    /** α₀: the learning rate at which the reference run lengths hold, and the |B| scan's α. */
    public static final double REFERENCE_LEARNING_RATE = 0.1;

    /** The α scan's |B|. */
    public static final int REFERENCE_BATCH = 16;

    /** The paper's |B| scan at α₀ (both models). */
    public static final List<Integer> BATCH_SCAN = List.of(4, 8, 16, 32, 64);

    /** Teacher-student noise ε of the paper's main scans. */
    public static final double DEFAULT_EPSILON = 0.05;

    private static final RbmConfig RBM_BASE = RbmConfig.defaults();

    private final String label;
    private final List<Double> learningRateScan;
    private final int defaultRuns;
    private final long referenceSteps;
    private final long referenceBurnIn;
    private final int referenceSnapshotEvery;

    TrainerKind(String label, List<Double> learningRateScan, int defaultRuns, long referenceSteps, long referenceBurnIn,
          int referenceSnapshotEvery) {
        this.label = label;
        this.learningRateScan = learningRateScan;
        this.defaultRuns = defaultRuns;
        this.referenceSteps = referenceSteps;
        this.referenceBurnIn = referenceBurnIn;
        this.referenceSnapshotEvery = referenceSnapshotEvery;
    }

    /** rbm, teacher-student (also teacher_student, ts), case-insensitive. */
    public static TrainerKind parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "rbm" -> RBM;
            case "teacher-student", "teacher_student", "ts" -> TEACHER_STUDENT;
            default -> throw new IllegalArgumentException("--model must be rbm or teacher-student, got '" + s + "'");
        };
    }

    /** The command-line name: rbm, teacher-student. */
    public String label() {
        return label;
    }

    /** For titles: RBM, teacher-student. */
    public String displayName() {
        return this == RBM ? "RBM" : "teacher-student";
    }

    /** The paper's α scan at |B| = 16. */
    public List<Double> learningRateScan() {
        return learningRateScan;
    }

    public int defaultRuns() {
        return defaultRuns;
    }

    public long referenceSteps() {
        return referenceSteps;
    }

    public long referenceBurnIn() {
        return referenceBurnIn;
    }

    public int referenceSnapshotEvery() {
        return referenceSnapshotEvery;
    }

    /** A fresh trainer for one run. */
    public Trainer trainer(Setting s, long seed, double epsilon) {
        return switch (this) {
            case RBM -> new RbmTrainer(RBM_BASE.withLearningRate(s.learningRate()).withBatchSize(s.batchSize())
                    .withSeed(seed));
            case TEACHER_STUDENT -> new TeacherStudentTrainer(TeacherStudentConfig.defaults()
                    .withLearningRate(s.learningRate()).withBatchSize(s.batchSize()).withNoise(epsilon).withSeed(seed));
        };
    }

    /**
     * The scale w of a pair's predicted width, σ² ∝ (α/|B|)·w, for a pair whose target eigenvalue of
     * WᵀW is {@code centre}: RBM w = μ² − κ = σ_h²·x_target (physics.md §5); teacher-student
     * w = (2ξ_t ε)² with ξ_t = √x_target, the prediction S_ξ ∝ √(αε²/|B|) of physics.md §6 carried
     * over to eigenvalues x = ξ² of WᵀW, whose splitting is S_x = (ξ₂ + ξ₁) S_ξ ≈ 2ξ_t S_ξ.
     */
    public double widthScale(double centre, double epsilon) {
        return switch (this) {
            case RBM -> RBM_BASE.sigmaH() * RBM_BASE.sigmaH() * centre;
            case TEACHER_STUDENT -> 4.0 * centre * epsilon * epsilon;
        };
    }

    /**
     * What ⟨S⟩ (a spacing of eigenvalues x of WᵀW) is divided by before it is compared with
     * {@link #predictor}: 1 for the RBM; 2ξ_t = 2√x_t for the teacher-student, whose prediction is for
     * the singular values (to O(σ²)).
     */
    public double spacingUnit(double centre) {
        return this == RBM ? 1.0 : 2.0 * Math.sqrt(centre);
    }

    /**
     * The abscissa X of the ⟨S⟩ scaling plot, √((α/|B|)·w)/{@link #spacingUnit}: RBM
     * √((α/|B|)(μ² − κ)); teacher-student √(αε²/|B|).
     */
    public double predictor(Setting s, double centre, double epsilon) {
        return Math.sqrt(s.alphaOverBatch() * widthScale(centre, epsilon)) / spacingUnit(centre);
    }

    /** "κ = 7.618" for an RBM pair, "ξ_t = 2" for the teacher-student, from the target x. */
    public String pairParameter(double centre) {
        return this == RBM
                ? String.format(Locale.ROOT, "κ = %.3f", RBM_BASE.mu2() - RBM_BASE.sigmaH() * RBM_BASE.sigmaH() * centre)
                : String.format(Locale.ROOT, "ξ_t = %s", Setting.plain(Math.sqrt(centre)));
    }

    /** Symbol of the abscissa of the ⟨S⟩ scaling plot. */
    public String predictorSymbol() {
        return this == RBM ? "√((α/|B|)(μ² − κ))" : "√(α ε²/|B|)";
    }

    /** Symbol of the ordinate of the ⟨S⟩ scaling plot. */
    public String spacingSymbol() {
        return this == RBM ? "⟨S⟩" : "⟨S⟩/(2ξ_t) ≈ ⟨ξ₂ − ξ₁⟩";
    }

    /** Symbol of w in σ² ∝ (α/|B|)·w. */
    public String widthSymbol() {
        return this == RBM ? "(μ² − κ)" : "(2ξ_t ε)²";
    }

    /**
     * The expected range of the linear-scaling coefficient σ̂²/((α/|B|)·w) where scaling holds
     * (physics.md §7): RBM 1.5–2; teacher-student (⟨S_ξ⟩/√(αε²/|B|))²/π with the ratio 1.8–1.9,
     * i.e. 1.03–1.15.
     */
    public double[] expectedCoefficient() {
        return this == RBM ? new double[] {1.5, 2.0} : new double[] {1.8 * 1.8 / Math.PI, 1.9 * 1.9 / Math.PI};
    }

    /** The expected ⟨S⟩/X slope: √(π c) over {@link #expectedCoefficient()}. */
    public double[] expectedSlope() {
        double[] c = expectedCoefficient();
        return new double[] {Math.sqrt(Math.PI * c[0]), Math.sqrt(Math.PI * c[1])};
    }

    /**
     * Relative cost of one update, in µs on one core (measured, JDK 17): RBM ≈ 0.5 + 0.55|B| up to
     * |B| = 32 and ≈ 0.9|B| at 64; teacher-student ≈ 0.02|B|. Used only to weigh runs for the ETA.
     */
    double updateMicros(int batch) {
        return this == RBM ? 0.5 + 0.6 * batch : 0.05 + 0.02 * batch;
    }

    /** CPU µs per snapshot through the monitor (spectrum, statistics, report, actors), measured. */
    double snapshotMicros() {
        return this == RBM ? 150 : 60;
    }

    /**
     * Edges x± = M s²(1 ± √(N/M))² of the Marchenko-Pastur law of the initial W (M × N, entries
     * N(0, s²)): where the evolution starts (physics.md §1).
     */
    public double[] marchenkoPasturEdges() {
        int m = this == RBM ? RBM_BASE.visible() : 2;
        int n = this == RBM ? RBM_BASE.hidden() : 2;
        double s2 = this == RBM ? RBM_BASE.initStd() * RBM_BASE.initStd()
                : TeacherStudentConfig.defaults().initStd() * TeacherStudentConfig.defaults().initStd();
        double r = Math.sqrt((double) Math.min(m, n) / Math.max(m, n));
        int big = Math.max(m, n);
        return new double[] {big * s2 * (1 - r) * (1 - r), big * s2 * (1 + r) * (1 + r)};
    }

    /** A short description of the model's parameters for the report. */
    public String description(double epsilon) {
        return switch (this) {
            case RBM -> String.format(Locale.ROOT,
                    "Gaussian scalar-field RBM, N_v = %d, N_h = %d, μ² = %s, σ_h = %s, m² = %s, k = %d Gibbs sweeps, PCD",
                    RBM_BASE.visible(), RBM_BASE.hidden(), Setting.plain(RBM_BASE.mu2()), Setting.plain(RBM_BASE.sigmaH()),
                    Setting.plain(RBM_BASE.targetMass2()), RBM_BASE.gibbsSteps());
            case TEACHER_STUDENT -> "linear teacher-student, W_t = 2·𝟙 (2×2), GOE noise ε = " + Setting.plain(epsilon);
        };
    }
}

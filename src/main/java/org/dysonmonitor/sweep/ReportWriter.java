package org.dysonmonitor.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dysonmonitor.rmt.PoissonSpacing;
import org.dysonmonitor.rmt.TwoLevelDensity;
import org.dysonmonitor.rmt.WignerSurmise;
import org.dysonmonitor.sweep.SweepSummary.Estimate;
import org.dysonmonitor.sweep.SweepSummary.Fit;
import org.dysonmonitor.sweep.SweepSummary.PairDensity;
import org.dysonmonitor.sweep.SweepSummary.Point;
import org.dysonmonitor.sweep.SweepSummary.RunRow;
import org.dysonmonitor.sweep.SweepSummary.SettingKs;
import org.dysonmonitor.sweep.SweepSummary.WidthFit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.dysonmonitor.sweep.Format.csv;
import static org.dysonmonitor.sweep.Format.fixed;
import static org.dysonmonitor.sweep.Format.pm;
import static org.dysonmonitor.sweep.Format.sig;

/**
 * Writes the text part of a sweep report: summary.md (the tables behind the plots), summary.json (the
 * same numbers) and CSV files of the pooled data, so that anyone can redo the plots elsewhere.
 */
public final class ReportWriter {

    /** File names of the report (the PNGs are {@link SweepPlots}'). */
    public static final String SUMMARY_MD = "summary.md";
    public static final String SUMMARY_JSON = "summary.json";
    public static final String POINTS_CSV = "points.csv";
    public static final String RUNS_CSV = "runs.csv";
    /** Gzipped: about one row per independent sample, a million rows in the default sweep. */
    public static final String SPACINGS_CSV = "spacings.csv.gz";
    public static final String SPACING_HISTOGRAM_CSV = "spacing_histogram.csv";
    public static final String DENSITY_CSV = "eigenvalue_density.csv";
    public static final String EVOLUTION_CSV = "evolution.csv";

    private ReportWriter() {
    }

    /** Writes every text file of the report into {@code dir} (created if needed). */
    public static void write(Path dir, SweepSummary s) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(SUMMARY_MD), markdown(s), StandardCharsets.UTF_8);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(dir.resolve(SUMMARY_JSON).toFile(), json(s));
            writePoints(dir.resolve(POINTS_CSV), s);
            writeRuns(dir.resolve(RUNS_CSV), s);
            writeSpacings(dir.resolve(SPACINGS_CSV), s);
            writeSpacingHistogram(dir.resolve(SPACING_HISTOGRAM_CSV), s);
            writeDensities(dir.resolve(DENSITY_CSV), s);
            writeEvolution(dir.resolve(EVOLUTION_CSV), s);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- summary.md

    static String markdown(SweepSummary s) {
        SweepData d = s.data();
        SweepPlan plan = d.plan();
        Model model = plan.model();
        StringBuilder md = new StringBuilder();
        md.append("# Sweep report: ").append(model.displayName()).append(", ").append(plan.settings().size())
                .append(" settings (α, |B|)\n\n");
        md.append(model.description(plan.epsilon())).append(". Generated ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(" by `dyson-monitor sweep`.\n\n");
        if (d.interrupted()) {
            md.append("**Interrupted** (Ctrl-C): this report covers the ").append(d.runs().size()).append(" of ")
                    .append(plan.pooledRuns().size()).append(" runs that finished.\n\n");
        }
        conditions(md, s);
        md.append("\n## How the numbers are made\n\n");
        md.append("Every run streams a snapshot of W every K updates after its burn-in into the monitor (policy `all`: "
                + "nothing dropped, the trainer is backpressured). The estimates are the monitor's own: the `pairs()` "
                + "of the run's last LayerReport (σ̂² = ⟨S²⟩/4, ⟨S⟩, ⟨s²⟩ and U₄ about the target, cumulative over the "
                + "snapshots the monitor found stationary). Runs are pooled by adding their power sums "
                + "(n, n⟨S⟩, 4nσ̂² from the PairReport; Σ(x − x_t)^k, k ≤ 4, of both eigenvalues from the same "
                + "snapshots' eigenvalues), so every snapshot weighs the same. **Errors are the delete-one-run "
                + "jackknife** (not inverse-variance weighting, which correlates each run's weight with its own "
                + "fluctuation): runs are independent, so no model of the autocorrelation within a run is needed. "
                + "Fit errors are the same jackknife, run index r removed from every setting at once. With fewer than "
                + SweepAnalysis.MIN_RUNS + " runs per setting that jackknife has too few degrees of freedom; errors are "
                + "then propagated from the monitor's blocked-jackknife errors of each run, and fit errors taken from "
                + "the fit weights. "
                + "Histograms, densities and KS tests use the eigenvalues of the same stationary snapshots. "
                + "N_eff = Σ_runs n_r/(2τ_int,r) with τ_int the integrated autocorrelation time (Sokal window, c = 5) "
                + "of S² (for σ̂²) or of S (for the KS tests) measured in each run.\n");

        md.append("\n## Runs and effective samples per setting\n\n");
        md.append("| α | \\|B\\| | α/\\|B\\| | runs | updates/run | burn-in | snapshot every | pooled snapshots/run | "
                + "τ_int(S²) [updates], by pair | N_eff per point, by pair |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Setting st : plan.settings()) {
            RunPlan rp = plan.pooledRuns().stream().filter(p -> p.setting().equals(st)).findFirst().orElseThrow();
            List<Point> ps = s.points().stream().filter(p -> p.setting().equals(st)).toList();
            long runs = d.runs().stream().filter(r -> r.setting().equals(st)).count();
            double pooled = d.runs().stream().filter(r -> r.setting().equals(st)).mapToLong(RunResult::pooledSnapshots)
                    .average().orElse(Double.NaN);
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %d | %d | %d | %s | %s | %s |\n",
                    Setting.plain(st.learningRate()), st.batchSize(), sig(st.alphaOverBatch(), 3), runs, rp.steps(),
                    rp.burnIn(), rp.snapshotEvery(), fixed(pooled, 0),
                    ps.stream().map(p -> sig(p.tauS2(), 2)).collect(Collectors.joining(", ")),
                    ps.stream().map(p -> fixed(p.effectiveSamples(), 0)).collect(Collectors.joining(", "))));
        }
        double minEff = s.points().stream().mapToDouble(Point::effectiveSamples).min().orElse(Double.NaN);
        double maxEff = s.points().stream().mapToDouble(Point::effectiveSamples).max().orElse(Double.NaN);
        md.append(String.format(Locale.ROOT, "\nEffectively independent samples behind each (setting, pair) point: "
                + "%s to %s (pairs in the order of the tables below).\n", fixed(minEff, 0), fixed(maxEff, 0)));

        md.append("\n## Data collapse: rescaled spacings s = S/⟨S⟩ against the Wigner surmise\n\n");
        md.append("![spacing collapse](").append(SweepPlots.SPACING_COLLAPSE).append(")\n\n");
        md.append("Kolmogorov-Smirnov distance D of the pooled s (every pair of the setting; ⟨S⟩ per setting and pair) "
                + "to the surmise P(s) = (π/2)s e^{−πs²/4} and to Poisson e^{−s}; d_α is the critical value at "
                + "significance α for N_eff independent samples.\n\n");
        md.append("| setting | n | N_eff | D to Wigner | D to Poisson | d_0.05 | d_0.001 | Wigner at 0.1%? |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (SettingKs k : s.ksBySetting()) {
            ksRow(md, k.setting().label().replace("|", "\\|"), k.ks());
        }
        ksRow(md, "**all pooled**", s.ksAll());

        md.append("\n## ⟨S⟩ against ").append(model.predictorSymbol()).append("\n\n");
        md.append("![mean spacing](").append(SweepPlots.MEAN_SPACING).append(")\n\n");
        double[] ex = s.spacingFit().expected();
        String how = errorsByRuns(s) ? "jackknife over runs" : "error from the fit weights";
        md.append(String.format(Locale.ROOT, "Fit through the origin, %s = a·X, weighted by the points' errors: over "
                        + "the %d points with α/|B| ≤ %s (where linear scaling holds), **a_fit = %s** (%s), χ²/dof = %s; "
                        + "over all %d points, a = %s, χ²/dof = %s (at large α/|B| the points leave the line: the bend). "
                        + "Expected from physics.md §7: a = √(π c) ∈ [%.2f, %.2f] for a linear-scaling coefficient "
                        + "c ∈ [%.2f, %.2f].\n",
                model.spacingSymbol(), s.spacingFit().points(), sig(SweepSummary.LINEAR_LIMIT, 3),
                pm(s.spacingFit().slope(), s.spacingFit().error()), how, fixed(s.spacingFit().chiSquaredPerDof(), 1),
                s.spacingFitAll().points(), pm(s.spacingFitAll().slope(), s.spacingFitAll().error()),
                fixed(s.spacingFitAll().chiSquaredPerDof(), 1), ex[0], ex[1], model.expectedCoefficient()[0],
                model.expectedCoefficient()[1]));

        md.append("\n## Linear scaling: σ̂² against α/|B|\n\n");
        md.append("![sigma2](").append(SweepPlots.SIGMA2_SCALING).append(") ![coefficient](")
                .append(SweepPlots.SIGMA2_COEFFICIENT).append(")\n\n");
        md.append(String.format(Locale.ROOT, "Weighted straight line σ̂² = b·(α/|B|) + c per pair, over α/|B| ≤ %s "
                + "(where physics.md §7 expects linear scaling), and over every point (the bend at large α/|B| "
                + "shows as a lower R² and a larger χ²/dof). Coefficient = b/%s, expected %s. A non-zero intercept "
                + "is curvature inside the fit range.\n\n",
                sig(SweepSummary.LINEAR_LIMIT, 3), model.widthSymbol(), range(model.expectedCoefficient())));
        md.append("| pair | | slope b (α/\\|B\\| ≤ 0.1/16) | intercept c | R² | χ²/dof | points | coefficient b/w "
                + "| slope b (all) | R² (all) | χ²/dof (all) |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (WidthFit f : s.widthFits()) {
            Fit l = f.linear();
            Fit a = f.all();
            Estimate c = f.coefficient();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %d | %s | %s | %s | %s |\n",
                    f.pair(), f.parameter(), pm(l.slope(), l.slopeError()), pm(l.intercept(), l.interceptError()),
                    fixed(l.rSquared(), 4), fixed(l.chiSquaredPerDof(), 2), l.points(), pm(c.value(), c.error()),
                    pm(a.slope(), a.slopeError()), fixed(a.rSquared(), 4), fixed(a.chiSquaredPerDof(), 1)));
        }

        md.append("\n## Every pair and setting\n\n");
        md.append(String.format(Locale.ROOT, "Wigner surmise: ⟨s²⟩ = 4/π = %.4f; two-level density: U₄ = −4/27 = %.4f. "
                + "U₄ is about the pooled pair centre; \"U₄ about x_t\" is the monitor's, about the target, which the "
                + "learned centre misses by the offset in the last column (the stochastic bias of physics.md §7). "
                + "Errors: %s.\n\n", WignerSurmise.MEAN_S_SQUARED, TwoLevelDensity.BINDER_CUMULANT,
                errorsByRuns(s) ? "jackknife over runs" : "propagated from the monitor's blocked jackknife of each run "
                        + "(fewer than " + SweepAnalysis.MIN_RUNS + " runs per setting)"));
        md.append("| pair | | α | \\|B\\| | α/\\|B\\| | runs | samples | τ_int(S²) [upd.] | N_eff | σ̂² | σ̂²/((α/\\|B\\|)·")
                .append(model.widthSymbol().replace("|", "\\|"))
                .append(") | ⟨S⟩ | ⟨s²⟩ | U₄ | U₄ about x_t | KS D (Wigner / Poisson) | d_0.001 | centre − x_t |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Point p : s.points()) {
            md.append(String.format(Locale.ROOT,
                    "| %s | %s | %s | %d | %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s |\n",
                    p.pair(), p.parameter(), Setting.plain(p.setting().learningRate()), p.setting().batchSize(),
                    sig(p.setting().alphaOverBatch(), 3), p.runs(), p.samples(), sig(p.tauS2(), 2),
                    fixed(p.effectiveSamples(), 0), pm(p.sigmaSquared().value(), p.sigmaSquared().error()),
                    pm(p.coefficient().value(), p.coefficient().error()),
                    pm(p.meanSpacing().value(), p.meanSpacing().error()),
                    pm(p.spacingS2().value(), p.spacingS2().error()), pm(p.binder().value(), p.binder().error()),
                    pm(p.binderAboutTarget().value(), p.binderAboutTarget().error()), fixed(p.ks().dWigner(), 4),
                    fixed(p.ks().dPoisson(), 3), fixed(p.ks().critical001(), 4),
                    pm(p.centreOffset().value(), p.centreOffset().error())));
        }

        md.append("\n## Eigenvalue density of each pair\n\n");
        md.append("![density](").append(SweepPlots.DENSITY).append(")\n\n");
        md.append("Both eigenvalues of every stationary snapshot (never ordered by hand), v = (x − x̄)/σ̂ with x̄ the "
                + "pooled centre and σ̂ = √(⟨S²⟩/4) of each setting, pooled over settings, against ρ(v) at σ = 1. "
                + "U₄: sample-weighted mean over settings.\n\n| pair | | U₄ (−4/27 = −0.1481) |\n|---|---|---|\n");
        for (PairDensity pd : s.densities()) {
            md.append("| ").append(pd.pair()).append(" | ").append(pd.parameter()).append(" | ")
                    .append(pm(pd.binder().value(), pd.binder().error())).append(" |\n");
        }

        md.append("\n## Evolution of one run\n\n");
        if (d.evolution() != null) {
            RunPlan e = d.evolution().plan();
            md.append("![evolution](").append(SweepPlots.EVOLUTION).append(")\n\n");
            md.append(String.format(Locale.ROOT, "Run at %s, seed %d, %d updates, a spectrum every %d updates, from W ~ "
                    + "N(0, s²) (a Marchenko-Pastur spectrum) to the target (dashed). Not pooled.\n",
                    e.setting().label(), e.seed(), e.steps(), e.snapshotEvery()));
        } else {
            md.append("The evolution run did not finish.\n");
        }
        if (!d.failures().isEmpty()) {
            md.append("\n## Failed runs\n\n");
            d.failures().forEach(f -> md.append("- ").append(f).append('\n'));
        }
        md.append("\n## Files\n\n");
        md.append("- `").append(SUMMARY_JSON).append("`: every number of this page\n");
        md.append("- `").append(POINTS_CSV).append("`: one row per (setting, pair), the tables above\n");
        md.append("- `").append(RUNS_CSV).append("`: one row per run and pair, the monitor's own estimates and τ_int\n");
        md.append("- `").append(SPACINGS_CSV).append("` (gzipped CSV): spacings S and s = S/⟨S⟩, every ⌈2τ_int(S)⌉-th "
                + "stationary snapshot of each run and pair (nearly independent samples; the histogram and KS use all)\n");
        md.append("- `").append(SPACING_HISTOGRAM_CSV).append("`, `").append(DENSITY_CSV)
                .append("`: the histograms of the plots with the theory curves\n");
        md.append("- `").append(EVOLUTION_CSV).append("`: the evolution run's eigenvalues and targets\n");
        return md.toString();
    }

    private static void conditions(StringBuilder md, SweepSummary s) {
        SweepData d = s.data();
        SweepData.Conditions c = d.conditions();
        md.append(String.format(Locale.ROOT, "- Settings: %s\n", d.plan().settings().stream().map(Setting::toString)
                .collect(Collectors.joining(", "))));
        md.append(String.format(Locale.ROOT, "- Runs: %d of %d finished (%d per setting planned), %d failed; seeds from %d\n",
                d.runs().size(), d.plan().pooledRuns().size(), d.plan().runs(), d.failures().size(), d.plan().seed()));
        md.append(String.format(Locale.ROOT, "- Wall time %s on %d trainer threads, %d runs in flight, %d cores; "
                        + "1-minute load average %s at the start, %s at the end (the machine is shared)\n",
                Progress.clock(c.wall()), c.threads(), c.parallel(), c.cores(), fixed(c.loadBefore(), 2),
                fixed(c.loadAfter(), 2)));
        long snapshots = d.runs().stream().mapToLong(RunResult::snapshots).sum();
        long pooled = d.runs().stream().mapToLong(RunResult::pooledSnapshots).sum();
        md.append(String.format(Locale.ROOT, "- Snapshots through the monitor: %d, of which %d pooled as stationary\n",
                snapshots, pooled));
    }

    private static boolean errorsByRuns(SweepSummary s) {
        return !s.points().isEmpty() && s.points().stream().allMatch(Point::errorsFromRuns);
    }

    private static void ksRow(StringBuilder md, String label, KsResult k) {
        md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s |\n", label, k.n(),
                fixed(k.nEff(), 0), fixed(k.dWigner(), 4), fixed(k.dPoisson(), 3), fixed(k.critical05(), 4),
                fixed(k.critical001(), 4), k.consistentWithWigner() ? "yes" : "**no**"));
    }

    private static String range(double[] r) {
        return String.format(Locale.ROOT, "%.2f–%.2f", r[0], r[1]);
    }

    // ---------------------------------------------------------------- summary.json

    static ObjectNode json(SweepSummary s) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        SweepData d = s.data();
        SweepPlan plan = d.plan();
        root.put("model", plan.model().label());
        root.put("description", plan.model().description(plan.epsilon()));
        root.put("interrupted", d.interrupted());
        root.put("runs_per_setting", plan.runs());
        root.put("runs_planned", plan.pooledRuns().size());
        root.put("runs_finished", d.runs().size());
        ArrayNode failures = root.putArray("failures");
        d.failures().forEach(failures::add);
        root.put("pooling", "power sums of each run's monitor PairReport (n, n<S>, 4n sigma^2) and of the eigenvalues "
                + "of the same stationary snapshots; errors: delete-one-run jackknife");
        ObjectNode cond = root.putObject("conditions");
        SweepData.Conditions c = d.conditions();
        cond.put("wall_seconds", c.wall().toMillis() / 1000.0);
        cond.put("threads", c.threads());
        cond.put("parallel_runs", c.parallel());
        cond.put("cores", c.cores());
        put(cond, "load_average_start", c.loadBefore());
        put(cond, "load_average_end", c.loadAfter());
        ArrayNode settings = root.putArray("settings");
        for (Setting st : plan.settings()) {
            RunPlan rp = plan.pooledRuns().stream().filter(p -> p.setting().equals(st)).findFirst().orElseThrow();
            ObjectNode n = settings.addObject();
            n.put("learning_rate", st.learningRate());
            n.put("batch_size", st.batchSize());
            n.put("alpha_over_batch", st.alphaOverBatch());
            n.put("steps", rp.steps());
            n.put("burn_in", rp.burnIn());
            n.put("snapshot_every", rp.snapshotEvery());
            n.put("runs_finished", d.runs().stream().filter(r -> r.setting().equals(st)).count());
        }
        ArrayNode points = root.putArray("points");
        for (Point p : s.points()) {
            ObjectNode n = points.addObject();
            n.put("learning_rate", p.setting().learningRate());
            n.put("batch_size", p.setting().batchSize());
            n.put("alpha_over_batch", p.setting().alphaOverBatch());
            n.put("pair", p.pair());
            n.put("parameter", p.parameter());
            n.put("target_x", p.centre());
            n.put("runs", p.runs());
            n.put("samples", p.samples());
            put(n, "tau_int_s2_updates", p.tauS2());
            put(n, "tau_int_s_updates", p.tauS());
            put(n, "effective_samples", p.effectiveSamples());
            est(n, "sigma_squared", p.sigmaSquared());
            est(n, "linear_scaling_coefficient", p.coefficient());
            est(n, "mean_spacing", p.meanSpacing());
            put(n, "predictor", p.predictor());
            est(n, "scaled_mean_spacing", p.scaledSpacing());
            est(n, "spacing_s2", p.spacingS2());
            est(n, "binder_cumulant", p.binder());
            est(n, "binder_cumulant_about_target", p.binderAboutTarget());
            est(n, "centre_offset", p.centreOffset());
            ks(n.putObject("ks"), p.ks());
            n.put("errors", p.errorsFromRuns() ? "jackknife over runs" : "propagated from the monitor's blocked jackknife of each run");
        }
        ObjectNode fit = root.putObject("mean_spacing_fit");
        fit.put("model", plan.model().spacingSymbol() + " = a * " + plan.model().predictorSymbol());
        scalingFit(fit, s.spacingFit());
        scalingFit(fit.putObject("all_points"), s.spacingFitAll());
        ArrayNode widthFits = root.putArray("sigma_squared_fits");
        for (WidthFit f : s.widthFits()) {
            ObjectNode n = widthFits.addObject();
            n.put("pair", f.pair());
            n.put("parameter", f.parameter());
            n.put("width_scale", f.widthScale());
            fit(n.putObject("linear_range"), f.linear());
            fit(n.putObject("all_points"), f.all());
            est(n, "coefficient", f.coefficient());
        }
        ArrayNode ksSettings = root.putArray("ks_by_setting");
        for (SettingKs k : s.ksBySetting()) {
            ObjectNode n = ksSettings.addObject();
            n.put("learning_rate", k.setting().learningRate());
            n.put("batch_size", k.setting().batchSize());
            ks(n, k.ks());
        }
        ks(root.putObject("ks_all"), s.ksAll());
        ArrayNode dens = root.putArray("pair_densities");
        for (PairDensity pd : s.densities()) {
            ObjectNode n = dens.addObject();
            n.put("pair", pd.pair());
            n.put("parameter", pd.parameter());
            est(n, "binder_cumulant", pd.binder());
        }
        ObjectNode theory = root.putObject("theory");
        theory.put("spacing_s2_wigner", WignerSurmise.MEAN_S_SQUARED);
        theory.put("binder_cumulant_two_level", TwoLevelDensity.BINDER_CUMULANT);
        ArrayNode coeff = theory.putArray("linear_scaling_coefficient_range");
        for (double v : plan.model().expectedCoefficient()) {
            coeff.add(v);
        }
        theory.put("linear_limit_alpha_over_batch", SweepSummary.LINEAR_LIMIT);
        if (d.evolution() != null) {
            ObjectNode e = root.putObject("evolution");
            e.put("run", d.evolution().plan().name());
            e.put("seed", d.evolution().plan().seed());
            e.put("snapshots", d.evolution().size());
            ArrayNode target = e.putArray("target");
            for (double v : d.evolution().target()) {
                target.add(v);
            }
        }
        ObjectNode files = root.putObject("files");
        for (String f : List.of(SUMMARY_MD, POINTS_CSV, RUNS_CSV, SPACINGS_CSV, SPACING_HISTOGRAM_CSV, DENSITY_CSV,
                EVOLUTION_CSV, SweepPlots.SPACING_COLLAPSE, SweepPlots.MEAN_SPACING, SweepPlots.SIGMA2_SCALING,
                SweepPlots.SIGMA2_COEFFICIENT, SweepPlots.DENSITY, SweepPlots.EVOLUTION)) {
            files.put(f.substring(0, f.indexOf('.')), f);
        }
        return root;
    }

    private static void scalingFit(ObjectNode n, SweepSummary.ScalingFit f) {
        put(n, "a_fit", f.slope());
        put(n, "a_fit_error", f.error());
        put(n, "chi_squared_per_dof", f.chiSquaredPerDof());
        n.put("points", f.points());
        put(n, "max_alpha_over_batch", f.maxAlphaOverBatch());
        ArrayNode expected = n.putArray("expected_range");
        for (double v : f.expected()) {
            expected.add(v);
        }
    }

    private static void put(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        } else {
            n.putNull(field);
        }
    }

    private static void est(ObjectNode n, String field, Estimate e) {
        put(n, field, e.value());
        put(n, field + "_error", e.error());
    }

    private static void ks(ObjectNode n, KsResult k) {
        n.put("n", k.n());
        put(n, "n_eff", k.nEff());
        put(n, "d_wigner", k.dWigner());
        put(n, "d_poisson", k.dPoisson());
        put(n, "critical_0_05", k.critical05());
        put(n, "critical_0_001", k.critical001());
        n.put("consistent_with_wigner_at_0_001", k.consistentWithWigner());
    }

    private static void fit(ObjectNode n, Fit f) {
        put(n, "slope", f.slope());
        put(n, "slope_error", f.slopeError());
        put(n, "intercept", f.intercept());
        put(n, "intercept_error", f.interceptError());
        put(n, "r_squared", f.rSquared());
        put(n, "chi_squared_per_dof", f.chiSquaredPerDof());
        n.put("points", f.points());
        put(n, "max_alpha_over_batch", f.maxAlphaOverBatch());
    }

    // ---------------------------------------------------------------- CSV

    private static void writePoints(Path file, SweepSummary s) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("learning_rate,batch_size,alpha_over_batch,pair,target_x,runs,samples,tau_int_s2_updates,"
                    + "effective_samples,sigma_squared,sigma_squared_error,coefficient,coefficient_error,mean_spacing,"
                    + "mean_spacing_error,predictor,scaled_mean_spacing,scaled_mean_spacing_error,spacing_s2,spacing_s2_error,"
                    + "binder,binder_error,binder_about_target,binder_about_target_error,centre_offset,centre_offset_error,"
                    + "ks_d_wigner,ks_d_poisson,ks_n_eff,ks_critical_0_001\n");
            for (Point p : s.points()) {
                w.write(String.join(",", csv(p.setting().learningRate()), Integer.toString(p.setting().batchSize()),
                        csv(p.setting().alphaOverBatch()), p.pair(), csv(p.centre()), Integer.toString(p.runs()),
                        Long.toString(p.samples()), csv(p.tauS2()), csv(p.effectiveSamples()), csvEst(p.sigmaSquared()),
                        csvEst(p.coefficient()), csvEst(p.meanSpacing()), csv(p.predictor()), csvEst(p.scaledSpacing()),
                        csvEst(p.spacingS2()), csvEst(p.binder()), csvEst(p.binderAboutTarget()),
                        csvEst(p.centreOffset()), csv(p.ks().dWigner()), csv(p.ks().dPoisson()), csv(p.ks().nEff()),
                        csv(p.ks().critical001())));
                w.write('\n');
            }
        }
    }

    private static String csvEst(Estimate e) {
        return csv(e.value()) + "," + csv(e.error());
    }

    private static void writeRuns(Path file, SweepSummary s) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("learning_rate,batch_size,run,seed,pair,target_x,samples,sigma_squared,sigma_squared_error,"
                    + "mean_spacing,mean_spacing_error,spacing_s2,spacing_s2_error,binder_about_target,"
                    + "binder_about_target_error,tau_int_s2_updates,tau_int_s_updates,effective_samples\n");
            for (RunRow r : s.runRows()) {
                w.write(String.join(",", csv(r.setting().learningRate()), Integer.toString(r.setting().batchSize()),
                        Integer.toString(r.run()), Long.toString(r.seed()), r.pair(), csv(r.centre()),
                        Long.toString(r.samples()), csv(r.sigmaSquared()), csv(r.sigmaSquaredError()),
                        csv(r.meanSpacing()), csv(r.meanSpacingError()), csv(r.spacingS2()), csv(r.spacingS2Error()),
                        csv(r.binderAboutTarget()), csv(r.binderAboutTargetError()), csv(r.tauS2()), csv(r.tauS()),
                        csv(r.effectiveSamples())));
                w.write('\n');
            }
        }
    }

    private static void writeSpacings(Path file, SweepSummary s) throws IOException {
        Map<String, RunRow> rows = s.runRows().stream().collect(Collectors.toMap(
                r -> r.setting().key() + "/" + r.run() + "/" + r.pair(), Function.identity()));
        Map<String, Double> means = s.points().stream().collect(Collectors.toMap(
                p -> p.setting().key() + "/" + p.pair(), p -> p.meanSpacing().value()));
        try (BufferedWriter w = new BufferedWriter(new java.io.OutputStreamWriter(
                new java.util.zip.GZIPOutputStream(Files.newOutputStream(file), 1 << 16), StandardCharsets.UTF_8))) {
            w.write("learning_rate,batch_size,run,pair,step,S,s\n");
            for (RunResult r : s.data().runs()) {
                for (PairSeries ps : r.series()) {
                    RunRow row = rows.get(r.setting().key() + "/" + r.plan().index() + "/" + ps.pair());
                    Double mean = means.get(r.setting().key() + "/" + ps.pair());
                    if (row == null || mean == null) {
                        continue;
                    }
                    String prefix = csv(r.setting().learningRate()) + "," + r.setting().batchSize() + ","
                            + r.plan().index() + "," + ps.pair() + ",";
                    for (int i = 0; i < ps.size(); i += row.thinning()) {
                        double sp = ps.spacing(i);
                        w.write(prefix + ps.step(i) + "," + six(sp) + "," + six(sp / mean) + "\n");
                    }
                }
            }
        }
    }

    /** Six significant digits, far below the statistical resolution of any single spacing. */
    private static String six(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static void writeSpacingHistogram(Path file, SweepSummary s) throws IOException {
        Histogram h = s.spacings();
        List<String> lines = new ArrayList<>();
        lines.add("s_low,s_high,density,wigner_surmise,poisson");
        for (int i = 0; i < h.bins(); i++) {
            double c = h.centre(i);
            lines.add(String.join(",", csv(c - h.width() / 2), csv(c + h.width() / 2), csv(h.density(i)),
                    csv(WignerSurmise.pdf(c)), csv(PoissonSpacing.pdf(c))));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private static void writeDensities(Path file, SweepSummary s) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("pair,v_low,v_high,density,two_level_density");
        for (PairDensity pd : s.densities()) {
            Histogram h = pd.density();
            for (int i = 0; i < h.bins(); i++) {
                double c = h.centre(i);
                lines.add(String.join(",", pd.pair(), csv(c - h.width() / 2), csv(c + h.width() / 2),
                        csv(h.density(i)), csv(TwoLevelDensity.density(c, 1.0))));
            }
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private static void writeEvolution(Path file, SweepSummary s) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("step,mode,x,target\n");
            Evolution e = s.data().evolution();
            if (e == null) {
                return;
            }
            double[] target = e.target();
            for (int i = 0; i < e.size(); i++) {
                for (int m = 0; m < e.modes(); m++) {
                    w.write(e.step(i) + "," + m + "," + csv(e.eigenvalue(i, m)) + "," + csv(target[m]) + "\n");
                }
            }
        }
    }
}

package org.dysonmonitor.sweep;

import org.dysonmonitor.rmt.TwoLevelDensity;
import org.dysonmonitor.rmt.WignerSurmise;
import org.dysonmonitor.sweep.SweepSummary.Estimate;
import org.dysonmonitor.sweep.SweepSummary.Fit;
import org.dysonmonitor.sweep.SweepSummary.PairDensity;
import org.dysonmonitor.sweep.SweepSummary.Point;
import org.dysonmonitor.sweep.SweepSummary.SettingKs;
import org.dysonmonitor.sweep.SweepSummary.WidthFit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import static org.dysonmonitor.sweep.Format.fixed;
import static org.dysonmonitor.sweep.Format.pm;
import static org.dysonmonitor.sweep.Format.sig;

/** summary.md: the tables behind the plots, with the prose that says how each number is made. */
final class SummaryMarkdown {

    private SummaryMarkdown() {
    }

    /** The page: the conditions, how the numbers are made, every table, the plots and the files. */
    static String of(SweepSummary s) {
        SweepData d = s.data();
        SweepPlan plan = d.plan();
        TrainerKind model = plan.model();
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
        md.append("- `").append(ReportWriter.SUMMARY_JSON).append("`: every number of this page\n");
        md.append("- `").append(ReportWriter.POINTS_CSV).append("`: one row per (setting, pair), the tables above\n");
        md.append("- `").append(ReportWriter.RUNS_CSV).append("`: one row per run and pair, the monitor's own estimates and τ_int\n");
        md.append("- `").append(ReportWriter.SPACINGS_CSV).append("` (gzipped CSV): spacings S and s = S/⟨S⟩, every ⌈2τ_int(S)⌉-th "
                + "stationary snapshot of each run and pair (nearly independent samples; the histogram and KS use all)\n");
        md.append("- `").append(ReportWriter.SPACING_HISTOGRAM_CSV).append("`, `").append(ReportWriter.DENSITY_CSV)
                .append("`: the histograms of the plots with the theory curves\n");
        md.append("- `").append(ReportWriter.EVOLUTION_CSV).append("`: the evolution run's eigenvalues and targets\n");
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
}

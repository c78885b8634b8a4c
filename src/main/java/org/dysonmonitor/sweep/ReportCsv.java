package org.dysonmonitor.sweep;

import org.dysonmonitor.rmt.PoissonSpacing;
import org.dysonmonitor.rmt.TwoLevelDensity;
import org.dysonmonitor.rmt.WignerSurmise;
import org.dysonmonitor.sweep.SweepSummary.Estimate;
import org.dysonmonitor.sweep.SweepSummary.PairDensity;
import org.dysonmonitor.sweep.SweepSummary.Point;
import org.dysonmonitor.sweep.SweepSummary.RunRow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.dysonmonitor.sweep.Format.csv;

/** The report's CSV tables: the pooled data behind the plots, so that anyone can redo them elsewhere. */
final class ReportCsv {

    private ReportCsv() {
    }

    /** One row per (setting, pair): the tables of summary.md. */
    static void points(Path file, SweepSummary s) throws IOException {
        try (CsvTable t = CsvTable.create(file, "learning_rate", "batch_size", "alpha_over_batch", "pair", "target_x",
                "runs", "samples", "tau_int_s2_updates", "effective_samples", "sigma_squared", "sigma_squared_error",
                "coefficient", "coefficient_error", "mean_spacing", "mean_spacing_error", "predictor",
                "scaled_mean_spacing", "scaled_mean_spacing_error", "spacing_s2", "spacing_s2_error", "binder",
                "binder_error", "binder_about_target", "binder_about_target_error", "centre_offset",
                "centre_offset_error", "ks_d_wigner", "ks_d_poisson", "ks_n_eff", "ks_critical_0_001")) {
            for (Point p : s.points()) {
                List<String> row = new ArrayList<>(List.of(csv(p.setting().learningRate()),
                        Integer.toString(p.setting().batchSize()), csv(p.setting().alphaOverBatch()), p.pair(),
                        csv(p.centre()), Integer.toString(p.runs()), Long.toString(p.samples()), csv(p.tauS2()),
                        csv(p.effectiveSamples())));
                estimate(row, p.sigmaSquared(), p.coefficient(), p.meanSpacing());
                row.add(csv(p.predictor()));
                estimate(row, p.scaledSpacing(), p.spacingS2(), p.binder(), p.binderAboutTarget(), p.centreOffset());
                row.addAll(List.of(csv(p.ks().dWigner()), csv(p.ks().dPoisson()), csv(p.ks().nEff()),
                        csv(p.ks().critical001())));
                t.row(row);
            }
        }
    }

    private static void estimate(List<String> row, Estimate... estimates) {
        for (Estimate e : estimates) {
            row.add(csv(e.value()));
            row.add(csv(e.error()));
        }
    }

    /** One row per run and pair: the monitor's own estimates and τ_int. */
    static void runs(Path file, SweepSummary s) throws IOException {
        try (CsvTable t = CsvTable.create(file, "learning_rate", "batch_size", "run", "seed", "pair", "target_x",
                "samples", "sigma_squared", "sigma_squared_error", "mean_spacing", "mean_spacing_error", "spacing_s2",
                "spacing_s2_error", "binder_about_target", "binder_about_target_error", "tau_int_s2_updates",
                "tau_int_s_updates", "effective_samples")) {
            for (RunRow r : s.runRows()) {
                t.row(csv(r.setting().learningRate()), Integer.toString(r.setting().batchSize()),
                        Integer.toString(r.run()), Long.toString(r.seed()), r.pair(), csv(r.centre()),
                        Long.toString(r.samples()), csv(r.sigmaSquared()), csv(r.sigmaSquaredError()),
                        csv(r.meanSpacing()), csv(r.meanSpacingError()), csv(r.spacingS2()), csv(r.spacingS2Error()),
                        csv(r.binderAboutTarget()), csv(r.binderAboutTargetError()), csv(r.tauS2()), csv(r.tauS()),
                        csv(r.effectiveSamples()));
            }
        }
    }

    /** Spacings S and s = S/⟨S⟩, every {@code thinning}-th stationary snapshot of each run and pair (gzipped). */
    static void spacings(Path file, SweepSummary s) throws IOException {
        Map<String, RunRow> rows = s.runRows().stream().collect(Collectors.toMap(
                r -> r.setting().key() + "/" + r.run() + "/" + r.pair(), Function.identity()));
        Map<String, Double> means = s.points().stream().collect(Collectors.toMap(
                p -> p.setting().key() + "/" + p.pair(), p -> p.meanSpacing().value()));
        try (CsvTable t = CsvTable.gzipped(file, "learning_rate", "batch_size", "run", "pair", "step", "S", "s")) {
            for (RunResult r : s.data().runs()) {
                for (PairSeries ps : r.series()) {
                    RunRow row = rows.get(r.setting().key() + "/" + r.plan().index() + "/" + ps.pair());
                    Double mean = means.get(r.setting().key() + "/" + ps.pair());
                    if (row == null || mean == null) {
                        continue;
                    }
                    String lr = csv(r.setting().learningRate());
                    String batch = Integer.toString(r.setting().batchSize());
                    String run = Integer.toString(r.plan().index());
                    for (int i = 0; i < ps.size(); i += row.thinning()) {
                        double sp = ps.spacing(i);
                        t.row(lr, batch, run, ps.pair(), Long.toString(ps.step(i)), six(sp), six(sp / mean));
                    }
                }
            }
        }
    }

    /** Six significant digits, far below the statistical resolution of any single spacing. */
    private static String six(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /** The pooled spacing histogram with the Wigner surmise and Poisson at each bin's centre. */
    static void spacingHistogram(Path file, SweepSummary s) throws IOException {
        Histogram h = s.spacings();
        try (CsvTable t = CsvTable.create(file, "s_low", "s_high", "density", "wigner_surmise", "poisson")) {
            for (int i = 0; i < h.bins(); i++) {
                double c = h.centre(i);
                t.row(csv(c - h.width() / 2), csv(c + h.width() / 2), csv(h.density(i)), csv(WignerSurmise.pdf(c)),
                        csv(PoissonSpacing.pdf(c)));
            }
        }
    }

    /** Each pair's eigenvalue density with the two-level density at each bin's centre. */
    static void densities(Path file, SweepSummary s) throws IOException {
        try (CsvTable t = CsvTable.create(file, "pair", "v_low", "v_high", "density", "two_level_density")) {
            for (PairDensity pd : s.densities()) {
                Histogram h = pd.density();
                for (int i = 0; i < h.bins(); i++) {
                    double c = h.centre(i);
                    t.row(pd.pair(), csv(c - h.width() / 2), csv(c + h.width() / 2), csv(h.density(i)),
                            csv(TwoLevelDensity.density(c, 1.0)));
                }
            }
        }
    }

    /** The evolution run's eigenvalues and targets (the header alone where it did not finish). */
    static void evolution(Path file, SweepSummary s) throws IOException {
        try (CsvTable t = CsvTable.create(file, "step", "mode", "x", "target")) {
            Evolution e = s.data().evolution();
            if (e == null) {
                return;
            }
            double[] target = e.target();
            for (int i = 0; i < e.size(); i++) {
                for (int m = 0; m < e.modes(); m++) {
                    t.row(Long.toString(e.step(i)), Integer.toString(m), csv(e.eigenvalue(i, m)), csv(target[m]));
                }
            }
        }
    }
}

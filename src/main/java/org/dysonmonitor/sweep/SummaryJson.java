package org.dysonmonitor.sweep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.dysonmonitor.rmt.TwoLevelDensity;
import org.dysonmonitor.rmt.WignerSurmise;
import org.dysonmonitor.sweep.SweepSummary.Fit;
import org.dysonmonitor.sweep.SweepSummary.Point;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * summary.json: every number of summary.md, as Jackson-serialised records (snake_case names, a
 * non-finite number as null).
 */
final class SummaryJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private SummaryJson() {
    }

    static void write(Path file, SweepSummary s) throws IOException {
        JSON.writeValue(file.toFile(), of(s));
    }

    @JsonInclude(JsonInclude.Include.NON_NULL) // no evolution object where the evolution run did not finish
    record Report(String model, String description, boolean interrupted, int runsPerSetting, int runsPlanned,
                  int runsFinished, List<String> failures, String pooling, Conditions conditions,
                  List<SettingRow> settings, List<PointRow> points, MeanSpacingFit meanSpacingFit,
                  List<WidthFitRow> sigmaSquaredFits, List<SettingKs> ksBySetting, Ks ksAll,
                  List<Density> pairDensities, Theory theory, EvolutionRun evolution, Map<String, String> files) {
    }

    record Conditions(double wallSeconds, int threads, int parallelRuns, int cores, Double loadAverageStart,
                      Double loadAverageEnd) {
    }

    record SettingRow(double learningRate, int batchSize, double alphaOverBatch, long steps, long burnIn,
                      int snapshotEvery, long runsFinished) {
    }

    record PointRow(double learningRate, int batchSize, double alphaOverBatch, String pair, String parameter,
                    double targetX, int runs, long samples, Double tauIntS2Updates, @JsonProperty("tau_int_s_updates") Double tauIntSUpdates,
                    Double effectiveSamples, Double sigmaSquared, Double sigmaSquaredError,
                    Double linearScalingCoefficient, Double linearScalingCoefficientError, Double meanSpacing,
                    Double meanSpacingError, Double predictor, Double scaledMeanSpacing, Double scaledMeanSpacingError,
                    Double spacingS2, Double spacingS2Error, Double binderCumulant, Double binderCumulantError,
                    Double binderCumulantAboutTarget, Double binderCumulantAboutTargetError, Double centreOffset,
                    Double centreOffsetError, Ks ks, String errors) {
    }

    record Ks(long n, Double nEff, Double dWigner, Double dPoisson, @JsonProperty("critical_0_05") Double critical05,
              @JsonProperty("critical_0_001") Double critical001,
              @JsonProperty("consistent_with_wigner_at_0_001") boolean consistentWithWigner) {
        static Ks of(KsResult k) {
            return new Ks(k.n(), finite(k.nEff()), finite(k.dWigner()), finite(k.dPoisson()), finite(k.critical05()),
                    finite(k.critical001()), k.consistentWithWigner());
        }
    }

    record ScalingFit(Double aFit, Double aFitError, Double chiSquaredPerDof, int points, Double maxAlphaOverBatch,
                      double[] expectedRange) {
        static ScalingFit of(SweepSummary.ScalingFit f) {
            return new ScalingFit(finite(f.slope()), finite(f.error()), finite(f.chiSquaredPerDof()), f.points(),
                    finite(f.maxAlphaOverBatch()), f.expected());
        }
    }

    record MeanSpacingFit(String model, @JsonUnwrapped ScalingFit linearRange, ScalingFit allPoints) {
    }

    record LineFit(Double slope, Double slopeError, Double intercept, Double interceptError, Double rSquared,
                   Double chiSquaredPerDof, int points, Double maxAlphaOverBatch) {
        static LineFit of(Fit f) {
            return new LineFit(finite(f.slope()), finite(f.slopeError()), finite(f.intercept()),
                    finite(f.interceptError()), finite(f.rSquared()), finite(f.chiSquaredPerDof()), f.points(),
                    finite(f.maxAlphaOverBatch()));
        }
    }

    record WidthFitRow(String pair, String parameter, double widthScale, LineFit linearRange, LineFit allPoints,
                       Double coefficient, Double coefficientError) {
    }

    record SettingKs(double learningRate, int batchSize, @JsonUnwrapped Ks ks) {
    }

    record Density(String pair, String parameter, Double binderCumulant, Double binderCumulantError) {
    }

    record Theory(double spacingS2Wigner, double binderCumulantTwoLevel, double[] linearScalingCoefficientRange,
                  double linearLimitAlphaOverBatch) {
    }

    record EvolutionRun(String run, long seed, int snapshots, double[] target) {
    }

    static Report of(SweepSummary s) {
        SweepData d = s.data();
        SweepPlan plan = d.plan();
        SweepData.Conditions c = d.conditions();
        List<SettingRow> settings = plan.settings().stream().map(st -> {
            RunPlan rp = plan.pooledRuns().stream().filter(p -> p.setting().equals(st)).findFirst().orElseThrow();
            return new SettingRow(st.learningRate(), st.batchSize(), st.alphaOverBatch(), rp.steps(), rp.burnIn(),
                    rp.snapshotEvery(), d.runs().stream().filter(r -> r.setting().equals(st)).count());
        }).toList();
        List<WidthFitRow> widthFits = s.widthFits().stream().map(f -> new WidthFitRow(f.pair(), f.parameter(),
                f.widthScale(), LineFit.of(f.linear()), LineFit.of(f.all()), finite(f.coefficient().value()),
                finite(f.coefficient().error()))).toList();
        Map<String, String> files = new LinkedHashMap<>();
        for (String f : List.of(ReportWriter.SUMMARY_MD, ReportWriter.POINTS_CSV, ReportWriter.RUNS_CSV,
                ReportWriter.SPACINGS_CSV, ReportWriter.SPACING_HISTOGRAM_CSV, ReportWriter.DENSITY_CSV,
                ReportWriter.EVOLUTION_CSV, SweepPlots.SPACING_COLLAPSE, SweepPlots.MEAN_SPACING,
                SweepPlots.SIGMA2_SCALING, SweepPlots.SIGMA2_COEFFICIENT, SweepPlots.DENSITY, SweepPlots.EVOLUTION)) {
            files.put(f.substring(0, f.indexOf('.')), f);
        }
        Evolution e = d.evolution();
        return new Report(plan.model().label(), plan.model().description(plan.epsilon()), d.interrupted(), plan.runs(),
                plan.pooledRuns().size(), d.runs().size(), d.failures(),
                "power sums of each run's monitor PairReport (n, n<S>, 4n sigma^2) and of the eigenvalues "
                        + "of the same stationary snapshots; errors: delete-one-run jackknife",
                new Conditions(c.wall().toMillis() / 1000.0, c.threads(), c.parallel(), c.cores(), finite(c.loadBefore()),
                        finite(c.loadAfter())),
                settings, s.points().stream().map(SummaryJson::point).toList(),
                new MeanSpacingFit(plan.model().spacingSymbol() + " = a * " + plan.model().predictorSymbol(),
                        ScalingFit.of(s.spacingFit()), ScalingFit.of(s.spacingFitAll())),
                widthFits,
                s.ksBySetting().stream().map(k -> new SettingKs(k.setting().learningRate(), k.setting().batchSize(),
                        Ks.of(k.ks()))).toList(),
                Ks.of(s.ksAll()),
                s.densities().stream().map(pd -> new Density(pd.pair(), pd.parameter(), finite(pd.binder().value()),
                        finite(pd.binder().error()))).toList(),
                new Theory(WignerSurmise.MEAN_S_SQUARED, TwoLevelDensity.BINDER_CUMULANT,
                        plan.model().expectedCoefficient(), SweepSummary.LINEAR_LIMIT),
                e == null ? null : new EvolutionRun(e.plan().name(), e.plan().seed(), e.size(), e.target()),
                files);
    }

    private static PointRow point(Point p) {
        return new PointRow(p.setting().learningRate(), p.setting().batchSize(), p.setting().alphaOverBatch(), p.pair(),
                p.parameter(), p.centre(), p.runs(), p.samples(), finite(p.tauS2()), finite(p.tauS()),
                finite(p.effectiveSamples()), finite(p.sigmaSquared().value()), finite(p.sigmaSquared().error()),
                finite(p.coefficient().value()), finite(p.coefficient().error()), finite(p.meanSpacing().value()),
                finite(p.meanSpacing().error()), finite(p.predictor()), finite(p.scaledSpacing().value()),
                finite(p.scaledSpacing().error()), finite(p.spacingS2().value()), finite(p.spacingS2().error()),
                finite(p.binder().value()), finite(p.binder().error()), finite(p.binderAboutTarget().value()),
                finite(p.binderAboutTarget().error()), finite(p.centreOffset().value()), finite(p.centreOffset().error()),
                Ks.of(p.ks()), p.errorsFromRuns() ? "jackknife over runs"
                        : "propagated from the monitor's blocked jackknife of each run");
    }

    /** JSON has no NaN or infinity: null instead. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}

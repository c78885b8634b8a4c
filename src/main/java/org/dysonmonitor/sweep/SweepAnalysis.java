package org.dysonmonitor.sweep;

import org.dysonmonitor.rmt.PairReport;
import org.dysonmonitor.sweep.SweepSummary.Estimate;
import org.dysonmonitor.sweep.SweepSummary.Fit;
import org.dysonmonitor.sweep.SweepSummary.PairDensity;
import org.dysonmonitor.sweep.SweepSummary.Point;
import org.dysonmonitor.sweep.SweepSummary.RunRow;
import org.dysonmonitor.sweep.SweepSummary.ScalingFit;
import org.dysonmonitor.sweep.SweepSummary.SettingKs;
import org.dysonmonitor.sweep.SweepSummary.WidthFit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * Pools the runs of a sweep into the report's numbers. Pure: {@link #analyse(SweepData)} only reads
 * its input.
 *
 * <p><b>Pooling across runs.</b> Per (setting, pair), each run contributes the power sums of its
 * stationary snapshots ({@link PairMoments}): n, ΣS = n·⟨S⟩ and ΣS² = 4n·σ̂² from the monitor's final
 * PairReport of the run, Σw^k from the eigenvalues of the same snapshots in the run's LayerReports.
 * Pooled estimates are those of the summed power sums, i.e. every snapshot weighs the same. Errors
 * are the delete-one-run jackknife ({@link Jackknife}): the estimate is recomputed without each run.
 * Runs are independent, so this needs no model of the autocorrelation inside a run, and it is not
 * biased the way inverse-variance weighting with each run's own error estimate is (a run whose σ̂²
 * fluctuates low also gets a small error, and would pull the weighted mean down). With a single run
 * the monitor's blocked-jackknife errors are quoted instead.
 *
 * <p>A jackknife over g runs has g − 1 degrees of freedom: with fewer than {@link #MIN_RUNS} runs
 * per setting its error is itself too uncertain (with 2 runs it is often far too small), and the
 * errors are instead propagated from the monitor's blocked-jackknife errors of each run
 * (σ² of a pooled mean = Σ n_r² σ_r² / n²); the fits then quote the errors from their weights.
 *
 * <p><b>Fits.</b> ⟨S⟩ against the model's predictor X through the origin, and σ̂² against α/|B| per
 * pair with slope and intercept, both weighted by the points' errors (1/σ²); the errors of the fit
 * parameters are again the jackknife over runs: run index r is removed from every setting at once and
 * everything refitted.
 */
public final class SweepAnalysis {

    /** Runs per setting from which errors are the jackknife over runs. */
    public static final int MIN_RUNS = 6;

    private static final double SPACING_MAX = 4.0;
    private static final int SPACING_BINS = 80;
    private static final double DENSITY_RANGE = 4.5;
    private static final int DENSITY_BINS = 90;

    private SweepAnalysis() {
    }

    public static SweepSummary analyse(SweepData data) {
        TrainerKind model = data.plan().model();
        double epsilon = data.plan().epsilon();
        List<PooledPoint> pointData = new ArrayList<>();
        List<RunRow> runRows = new ArrayList<>();
        for (Setting setting : data.plan().settings()) {
            List<RunResult> runs = data.runs().stream()
                    .filter(r -> r.setting().equals(setting) && r.pooledSnapshots() > 0)
                    .sorted(Comparator.comparingInt(r -> r.plan().index()))
                    .toList();
            if (runs.isEmpty()) {
                continue;
            }
            for (int p = 0; p < runs.get(0).pairs().size(); p++) {
                PooledPoint d = new PooledPoint(model, epsilon, setting, runs, p);
                pointData.add(d);
                runRows.addAll(d.rows);
            }
        }
        pointData.sort(Comparator.comparing((PooledPoint d) -> d.pair).thenComparingDouble(d -> d.setting.alphaOverBatch())
                .thenComparingDouble(d -> d.setting.learningRate()));
        List<Point> points = pointData.stream().map(PooledPoint::point).toList();
        TreeSet<Integer> runIndices = new TreeSet<>();
        pointData.forEach(d -> runIndices.addAll(d.moments.keySet()));

        List<PooledPoint> linearRegime = pointData.stream()
                .filter(d -> d.setting.alphaOverBatch() <= SweepSummary.LINEAR_LIMIT * (1 + 1e-9)).toList();
        ScalingFit spacingFit = spacingFit(model, linearRegime, runIndices);
        ScalingFit spacingFitAll = spacingFit(model, pointData, runIndices);
        List<WidthFit> widthFits = widthFits(model, epsilon, pointData, runIndices);

        List<SettingKs> ksBySetting = new ArrayList<>();
        for (Setting s : data.plan().settings()) {
            List<PooledPoint> of = pointData.stream().filter(d -> d.setting.equals(s)).toList();
            if (!of.isEmpty()) {
                ksBySetting.add(new SettingKs(s, KsResult.of(concat(of), of.stream().mapToDouble(d -> d.ksEff).sum())));
            }
        }
        double[] all = concat(pointData);
        KsResult ksAll = KsResult.of(all, pointData.stream().mapToDouble(d -> d.ksEff).sum());
        Histogram.Filler spacings = Histogram.filler(0, SPACING_MAX, SPACING_BINS);
        for (double s : all) {
            spacings.add(s);
        }
        return new SweepSummary(data, points, spacingFit, spacingFitAll, widthFits, ksBySetting, ksAll, spacings.build(),
                densities(pointData), runRows);
    }

    private static double[] concat(List<PooledPoint> points) {
        int n = points.stream().mapToInt(d -> d.rescaled.length).sum();
        double[] out = new double[n];
        int at = 0;
        for (PooledPoint d : points) {
            System.arraycopy(d.rescaled, 0, out, at, d.rescaled.length);
            at += d.rescaled.length;
        }
        return out;
    }

    private static ScalingFit spacingFit(TrainerKind model, List<PooledPoint> points, TreeSet<Integer> runIndices) {
        double[] x = new double[points.size()];
        double[] w = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            PooledPoint d = points.get(i);
            x[i] = d.predictor;
            w[i] = weight(d.scaledSpacing);
        }
        OriginFit full = OriginFit.fit(x, values(points, d -> d.scaledSpacing.value()), w);
        double error = full.slopeError();
        if (byRuns(points)) {
            double[] jk = new double[runIndices.size()];
            int k = 0;
            for (int r : runIndices) {
                jk[k++] = OriginFit.fit(x, values(points, d -> d.without(r, m -> m.meanSpacing() / d.unit)), w).slope();
            }
            error = Jackknife.error(jk);
        }
        double max = points.stream().mapToDouble(d -> d.setting.alphaOverBatch()).max().orElse(Double.NaN);
        return new ScalingFit(full.slope(), error, full.chiSquaredPerDof(), full.n(), max, model.expectedSlope());
    }

    private static List<WidthFit> widthFits(TrainerKind model, double epsilon, List<PooledPoint> points,
                                            TreeSet<Integer> runIndices) {
        Map<String, List<PooledPoint>> byPair = new LinkedHashMap<>();
        points.forEach(d -> byPair.computeIfAbsent(d.pair, p -> new ArrayList<>()).add(d));
        List<WidthFit> fits = new ArrayList<>();
        byPair.forEach((pair, ps) -> {
            PooledPoint first = ps.get(0);
            List<PooledPoint> linear = ps.stream()
                    .filter(d -> d.setting.alphaOverBatch() <= SweepSummary.LINEAR_LIMIT * (1 + 1e-9)).toList();
            fits.add(new WidthFit(pair, first.parameter, model.widthScale(first.centre, epsilon),
                    widthFit(linear, runIndices), widthFit(ps, runIndices)));
        });
        return fits;
    }

    private static Fit widthFit(List<PooledPoint> points, TreeSet<Integer> runIndices) {
        double[] x = values(points, d -> d.setting.alphaOverBatch());
        double[] w = values(points, d -> weight(d.sigmaSquared));
        LinearFit full = LinearFit.fit(x, values(points, d -> d.sigmaSquared.value()), w);
        double slopeError = full.slopeError();
        double interceptError = full.interceptError();
        if (byRuns(points)) {
            double[] slopes = new double[runIndices.size()];
            double[] intercepts = new double[runIndices.size()];
            int k = 0;
            for (int r : runIndices) {
                LinearFit f = LinearFit.fit(x, values(points, d -> d.without(r, PairMoments::sigmaSquared)), w);
                slopes[k] = f.slope();
                intercepts[k++] = f.intercept();
            }
            slopeError = Jackknife.error(slopes);
            interceptError = Jackknife.error(intercepts);
        }
        double max = points.stream().mapToDouble(d -> d.setting.alphaOverBatch()).max().orElse(Double.NaN);
        return new Fit(full.slope(), slopeError, full.intercept(), interceptError, full.rSquared(),
                full.chiSquaredPerDof(), full.n(), max);
    }

    private static List<PairDensity> densities(List<PooledPoint> points) {
        Map<String, List<PooledPoint>> byPair = new LinkedHashMap<>();
        points.forEach(d -> byPair.computeIfAbsent(d.pair, p -> new ArrayList<>()).add(d));
        List<PairDensity> out = new ArrayList<>();
        byPair.forEach((pair, ps) -> {
            Histogram.Filler h = Histogram.filler(-DENSITY_RANGE, DENSITY_RANGE, DENSITY_BINS);
            double sw = 0;
            double swu = 0;
            double swe2 = 0;
            for (PooledPoint d : ps) {
                double centre = d.centre + d.total.centreOffset();
                double sigma = Math.sqrt(d.total.sigmaSquared());
                for (RunResult r : d.runs) {
                    PairSeries s = r.series().get(d.index);
                    for (int i = 0; i < s.size(); i++) {
                        h.add((s.low(i) - centre) / sigma);
                        h.add((s.high(i) - centre) / sigma);
                    }
                }
                if (Double.isFinite(d.binder.value())) {
                    double n = d.total.n();
                    sw += n;
                    swu += n * d.binder.value();
                    swe2 += n * n * (Double.isFinite(d.binder.error()) ? d.binder.error() * d.binder.error() : 0);
                }
            }
            Estimate u4 = sw > 0 ? new Estimate(swu / sw, Math.sqrt(swe2) / sw) : Estimate.NONE;
            out.add(new PairDensity(pair, ps.get(0).parameter, h.build(), u4));
        });
        return out;
    }

    /** True if every point has its errors from the jackknife over runs, so the fits can have theirs too. */
    private static boolean byRuns(List<PooledPoint> points) {
        return !points.isEmpty() && points.stream().allMatch(d -> d.fromRuns);
    }

    private static double weight(Estimate e) {
        return Double.isFinite(e.error()) && e.error() > 0 ? 1.0 / (e.error() * e.error()) : 0.0;
    }

    private static double[] values(List<PooledPoint> points, ToDoubleFunction<PooledPoint> f) {
        return points.stream().mapToDouble(f).toArray();
    }
}

package org.dysonmonitor.sweep;

import org.dysonmonitor.rmt.AutocorrelationTime;
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

    /** Sokal window factor for the autocorrelation times. */
    private static final double WINDOW = 5.0;

    /** Runs with fewer pooled snapshots than this give no autocorrelation time of their own. */
    private static final int MIN_SERIES = 50;

    private static final double SPACING_MAX = 4.0;
    private static final int SPACING_BINS = 80;
    private static final double DENSITY_RANGE = 4.5;
    private static final int DENSITY_BINS = 90;

    private SweepAnalysis() {
    }

    public static SweepSummary analyse(SweepData data) {
        Model model = data.plan().model();
        double epsilon = data.plan().epsilon();
        List<PointData> pointData = new ArrayList<>();
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
                PointData d = new PointData(model, epsilon, setting, runs, p);
                pointData.add(d);
                runRows.addAll(d.rows);
            }
        }
        pointData.sort(Comparator.comparing((PointData d) -> d.pair).thenComparingDouble(d -> d.setting.alphaOverBatch())
                .thenComparingDouble(d -> d.setting.learningRate()));
        List<Point> points = pointData.stream().map(PointData::point).toList();
        TreeSet<Integer> runIndices = new TreeSet<>();
        pointData.forEach(d -> runIndices.addAll(d.moments.keySet()));

        List<PointData> linearRegime = pointData.stream()
                .filter(d -> d.setting.alphaOverBatch() <= SweepSummary.LINEAR_LIMIT * (1 + 1e-9)).toList();
        ScalingFit spacingFit = spacingFit(model, linearRegime, runIndices);
        ScalingFit spacingFitAll = spacingFit(model, pointData, runIndices);
        List<WidthFit> widthFits = widthFits(model, epsilon, pointData, runIndices);

        List<SettingKs> ksBySetting = new ArrayList<>();
        for (Setting s : data.plan().settings()) {
            List<PointData> of = pointData.stream().filter(d -> d.setting.equals(s)).toList();
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

    private static double[] concat(List<PointData> points) {
        int n = points.stream().mapToInt(d -> d.rescaled.length).sum();
        double[] out = new double[n];
        int at = 0;
        for (PointData d : points) {
            System.arraycopy(d.rescaled, 0, out, at, d.rescaled.length);
            at += d.rescaled.length;
        }
        return out;
    }

    private static ScalingFit spacingFit(Model model, List<PointData> points, TreeSet<Integer> runIndices) {
        double[] x = new double[points.size()];
        double[] w = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            PointData d = points.get(i);
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

    private static List<WidthFit> widthFits(Model model, double epsilon, List<PointData> points,
                                            TreeSet<Integer> runIndices) {
        Map<String, List<PointData>> byPair = new LinkedHashMap<>();
        points.forEach(d -> byPair.computeIfAbsent(d.pair, p -> new ArrayList<>()).add(d));
        List<WidthFit> fits = new ArrayList<>();
        byPair.forEach((pair, ps) -> {
            PointData first = ps.get(0);
            List<PointData> linear = ps.stream()
                    .filter(d -> d.setting.alphaOverBatch() <= SweepSummary.LINEAR_LIMIT * (1 + 1e-9)).toList();
            fits.add(new WidthFit(pair, first.parameter, model.widthScale(first.centre, epsilon),
                    widthFit(linear, runIndices), widthFit(ps, runIndices)));
        });
        return fits;
    }

    private static Fit widthFit(List<PointData> points, TreeSet<Integer> runIndices) {
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

    private static List<PairDensity> densities(List<PointData> points) {
        Map<String, List<PointData>> byPair = new LinkedHashMap<>();
        points.forEach(d -> byPair.computeIfAbsent(d.pair, p -> new ArrayList<>()).add(d));
        List<PairDensity> out = new ArrayList<>();
        byPair.forEach((pair, ps) -> {
            Histogram.Filler h = Histogram.filler(-DENSITY_RANGE, DENSITY_RANGE, DENSITY_BINS);
            double sw = 0;
            double swu = 0;
            double swe2 = 0;
            for (PointData d : ps) {
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
    private static boolean byRuns(List<PointData> points) {
        return !points.isEmpty() && points.stream().allMatch(d -> d.fromRuns);
    }

    private static double weight(Estimate e) {
        return Double.isFinite(e.error()) && e.error() > 0 ? 1.0 / (e.error() * e.error()) : 0.0;
    }

    private static double[] values(List<PointData> points, ToDoubleFunction<PointData> f) {
        return points.stream().mapToDouble(f).toArray();
    }

    /** One (setting, pair) while it is analysed: the runs' power sums and everything derived. */
    private static final class PointData {
        final Setting setting;
        final String pair;
        final String parameter;
        final int index;
        final double centre;
        final double unit;
        final double predictor;
        final List<RunResult> runs;
        final Map<Integer, PairMoments> moments = new LinkedHashMap<>();
        final PairMoments total;
        final List<RunRow> rows = new ArrayList<>();
        final Estimate sigmaSquared;
        final Estimate meanSpacing;
        final Estimate spacingS2;
        final Estimate binder;
        final Estimate binderAboutTarget;
        final Estimate centreOffset;
        final Estimate coefficient;
        final Estimate scaledSpacing;
        final double tauS2;
        final double tauS;
        final double nEff;
        final double ksEff;
        final double[] rescaled;
        final KsResult ks;
        final boolean fromRuns;

        PointData(Model model, double epsilon, Setting setting, List<RunResult> runs, int index) {
            this.setting = setting;
            this.index = index;
            this.runs = runs;
            PairReport first = runs.get(0).pairs().get(index);
            this.pair = first.pair();
            this.centre = first.centre();
            this.parameter = model.pairParameter(centre);
            this.unit = model.spacingUnit(centre);
            this.predictor = model.predictor(setting, centre, epsilon);
            double width = setting.alphaOverBatch() * model.widthScale(centre, epsilon);
            Map<Integer, Double> u4Target = new LinkedHashMap<>();
            double tauS2Sum = 0;
            double tauSSum = 0;
            double nEffSum = 0;
            double ksEffSum = 0;
            double tauWeight = 0;
            PairMoments sum = PairMoments.ZERO;
            List<double[]> tauOfRuns = new ArrayList<>();
            for (RunResult r : runs) {
                PairReport pr = r.pairs().get(index);
                PairSeries series = r.series().get(index);
                double n = pr.samples();
                PairMoments m = PairMoments.of(n, n * pr.meanSpacing(), 4 * n * pr.sigmaSquared(), series, centre);
                moments.put(r.plan().index(), m);
                u4Target.put(r.plan().index(), pr.binderCumulant());
                sum = sum.plus(m);
                tauOfRuns.add(taus(series));
            }
            // Runs too short for their own τ get the sample-weighted mean τ of the others.
            double[] fallback = new double[2];
            for (int i = 0; i < runs.size(); i++) {
                double[] t = tauOfRuns.get(i);
                if (Double.isFinite(t[0]) && Double.isFinite(t[1])) {
                    double n = runs.get(i).series().get(index).size();
                    fallback[0] += n * t[0];
                    fallback[1] += n * t[1];
                    tauWeight += n;
                }
            }
            fallback[0] = tauWeight > 0 ? fallback[0] / tauWeight : 0.5;
            fallback[1] = tauWeight > 0 ? fallback[1] / tauWeight : 0.5;
            for (int i = 0; i < runs.size(); i++) {
                RunResult r = runs.get(i);
                PairReport pr = r.pairs().get(index);
                double[] t = tauOfRuns.get(i);
                double t2 = Double.isFinite(t[0]) ? t[0] : fallback[0];
                double t1 = Double.isFinite(t[1]) ? t[1] : fallback[1];
                double n = r.series().get(index).size();
                int k = r.plan().snapshotEvery();
                tauS2Sum += n * t2 * k;
                tauSSum += n * t1 * k;
                nEffSum += n / (2 * t2);
                ksEffSum += n / (2 * t1);
                rows.add(new RunRow(setting, r.plan().index(), r.plan().seed(), pair, centre, pr.samples(),
                        pr.sigmaSquared(), pr.sigmaSquaredError(), pr.meanSpacing(), pr.meanSpacingError(),
                        pr.spacingS2(), pr.spacingS2Error(), pr.binderCumulant(), pr.binderCumulantError(),
                        t2 * k, t1 * k, n / (2 * t2), (int) Math.max(1, Math.ceil(2 * t1))));
            }
            this.total = sum;
            double samples = sum.n();
            this.tauS2 = samples > 0 ? tauS2Sum / samples : Double.NaN;
            this.tauS = samples > 0 ? tauSSum / samples : Double.NaN;
            this.nEff = nEffSum;
            this.ksEff = ksEffSum;
            this.fromRuns = runs.size() >= MIN_RUNS;

            double u4TargetMean = weightedMean(u4Target, null);
            if (fromRuns) {
                this.sigmaSquared = jackknifed(PairMoments::sigmaSquared);
                this.meanSpacing = jackknifed(PairMoments::meanSpacing);
                this.spacingS2 = jackknifed(PairMoments::rescaledSpacingSquared);
                this.binder = jackknifed(PairMoments::binderCumulant);
                this.centreOffset = jackknifed(PairMoments::centreOffset);
                double[] jk = new double[moments.size()];
                int j = 0;
                for (int r : moments.keySet()) {
                    jk[j++] = weightedMean(u4Target, r);
                }
                this.binderAboutTarget = new Estimate(u4TargetMean, Jackknife.error(jk));
            } else {
                this.sigmaSquared = new Estimate(total.sigmaSquared(), propagated(runs, PairReport::sigmaSquaredError));
                this.meanSpacing = new Estimate(total.meanSpacing(), propagated(runs, PairReport::meanSpacingError));
                this.spacingS2 = new Estimate(total.rescaledSpacingSquared(),
                        propagated(runs, PairReport::spacingS2Error));
                // The monitor's U₄ is about x_t; its error stands in for that of U₄ about the pooled centre.
                double u4Error = propagated(runs, PairReport::binderCumulantError);
                this.binder = new Estimate(total.binderCumulant(), u4Error);
                this.binderAboutTarget = new Estimate(u4TargetMean, u4Error);
                this.centreOffset = new Estimate(total.centreOffset(), Double.NaN);
            }
            this.coefficient = new Estimate(sigmaSquared.value() / width, sigmaSquared.error() / width);
            this.scaledSpacing = new Estimate(meanSpacing.value() / unit, meanSpacing.error() / unit);

            double mean = total.meanSpacing();
            int n = runs.stream().mapToInt(r -> r.series().get(index).size()).sum();
            this.rescaled = new double[n];
            int at = 0;
            for (RunResult r : runs) {
                PairSeries s = r.series().get(index);
                for (int i = 0; i < s.size(); i++) {
                    rescaled[at++] = s.spacing(i) / mean;
                }
            }
            this.ks = KsResult.of(rescaled, ksEff);
        }

        /** τ_int of S² and of S, in snapshots; NaN for a short series. */
        private static double[] taus(PairSeries s) {
            if (s.size() < MIN_SERIES) {
                return new double[] {Double.NaN, Double.NaN};
            }
            double[] sp = s.spacings();
            double[] sq = new double[sp.length];
            for (int i = 0; i < sp.length; i++) {
                sq[i] = sp[i] * sp[i];
            }
            return new double[] {AutocorrelationTime.estimate(sq, WINDOW).tau(),
                    AutocorrelationTime.estimate(sp, WINDOW).tau()};
        }

        /** √(Σ n_r² e_r²)/Σ n_r: the error of a sample-weighted mean of the runs' estimates. */
        private double propagated(List<RunResult> runs, ToDoubleFunction<PairReport> error) {
            double n = 0;
            double v = 0;
            for (RunResult r : runs) {
                PairReport pr = r.pairs().get(index);
                double e = error.applyAsDouble(pr);
                n += pr.samples();
                v += (double) pr.samples() * pr.samples() * e * e;
            }
            return n > 0 ? Math.sqrt(v) / n : Double.NaN;
        }

        /** Sample-weighted mean of the runs' values, without run {@code skip} (null: all). */
        private double weightedMean(Map<Integer, Double> values, Integer skip) {
            double sw = 0;
            double swv = 0;
            for (Map.Entry<Integer, Double> e : values.entrySet()) {
                if (skip != null && e.getKey().equals(skip)) {
                    continue;
                }
                double n = moments.get(e.getKey()).n();
                sw += n;
                swv += n * e.getValue();
            }
            return sw > 0 ? swv / sw : Double.NaN;
        }

        private Estimate jackknifed(ToDoubleFunction<PairMoments> f) {
            double[] jk = new double[moments.size()];
            int j = 0;
            for (PairMoments m : moments.values()) {
                jk[j++] = f.applyAsDouble(total.minus(m));
            }
            return new Estimate(f.applyAsDouble(total), Jackknife.error(jk));
        }

        /** The estimate without run r (all runs if this point has no run r; NaN if it has only run r). */
        double without(int r, ToDoubleFunction<PairMoments> f) {
            PairMoments m = moments.get(r);
            if (m == null) {
                return f.applyAsDouble(total);
            }
            PairMoments rest = total.minus(m);
            return rest.n() > 0 ? f.applyAsDouble(rest) : Double.NaN;
        }

        Point point() {
            return new Point(setting, pair, parameter, centre, runs.size(), (long) total.n(), sigmaSquared, meanSpacing,
                    spacingS2, binder, binderAboutTarget, centreOffset, coefficient, predictor, scaledSpacing, tauS2,
                    tauS, nEff, ks, fromRuns);
        }
    }
}

package org.dysonmonitor.sweep;

import org.dysonmonitor.rmt.AutocorrelationTime;
import org.dysonmonitor.rmt.PairReport;
import org.dysonmonitor.sweep.SweepSummary.Estimate;
import org.dysonmonitor.sweep.SweepSummary.Point;
import org.dysonmonitor.sweep.SweepSummary.RunRow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One (setting, pair) of a sweep while it is analysed: the runs' power sums and everything derived
 * from them (see {@link SweepAnalysis} for the pooling and the errors).
 */
final class PooledPoint {

    /** Sokal window factor for the autocorrelation times. */
    private static final double WINDOW = 5.0;

    /** Runs with fewer pooled snapshots than this give no autocorrelation time of their own. */
    private static final int MIN_SERIES = 50;

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

    PooledPoint(TrainerKind model, double epsilon, Setting setting, List<RunResult> runs, int index) {
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
        this.fromRuns = runs.size() >= SweepAnalysis.MIN_RUNS;

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

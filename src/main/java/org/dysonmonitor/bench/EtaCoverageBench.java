package org.dysonmonitor.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.dysonmonitor.linalg.EjmlSpectrumSolver;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.SpectrumSolver;
import org.dysonmonitor.rmt.DysonReport;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.RandomizedBaseline;
import org.dysonmonitor.rmt.Spectrum;
import org.dysonmonitor.train.RbmConfig;
import org.dysonmonitor.train.RbmTrainer;

/**
 * How honest the layer's convergence ETA is on the demo's RBM runs: each run trains with the layer's default
 * statistics (a snapshot every 10 updates, as in the demo), every measurement's forecast (step, ETA, stated
 * error, band-time ETA) is recorded, and the step at which {@code converged} first turns 1 is the truth.
 * Coverage is the fraction of runs whose forecast at a given lead before convergence misses by at most its
 * stated error (0.68 expected for an honest one-standard-error band), ± its binomial standard error
 * √(p(1 − p)/n). Not a speed benchmark: the figures do not depend on the machine.
 */
public final class EtaCoverageBench {

    private static final int EVERY = 10;
    private static final long MAX_STEPS = 40_000;
    /** Leads before convergence, in updates, at which a run's forecast is taken (the last one at or before). */
    private static final int[] LEADS = {2_500, 1_500, 1_000, 500};

    /** One forecast: the step it was made at, the forecast step of convergence, its error, the band time. */
    record Forecast(long step, double eta, double error, double band) {
    }

    /** One run's forecasts and the step at which it converged (−1: not within the steps trained). */
    record Run(double lr, int batch, long seed, long converged, List<Forecast> forecasts) {
    }

    private EtaCoverageBench() {
    }

    /**
     * Trains every (α, |B|) of {@code settings} with seeds seed0 … seed0 + seeds − 1 and prints the coverage
     * table; writes every forecast to {@code csv} when given.
     */
    public static void run(PrintStream out, List<double[]> settings, int seeds, long seed0, Path csv) {
        List<Run> runs = new ArrayList<>();
        for (double[] s : settings) {
            runs.addAll(IntStream.range(0, seeds).parallel()
                    .mapToObj(i -> run(s[0], (int) s[1], seed0 + i)).toList());
        }
        if (csv != null) {
            write(csv, runs);
        }
        out.println("| run (α, \\|B\\|) | seeds converged | lead (updates) | forecasts | covered | mean miss | "
                + "median \\|miss\\| | median stated |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        int[] all = new int[LEADS.length];
        int[] allCovered = new int[LEADS.length];
        for (double[] s : settings) {
            List<Run> these = runs.stream().filter(r -> r.lr() == s[0] && r.batch() == (int) s[1]).toList();
            long converged = these.stream().filter(r -> r.converged() > 0).count();
            for (int l = 0; l < LEADS.length; l++) {
                List<double[]> misses = new ArrayList<>();
                for (Run r : these) {
                    Forecast f = at(r, LEADS[l]);
                    if (f != null) {
                        misses.add(new double[] {f.eta() - r.converged(), f.error()});
                    }
                }
                int covered = 0;
                double sum = 0;
                double[] abs = new double[misses.size()];
                double[] stated = new double[misses.size()];
                for (int i = 0; i < misses.size(); i++) {
                    double[] m = misses.get(i);
                    covered += Math.abs(m[0]) <= m[1] ? 1 : 0;
                    sum += m[0];
                    abs[i] = Math.abs(m[0]);
                    stated[i] = m[1];
                }
                all[l] += misses.size();
                allCovered[l] += covered;
                int n = misses.size();
                out.printf(Locale.ROOT, "| %s, %d | %d/%d | %d | %d | %s | %s | %s | %s |%n", strip(s[0]), (int) s[1],
                        converged, these.size(), LEADS[l], n, coverage(covered, n),
                        n > 0 ? String.format(Locale.ROOT, "%+.0f", sum / n) : "—", median(abs), median(stated));
            }
        }
        for (int l = 0; l < LEADS.length; l++) {
            out.printf(Locale.ROOT, "| all | | %d | %d | %s | | | |%n", LEADS[l], all[l], coverage(allCovered[l], all[l]));
        }
        out.println();
        out.println("Band time (every row within its band, `eta_band_updates`), at the same leads: how often it is known,"
                + " how often it is at or before the gauge's step (a lower bound), and the median gauge step − band step.");
        out.println();
        out.println("| run (α, \\|B\\|) | lead (updates) | known | at or before `converged` | median converged − band |");
        out.println("|---|---:|---:|---:|---:|");
        for (double[] s : settings) {
            List<Run> these = runs.stream().filter(r -> r.lr() == s[0] && r.batch() == (int) s[1]).toList();
            for (int lead : LEADS) {
                int forecasts = 0;
                List<Double> early = new ArrayList<>();
                int before = 0;
                for (Run r : these) {
                    Forecast f = at(r, lead);
                    if (f == null) {
                        continue;
                    }
                    forecasts++;
                    if (Double.isFinite(f.band())) {
                        early.add(r.converged() - f.band());
                        before += f.band() <= r.converged() ? 1 : 0;
                    }
                }
                double[] e = early.stream().mapToDouble(Double::doubleValue).toArray();
                out.printf(Locale.ROOT, "| %s, %d | %d | %d/%d | %d/%d | %s |%n", strip(s[0]), (int) s[1], lead,
                        e.length, forecasts, before, e.length, median(e));
            }
        }
        out.flush();
    }

    /** The run's last known forecast at or before lead updates before its convergence, or null. */
    static Forecast at(Run r, int lead) {
        if (r.converged() < 0) {
            return null;
        }
        Forecast last = null;
        for (Forecast f : r.forecasts()) {
            if (f.step() <= r.converged() - lead) {
                last = f;
            }
        }
        return last != null && Double.isFinite(last.eta()) && Double.isFinite(last.error()) ? last : null;
    }

    /** Trains one RBM run until its layer converges (or {@value #MAX_STEPS} updates). */
    static Run run(double lr, int batch, long seed) {
        RbmTrainer t = new RbmTrainer(RbmConfig.defaults().withLearningRate(lr).withBatchSize(batch).withSeed(seed));
        int rows = t.rows();
        int cols = t.cols();
        SpectrumSolver solver = new EjmlSpectrumSolver();
        LayerStatistics stats = new LayerStatistics("r", "W", rows, cols, t.targetSpectrum(),
                LayerStatistics.Config.defaults());
        double[] w = new double[rows * cols];
        double[] x = new double[Math.min(rows, cols)];
        List<Forecast> forecasts = new ArrayList<>();
        long measured = -1;
        while (t.steps() < MAX_STEPS) {
            t.step();
            long step = t.steps();
            if (step % EVERY != 0) {
                continue;
            }
            t.copyWeights(w);
            solver.eigenvalues(w, rows, cols, MatrixLayout.ROW_MAJOR, x);
            LayerReport r = stats.update(step, new Spectrum(rows, cols, x), t.learningRate(), t.batchSize(),
                    (RandomizedBaseline.Weights) null, null, step / 2000.0);
            if (r.converged()) {
                return new Run(lr, batch, seed, step, forecasts);
            }
            DysonReport d = r.dynamics();
            if (d.measuredStep() != measured) {
                measured = d.measuredStep();
                forecasts.add(new Forecast(step, step + d.etaUpdates(), d.etaUpdatesError(), step + d.etaBandUpdates()));
            }
        }
        return new Run(lr, batch, seed, -1, forecasts);
    }

    private static void write(Path csv, List<Run> runs) {
        StringBuilder b = new StringBuilder("lr,batch,seed,converged,step,eta,error,band\n");
        for (Run r : runs) {
            for (Forecast f : r.forecasts()) {
                b.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%.1f,%.1f,%.1f", strip(r.lr()), r.batch(),
                        r.seed(), r.converged(), f.step(), f.eta(), f.error(), f.band())).append('\n');
            }
        }
        try {
            Files.writeString(csv, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String coverage(int covered, int n) {
        if (n == 0) {
            return "—";
        }
        double p = covered / (double) n;
        return String.format(Locale.ROOT, "%.2f ± %.2f", p, Math.sqrt(p * (1 - p) / n));
    }

    private static String median(double[] v) {
        if (v.length == 0) {
            return "—";
        }
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return String.format(Locale.ROOT, "%.0f", s[s.length / 2]);
    }

    private static String strip(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}

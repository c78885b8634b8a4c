package org.dysonmonitor.sweep;

import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.PairReport;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the LayerReports of one run, in order, as the monitor's watcher delivers them: keeps the
 * latest pair statistics (cumulative, so the last report's are the run's) and, for every snapshot
 * the monitor pooled (a stationary report of a layer with pairs), the pair eigenvalues. The
 * evolution run keeps every full spectrum instead. Not thread-safe: owned by the coordinator.
 */
public final class RunCollector {

    private final RunPlan plan;
    private final List<PairSeries.Builder> series = new ArrayList<>();
    private long[] evolutionSteps = new long[256];
    private final List<double[]> evolutionSpectra = new ArrayList<>();
    private List<PairReport> pairs = List.of();
    private double[] target = new double[0];
    private long reports;
    private long lastStep = -1;

    public RunCollector(RunPlan plan) {
        this.plan = plan;
    }

    public RunPlan plan() {
        return plan;
    }

    /**
     * Adds the next report of this run.
     *
     * @throws IllegalArgumentException for a report of another run, or one out of order
     */
    public void add(LayerReport r) {
        if (!r.run().equals(plan.name())) {
            throw new IllegalArgumentException("report of run " + r.run() + " given to the collector of " + plan.name());
        }
        if (r.step() <= lastStep) {
            throw new IllegalArgumentException("report of step " + r.step() + " after step " + lastStep + " in run "
                    + r.run());
        }
        reports++;
        lastStep = r.step();
        if (plan.evolution()) {
            if (evolutionSpectra.size() == evolutionSteps.length) {
                evolutionSteps = java.util.Arrays.copyOf(evolutionSteps, 2 * evolutionSteps.length);
            }
            evolutionSteps[evolutionSpectra.size()] = r.step();
            evolutionSpectra.add(r.eigenvalues());
            target = r.target();
            return;
        }
        List<PairReport> p = r.pairs();
        if (!p.isEmpty() && !pairs.isEmpty() && p.get(0).samples() < pairs.get(0).samples()) {
            // The spectrum actor was restarted (after an internal error) with fresh statistics: so are the series.
            series.clear();
            pairs = List.of();
        }
        if (p.isEmpty() || !r.stationary() || p.get(0).samples() == 0) {
            return; // not pooled by the monitor
        }
        if (series.isEmpty()) {
            for (PairReport pr : p) {
                series.add(new PairSeries.Builder(pr.pair(), pr.lower(), pr.upper(), pr.centre()));
            }
        }
        double[] x = r.eigenvalues();
        for (PairSeries.Builder b : series) {
            b.add(r.step(), x);
        }
        pairs = p;
    }

    /** Reports received so far. */
    public long reports() {
        return reports;
    }

    /** Step of the latest report, −1 before the first. */
    public long lastStep() {
        return lastStep;
    }

    /** True once the report of the run's last snapshot has arrived. */
    public boolean complete() {
        return lastStep >= plan.lastSnapshot();
    }

    /** The run's result (pooled runs). */
    public RunResult result() {
        return new RunResult(plan, pairs, series.stream().map(PairSeries.Builder::build).toList(), reports);
    }

    /** The run's evolution (the evolution run). */
    public Evolution evolution() {
        return new Evolution(plan, java.util.Arrays.copyOf(evolutionSteps, evolutionSpectra.size()),
                evolutionSpectra.toArray(new double[0][]), target);
    }
}

package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.SpectrumSolver;
import org.dysonmonitor.metrics.LayerMetrics;
import org.dysonmonitor.metrics.RunMetrics;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.Spectrum;

import java.util.function.Supplier;

/**
 * One per (run, layer): computes the eigenvalues of each snapshot with its own solver (and its
 * reusable workspaces), feeds them to the layer's {@link LayerStatistics}, and publishes the
 * resulting {@link LayerReport} to the metrics and the live stream.
 *
 * <p>A snapshot that cannot be processed is rejected and counted; an unexpected exception is
 * counted too, answered, and then rethrown so that the supervisor restarts this actor (with
 * back-off) with fresh statistics, while no other layer notices.
 */
public final class SpectrumActor extends AbstractBehavior<SpectrumActor.Command> {

    public sealed interface Command {
    }

    /** Process one snapshot and answer when done. */
    public record Process(Snapshot snapshot, ActorRef<Outcome> replyTo) implements Command {
    }

    /** Ask for the latest report. */
    public record GetReport(ActorRef<LayerLookup> replyTo) implements Command {
    }

    /** The answer to {@link Process}. */
    public sealed interface Outcome {
    }

    public record Processed(long step) implements Outcome {
    }

    public record Failed(String reason, String message) implements Outcome {
    }

    /** The answer to {@link GetReport} (also given by the registry for unknown layers). */
    public sealed interface LayerLookup {
    }

    public record Found(LayerReport report) implements LayerLookup {
    }

    public record NotFound(String message) implements LayerLookup {
    }

    /** Everything a spectrum actor is made of; it outlives restarts (metrics must not re-register). */
    public record Setup(String run, String layer, int rows, int cols, double[] target,
                        LayerStatistics.Config statistics, Supplier<SpectrumSolver> solvers,
                        LayerMetrics layerMetrics, RunMetrics runMetrics, ReportBus bus,
                        java.time.Duration reportInterval, java.util.List<ActorRef<LayerReport>> watchers) {
    }

    private final Setup setup;
    private final SpectrumSolver solver;
    private final LayerStatistics statistics;
    private final double[] values;
    private final double[] eigenvalues;
    private float[] floats;
    private LayerReport latest;
    private long lastPublishedNanos;

    public static Behavior<Command> create(Setup setup) {
        return Behaviors.setup(ctx -> new SpectrumActor(ctx, setup));
    }

    private SpectrumActor(ActorContext<Command> context, Setup setup) {
        super(context);
        this.setup = setup;
        this.solver = setup.solvers().get();
        this.statistics = new LayerStatistics(setup.run(), setup.layer(), setup.rows(), setup.cols(),
                setup.target(), setup.statistics());
        this.values = new double[setup.rows() * setup.cols()];
        this.eigenvalues = new double[Math.min(setup.rows(), setup.cols())];
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Process.class, this::onProcess)
                .onMessage(GetReport.class, this::onGetReport)
                .build();
    }

    private Behavior<Command> onProcess(Process msg) {
        Snapshot s = msg.snapshot();
        String layer = setup.layer();
        if (s.weights().rows() != setup.rows() || s.weights().cols() != setup.cols()) {
            // The registry checks shapes at the door; this guards the actor's own buffers.
            setup.runMetrics().rejected(layer, "shape_mismatch");
            msg.replyTo().tell(new Failed("shape_mismatch", "layer " + layer + " is " + setup.rows() + "×"
                    + setup.cols() + ", snapshot is " + s.weights().rows() + "×" + s.weights().cols()));
            return this;
        }
        s.weights().copyRowMajor(values);
        int bad = firstNonFinite(values);
        if (bad >= 0) {
            // HTTP snapshots are checked by the decoder; this catches a diverging built-in trainer.
            setup.runMetrics().rejected(layer, "non_finite");
            msg.replyTo().tell(new Failed("non_finite", "value at row " + bad / setup.cols() + ", col "
                    + bad % setup.cols() + " is " + values[bad] + " (has training diverged?)"));
            return this;
        }
        try {
            long start = System.nanoTime();
            if (s.weights().float32()) {
                // float32 weights (every value exact in float): the backend may take its float32 path.
                solver.eigenvalues(asFloats(values), setup.rows(), setup.cols(), MatrixLayout.ROW_MAJOR, eigenvalues);
            } else {
                solver.eigenvalues(values, setup.rows(), setup.cols(), MatrixLayout.ROW_MAJOR, eigenvalues);
            }
            Spectrum spectrum = new Spectrum(setup.rows(), setup.cols(), eigenvalues);
            // W and this actor's solver, for the randomized baseline every baselineEvery snapshots.
            latest = statistics.update(s.step(), spectrum, s.learningRate(), s.batchSize(), values,
                    (v, rows, cols, out) -> solver.eigenvalues(v, rows, cols, MatrixLayout.ROW_MAJOR, out));
            long nanos = System.nanoTime() - start;
            setup.layerMetrics().update(latest, nanos);
            setup.runMetrics().setStep(s.step());
            setup.runMetrics().setLearningRate(s.learningRate());
            setup.runMetrics().setBatchSize(s.batchSize());
            setup.runMetrics().processed(layer);
            publishThrottled(start + nanos);
            for (ActorRef<LayerReport> watcher : setup.watchers()) {
                watcher.tell(latest);
            }
            msg.replyTo().tell(new Processed(s.step()));
            return this;
        } catch (RuntimeException e) {
            setup.runMetrics().rejected(layer, "internal_error");
            msg.replyTo().tell(new Failed("internal_error", e.toString()));
            throw e; // the supervisor restarts this actor with back-off
        }
    }

    private float[] asFloats(double[] v) {
        if (floats == null) {
            floats = new float[v.length];
        }
        for (int i = 0; i < v.length; i++) {
            floats[i] = (float) v[i];
        }
        return floats;
    }

    private static int firstNonFinite(double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }

    /** The live page needs ~10 reports a second per layer, not every snapshot. */
    private void publishThrottled(long now) {
        if (lastPublishedNanos == 0 || now - lastPublishedNanos >= setup.reportInterval().toNanos()) {
            setup.bus().publish(latest);
            lastPublishedNanos = now;
        }
    }

    private Behavior<Command> onGetReport(GetReport msg) {
        if (latest == null) {
            msg.replyTo().tell(new NotFound("layer " + setup.layer() + " of run " + setup.run()
                    + " has no report yet"));
        } else {
            msg.replyTo().tell(new Found(latest));
        }
        return this;
    }
}

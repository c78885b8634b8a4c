package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.SpectrumSolver;
import org.dysonmonitor.metrics.LayerMetrics;
import org.dysonmonitor.metrics.RunMetrics;
import org.dysonmonitor.rmt.CpuPace;
import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.Spectrum;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * One per (run, layer): computes the eigenvalues of each snapshot with its own solver (and its
 * reusable workspaces), feeds them to the layer's {@link LayerStatistics}, and publishes the
 * resulting {@link LayerReport} to the metrics and the live stream.
 *
 * <p>Its answer to each snapshot ({@link Processed} or {@link Failed} with a reason) is what the
 * layer's {@link LayerChannel} counts, once; an unexpected exception is answered, and then rethrown so that the supervisor restarts this actor (with
 * back-off) with fresh statistics, while no other layer notices.
 */
public final class SpectrumActor extends AbstractBehavior<SpectrumActor.Command> {

    public sealed interface Command {
    }

    /** Process one snapshot and answer when done. */
    public record Process(Snapshot snapshot, ActorRef<ProcessReply> replyTo) implements Command {
    }

    /** Ask for the latest report. */
    public record GetReport(ActorRef<LayerLookup> replyTo) implements Command {
    }

    /** The answer to {@link Process} (and, in a cluster, of a layer's entity to its observation). */
    public sealed interface ProcessReply extends ClusterMessage {
    }

    public record Processed(long step) implements ProcessReply {
    }

    public record Failed(String reason, String message) implements ProcessReply {
    }

    /** The answer to {@link GetReport} (also given by the registry for unknown layers). */
    public sealed interface LayerLookup extends ClusterMessage {
    }

    public record Found(LayerReport report) implements LayerLookup {
    }

    public record NotFound(String message) implements LayerLookup {
    }

    /** The layer's stored checkpoint has been read (or found missing): the actor can start. */
    private record Resumed(java.util.Optional<org.dysonmonitor.store.HistoryStore.Checkpoint> checkpoint)
            implements Command {
    }

    /** Which layer this actor serves. */
    public record Identity(String run, String layer, int rows, int cols) {
    }

    /**
     * How its spectra are computed and summarised.
     *
     * @param topSpectra      when a layer is tracked (top k) rather than fully solved per snapshot
     * @param runPartialAbove the run's own tracking threshold (smaller side), 0 for the monitor's
     * @param pace            how often the layer may measure its Dyson dynamics, shared by the monitor's layers
     */
    public record Analysis(double[] target, LayerStatistics.Config statistics, Supplier<SpectrumSolver> solvers,
                           TopSpectra topSpectra, int runPartialAbove, CpuPace pace) {

        /** Full spectra only (the monitor's default threshold; no layer of a built-in trainer reaches it), unpaced. */
        public Analysis(double[] target, LayerStatistics.Config statistics, Supplier<SpectrumSolver> solvers) {
            this(target, statistics, solvers, TopSpectra.defaults(), 0, CpuPace.UNLIMITED);
        }
    }

    /**
     * Where its reports go: the layer's gauges, the run's accounting, the live bus (throttled),
     * watchers; or, in a cluster, {@code remote}: the eigenvalues go to the layer's entity, which owns
     * the statistics, and {@code layerMetrics} is null.
     */
    public record Outputs(LayerMetrics layerMetrics, RunMetrics runMetrics, ReportBus bus, Duration reportInterval,
                          List<ActorRef<LayerReport>> watchers, RemoteStatistics remote) {

        public Outputs(LayerMetrics layerMetrics, RunMetrics runMetrics, ReportBus bus, Duration reportInterval,
                       List<ActorRef<LayerReport>> watchers) {
            this(layerMetrics, runMetrics, bus, reportInterval, watchers, null);
        }
    }

    /** Everything a spectrum actor is made of; it outlives restarts (metrics must not re-register). */
    public record Setup(Identity id, Analysis analysis, Outputs outputs) {
    }

    private final Identity id;
    private final Outputs out;
    private final SpectrumSolver solver;
    private final LayerSpectrum spectra;
    /** The statistics on this node, or null when {@code out.remote()} holds them. */
    private final LayerAnalysis analysis;
    private final RemoteLayer remote;

    public static Behavior<Command> create(Setup setup) {
        return Behaviors.setup(ctx -> {
            if (setup.outputs().remote() != null) {
                return new SpectrumActor(ctx, setup, null, null); // the entity resumes the statistics
            }
            HistoryExtension h = HistoryExtension.get(ctx.getSystem());
            return h.store().<Behavior<Command>>map(store -> resuming(ctx, setup, store, h.checkpointInterval()))
                    .orElseGet(() -> new SpectrumActor(ctx, setup, null, null));
        });
    }

    /**
     * Reads the layer's latest checkpoint off this thread (the store's reader answers), keeping the
     * few snapshots that arrive meanwhile (at most the stream's in-flight count) in a stash.
     */
    private static Behavior<Command> resuming(ActorContext<Command> ctx, Setup setup,
                                              org.dysonmonitor.store.HistoryStore store, Duration interval) {
        ctx.pipeToSelf(store.latestCheckpoint(setup.id().run(), setup.id().layer()),
                (checkpoint, failure) -> new Resumed(failure == null ? checkpoint : java.util.Optional.empty()));
        return Behaviors.withStash(64, stash -> Behaviors.receive(Command.class)
                .onMessage(Resumed.class, r -> stash.unstashAll(new SpectrumActor(ctx, setup,
                        new LayerHistory(store, setup.id(), interval), resumed(ctx, setup, r))))
                .onAnyMessage(m -> {
                    stash.stash(m);
                    return Behaviors.same();
                })
                .build());
    }

    private static LayerStatistics resumed(ActorContext<Command> ctx, Setup setup, Resumed r) {
        LayerStatistics s = r.checkpoint().map(c -> LayerHistory.resume(c, setup.id(), setup.analysis())).orElse(null);
        if (s != null) {
            ctx.getLog().info("layer {} of run {} resumes its statistics after {} snapshots (step {})",
                    setup.id().layer(), setup.id().run(), s.snapshots(), r.checkpoint().get().step());
        }
        return s;
    }

    private SpectrumActor(ActorContext<Command> context, Setup setup, LayerHistory history, LayerStatistics resumed) {
        super(context);
        this.id = setup.id();
        this.out = setup.outputs();
        this.solver = setup.analysis().solvers().get();
        Analysis a = setup.analysis();
        this.spectra = new LayerSpectrum(solver,
                LayerSpectrum.trackerFor(id.rows(), id.cols(), a.topSpectra(), a.runPartialAbove()),
                a.topSpectra(), id.rows(), id.cols());
        if (out.remote() != null) {
            this.analysis = null;
            this.remote = new RemoteLayer(id, a, out.remote(), solver);
        } else {
            LayerStatistics statistics = (resumed != null ? resumed : new LayerStatistics(id.run(), id.layer(),
                    id.rows(), id.cols(), a.target(), a.statistics())).paced(a.pace());
            this.analysis = new LayerAnalysis(statistics, history, out.layerMetrics(), out.runMetrics(),
                    out.bus()::publish, out.reportInterval(), out.watchers());
            this.remote = null;
        }
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
        Failed refused = check(s.weights());
        if (refused != null) {
            msg.replyTo().tell(refused);
            return this;
        }
        try {
            long start = System.nanoTime();
            LayerSpectrum.Computed computed = spectra.compute(s.weights());
            out.runMetrics().setStep(s.step());
            if (remote != null) {
                remote.observe(s, computed, start).whenComplete((reply, failure) -> msg.replyTo().tell(
                        failure == null ? reply : new Failed("entity_unreachable", failure.toString())));
                return this;
            }
            LayerStatistics statistics = analysis.statistics();
            LayerReport report;
            if (computed.top()) {
                report = statistics.updateTop(s.step(), computed.values(), s.learningRate(), s.batchSize());
            } else {
                Spectrum spectrum = new Spectrum(id.rows(), id.cols(), computed.values());
                // W and this actor's solver, for the randomized baseline every baselineEvery snapshots; W is
                // copied into the baseline's own buffer only when one is due.
                report = statistics.update(s.step(), spectrum, s.learningRate(), s.batchSize(),
                        s.weights()::copyRowMajor,
                        (v, rows, cols, into) -> solver.eigenvalues(v, rows, cols, MatrixLayout.ROW_MAJOR, into),
                        start * 1e-9); // the time of the snapshot, for the update rate of the ETA
            }
            analysis.publish(report, System.nanoTime() - start, LayerSpectrum.forcedReason(computed.forced()));
            msg.replyTo().tell(new Processed(s.step()));
            return this;
        } catch (RuntimeException e) {
            msg.replyTo().tell(new Failed("internal_error", e.toString()));
            throw e; // the supervisor restarts this actor with back-off
        }
    }

    /** Why a snapshot cannot be processed, or null. */
    private Failed check(WeightMatrix w) {
        if (w.rows() != id.rows() || w.cols() != id.cols()) {
            // The registry checks shapes at the door; this guards the actor's own buffers.
            return new Failed("shape_mismatch", "layer " + id.layer() + " is " + id.rows() + "×"
                    + id.cols() + ", snapshot is " + w.rows() + "×" + w.cols());
        }
        // Decoded bodies are finite already (their decoder checked each value: not scanned again, 2 MiB at
        // 512² in float64); this catches a diverging built-in trainer. A read of the lent array: no copy.
        if (w.checkedFinite()) {
            return null;
        }
        int bad = w.read((f, r, c) -> firstNonFinite(f), (d, r, c) -> firstNonFinite(d));
        if (bad >= 0) {
            return new Failed("non_finite", "value at row " + bad / id.cols() + ", col "
                    + bad % id.cols() + " is " + w.get(bad / id.cols(), bad % id.cols()) + " (has training diverged?)");
        }
        return null;
    }

    private static int firstNonFinite(float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }

    private static int firstNonFinite(double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }

    private Behavior<Command> onGetReport(GetReport msg) {
        if (remote != null) {
            remote.report(msg.replyTo());
            return this;
        }
        LayerReport latest = analysis.latest();
        if (latest == null) {
            msg.replyTo().tell(new NotFound("layer " + id.layer() + " of run " + id.run()
                    + " has no report yet"));
        } else {
            msg.replyTo().tell(new Found(latest));
        }
        return this;
    }
}

package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.SpectrumSolver;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.RandomizedBaseline;

import java.util.concurrent.CompletionStage;

/**
 * A spectrum actor's side of a layer whose statistics live in the cluster: it turns each computed
 * spectrum into an {@link Observation} for the layer's entity, with the randomized baseline when
 * one is due — computed here, where W is, every baselineEvery full spectra this node computes.
 * Owned by the spectrum actor.
 */
final class RemoteLayer {

    private final SpectrumActor.Identity id;
    private final RemoteStatistics remote;
    private final LayerStatistics.Config config;
    private final double[] target;
    private final SpectrumSolver solver;
    private RandomizedBaseline baseline;
    private long fullSpectra;

    RemoteLayer(SpectrumActor.Identity id, SpectrumActor.Analysis analysis, RemoteStatistics remote,
                SpectrumSolver solver) {
        this.id = id;
        this.remote = remote;
        this.config = analysis.statistics();
        this.target = analysis.target() == null ? new double[0] : analysis.target().clone();
        this.solver = solver;
    }

    CompletionStage<SpectrumActor.ProcessReply> observe(Snapshot s, LayerSpectrum.Computed computed, long startNanos) {
        // The solver's output array is its workspace, reused by the next snapshot: the message gets a copy.
        double[] values = computed.values().clone();
        RandomizedBaseline.Result b = null;
        if (!computed.top() && LayerStatistics.baselineDue(config, ++fullSpectra)) {
            if (baseline == null) {
                baseline = new RandomizedBaseline(id.rows(), id.cols());
            }
            b = baseline.compute(s.step(), s.weights()::copyRowMajor, values,
                    LayerStatistics.baselineSeed(id.run(), id.layer(), fullSpectra),
                    (v, rows, cols, into) -> solver.eigenvalues(v, rows, cols, MatrixLayout.ROW_MAJOR, into));
        }
        return remote.observe(new Observation(id.run(), id.layer(), id.rows(), id.cols(), s.step(), values,
                computed.top(), s.learningRate(), s.batchSize(), b, target, System.nanoTime() - startNanos,
                LayerSpectrum.forcedReason(computed.forced())));
    }

    void report(ActorRef<SpectrumActor.LayerLookup> replyTo) {
        remote.report(id.run(), id.layer()).whenComplete((lookup, failure) -> replyTo.tell(failure == null ? lookup
                : new SpectrumActor.NotFound("the statistics of layer " + id.layer() + " of run " + id.run()
                + " did not answer: " + failure.getMessage())));
    }
}

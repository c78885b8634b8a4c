package org.dysonmonitor.monitor;

import org.dysonmonitor.store.HistoryStore;
import org.dysonmonitor.store.StoredLayer;
import org.dysonmonitor.store.StoredRun;

import java.util.List;
import java.util.Optional;

/**
 * What the run registry keeps in the history store: each run when it is created, changed or
 * finished, and each layer when it is created; and the metadata a run created again after a
 * restart takes from its stored self. Offers never block. Owned by the registry actor.
 */
final class RunHistory {

    private final HistoryExtension extension;

    RunHistory(HistoryExtension extension) {
        this.extension = extension;
    }

    /** The spec of a run being created: what it was given over what was stored of it. */
    RunSpec specOf(String run, RunSpec given) {
        Optional<StoredRun> stored = extension.storedAtStart(run);
        if (stored.isEmpty()) {
            return given;
        }
        StoredRun s = stored.get();
        RunSpec before = new RunSpec(s.learningRate(), s.batchSize(), OverloadPolicy.parse(s.policy()), s.targets());
        // A run re-created by its first snapshot has the default policy, which must not undo a stored `all`.
        OverloadPolicy policy = given.policy() == null || given.policy() == OverloadPolicy.LATEST
                ? null : given.policy();
        return new RunSpec(given.learningRate(), given.batchSize(), policy, given.targets()).over(before);
    }

    /** Whether the run was stored as finished by an earlier process (such a run accepts nothing more). */
    boolean finishedBefore(String run) {
        return extension.storedAtStart(run).map(s -> StoredRun.FINISHED.equals(s.status())).orElse(false);
    }

    void run(RunEntry entry) {
        extension.store().ifPresent(store -> {
            RunRegistry.RunView view = entry.view();
            long now = System.currentTimeMillis();
            long created = extension.storedAtStart(entry.run).map(StoredRun::createdMillis).orElse(now);
            store.offerRun(new StoredRun(entry.run, view.status(), view.learningRate(), view.batchSize(),
                    view.policy(), entry.spec.targets(), created, now, List.of()));
            // The layers' accounting as of now, beside the 5-s checkpoints: a run that finishes (or
            // changes its metadata) between two of them is stored with its counts, not with older ones.
            for (RunRegistry.LayerView l : view.layers()) {
                store.offerLayer(entry.run, new StoredLayer(l.layer(), l.rows(), l.cols(), l.received(), l.processed(),
                        l.dropped(), l.rejected()));
            }
        });
    }

    void layer(RunEntry entry, ChannelDirectory.LayerShape shape) {
        extension.store().ifPresent(store -> store.offerLayer(entry.run,
                StoredLayer.ofShape(shape.layer(), shape.rows(), shape.cols())));
    }
}

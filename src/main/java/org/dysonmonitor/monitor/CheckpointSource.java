package org.dysonmonitor.monitor;

import org.dysonmonitor.ingest.DecodedModel;
import org.dysonmonitor.ingest.NpyFormatException;

import java.io.IOException;
import java.util.List;

/**
 * Where a {@link CheckpointWatcher} finds a run's checkpoints: a scan that lists the complete ones,
 * and a read that decodes one into a whole model. Both block (file system, memory-mapped reads), so
 * the watcher calls them on its blocking dispatcher, never on an actor's thread.
 */
public interface CheckpointSource {

    /**
     * A complete checkpoint: its training step and an identity that changes whenever its files do
     * (so that a processed checkpoint is recognised, and one rewritten is read again).
     */
    record Found(long step, String identity, String description) {
    }

    /** The complete checkpoints there now, in any order. */
    List<Found> scan() throws IOException;

    /** Every layer of {@code checkpoint}, decoded; a bad file is an {@link NpyFormatException} naming it. */
    DecodedModel read(Found checkpoint) throws IOException, NpyFormatException;
}

package org.dysonmonitor.monitor;

import org.dysonmonitor.ingest.Checkpoint;
import org.dysonmonitor.ingest.CheckpointDirectory;
import org.dysonmonitor.ingest.DecodedModel;
import org.dysonmonitor.ingest.ModelLimits;
import org.dysonmonitor.ingest.NpyFormatException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A checkpoint directory on disk as a {@link CheckpointSource}: ingest's {@link CheckpointDirectory}
 * finds the complete checkpoints (Hugging Face layout, sharded or not, {@code <name>-<step>.safetensors},
 * {@code <name>-<step>.npz}) and reads one through memory-mapped files. Called by one watcher, on its
 * blocking dispatcher.
 */
public final class DirectoryCheckpoints implements CheckpointSource {

    /**
     * A file last modified at least this long ago counts as complete at its first scan; a newer one
     * once its size and modification time are the same in two consecutive scans.
     */
    private static final Duration QUIET_TIME = Duration.ofSeconds(10);

    private final Path dir;
    private final CheckpointDirectory directory;
    private final ModelLimits limits;
    /** Found by a scan and not read yet, by identity (a scan returns each checkpoint once). */
    private final Map<String, Checkpoint> unread = new ConcurrentHashMap<>();

    public DirectoryCheckpoints(Path dir) {
        this.dir = dir;
        this.directory = new CheckpointDirectory(dir, QUIET_TIME);
        this.limits = ModelLimits.DEFAULT;
    }

    @Override
    public List<Found> scan() throws IOException {
        List<Found> found = new ArrayList<>();
        for (Checkpoint c : directory.scan()) {
            unread.put(c.identity(), c);
            found.add(new Found(c.step(), c.identity(), describe(c)));
        }
        return found;
    }

    @Override
    public DecodedModel read(Found checkpoint) throws IOException, NpyFormatException {
        Checkpoint c = unread.remove(checkpoint.identity());
        if (c == null) {
            throw new IOException(checkpoint.description() + " was not found by a scan of " + dir);
        }
        return CheckpointDirectory.read(c, limits);
    }

    private String describe(Checkpoint c) {
        return c.files().isEmpty() ? dir.toString() : dir.relativize(c.files().get(0)).toString();
    }
}

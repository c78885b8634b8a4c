package org.dysonmonitor.ingest;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One complete checkpoint found by {@link CheckpointDirectory#scan}: the training step it holds, its files,
 * and an identity that changes whenever any of its files does.
 *
 * @param step     the step: the last integer of the checkpoint's file or folder name, else
 *                 {@code __metadata__["step"]} of its safetensors file; -1 if neither gives one, in which
 *                 case {@link CheckpointDirectory#read} reports what is wrong with the file
 * @param files    the files to read: one {@code .safetensors} or {@code .npz}, or for a sharded checkpoint
 *                 its {@code model.safetensors.index.json} followed by the shards it names
 * @param identity every file's absolute path, size and modification time: what a store remembers so that a
 *                 restarted watch does not read a processed checkpoint again
 */
public record Checkpoint(long step, List<Path> files, String identity) {

    public Checkpoint {
        files = List.copyOf(files);
        Objects.requireNonNull(identity, "identity");
    }

    /** Whether this is a sharded checkpoint, read through its index. */
    public boolean sharded() {
        return files.get(0).getFileName().toString().endsWith(CheckpointDirectory.INDEX_SUFFIX);
    }
}

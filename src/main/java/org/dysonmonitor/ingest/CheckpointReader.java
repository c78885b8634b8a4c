package org.dysonmonitor.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.dysonmonitor.ingest.NpyFormatException.Reason;

/**
 * Reads the checkpoints {@link CheckpointDirectory} finds. Each file is memory-mapped read-only, so its
 * bytes come from the page cache and only the decoded layers are allocated; a file larger than a buffer
 * can map (2 GiB) is refused. A sharded checkpoint is the union of its shards' tensors: every shard's
 * headers are read and checked together against the limits and the index before any value is decoded.
 */
final class CheckpointReader {

    /** Longest shard index read: a 70B model's index is about 100 KiB. */
    private static final long MAX_INDEX_BYTES = 16L << 20;

    private CheckpointReader() {
    }

    static DecodedModel read(Checkpoint checkpoint, ModelLimits limits) throws IOException, NpyFormatException {
        if (!checkpoint.sharded()) {
            Path file = checkpoint.files().get(0);
            try {
                return ModelDecoder.decode(map(file), limits);
            } catch (NpyFormatException e) {
                throw inFile(file, e);
            } catch (InternalError e) {
                throw changedWhileRead(file);
            }
        }
        Path indexFile = checkpoint.files().get(0);
        ShardIndex index = index(indexFile);
        List<ModelBody> shards = new ArrayList<>();
        List<ArrayHeader> all = new ArrayList<>();
        Map<String, String> shardOf = new HashMap<>();
        for (String shard : index.shards()) {
            Path file = indexFile.resolveSibling(shard);
            try {
                ModelBody body = ModelDecoder.openPart(map(file), limits);
                for (ArrayHeader a : body.arrays()) {
                    String other = shardOf.put(a.name(), shard);
                    if (other != null) {
                        throw new NpyFormatException(Reason.DUPLICATE_NAME, "array '" + a.name() + "' is in both "
                                + other + " and " + shard);
                    }
                    if (!shard.equals(index.weightMap().get(a.name()))) {
                        throw new NpyFormatException(Reason.BAD_ARCHIVE, "array '" + a.name() + "' is in " + shard
                                + " but " + indexFile.getFileName() + " does not put it there");
                    }
                }
                all.addAll(body.arrays());
                shards.add(body);
            } catch (NpyFormatException e) {
                throw inFile(file, e);
            } catch (InternalError e) {
                throw changedWhileRead(file);
            }
        }
        for (String tensor : index.weightMap().keySet()) {
            if (!shardOf.containsKey(tensor)) {
                throw new NpyFormatException(Reason.BAD_ARCHIVE, indexFile.getFileName() + " puts '" + tensor
                        + "' in " + index.weightMap().get(tensor) + ", which does not hold it");
            }
        }
        if (all.size() > limits.maxEntries()) {
            throw new NpyFormatException(Reason.TOO_MANY_ENTRIES, "the shards hold " + all.size()
                    + " arrays, more than the limit of " + limits.maxEntries());
        }
        ModelDecoder.checkWhole(all, limits);
        List<NamedMatrix> layers = new ArrayList<>();
        List<ArrayHeader> skipped = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            Path file = checkpoint.files().get(i + 1);
            try {
                ModelDecoder.decodeInto(shards.get(i), layers, skipped);
            } catch (NpyFormatException e) {
                throw inFile(file, e);
            } catch (InternalError e) {
                throw changedWhileRead(file);
            }
        }
        return new DecodedModel(layers, skipped, shards.get(0).metadata());
    }

    /** {@code __metadata__["step"]} of a checkpoint's (first) safetensors file, or -1 if it has none. */
    static long metadataStep(List<Path> files) {
        Path file = files.get(0);
        try {
            if (file.getFileName().toString().endsWith(CheckpointDirectory.INDEX_SUFFIX)) {
                if (files.size() < 2) {
                    return -1;
                }
                file = files.get(1);
            }
            if (!file.getFileName().toString().endsWith(".safetensors")) {
                return -1;
            }
            String step = ModelDecoder.openPart(map(file), ModelLimits.DEFAULT).metadata().get("step");
            return step != null && step.matches("\\d{1,18}") ? Long.parseLong(step) : -1;
        } catch (IOException | NpyFormatException | InternalError e) {
            // No step to be had: read() reports what is wrong with the file.
            return -1;
        }
    }

    /** Parses a shard index file. */
    static ShardIndex index(Path file) throws IOException, NpyFormatException {
        long size = Files.size(file);
        if (size > MAX_INDEX_BYTES) {
            throw new NpyFormatException(Reason.TOO_LARGE, file.getFileName() + " is " + size
                    + " bytes, more than the " + MAX_INDEX_BYTES + " a shard index may have");
        }
        return ShardIndex.parse(Files.readAllBytes(file), file.getFileName().toString());
    }

    /** Maps a whole file read-only; the mapping stays valid after the channel is closed. */
    private static ByteBuffer map(Path file) throws IOException, NpyFormatException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new NpyFormatException(Reason.TOO_LARGE, "the file has " + size
                        + " bytes; checkpoint files over 2 GiB are not supported (save it sharded)");
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
    }

    private static NpyFormatException inFile(Path file, NpyFormatException e) {
        return new NpyFormatException(e.reason(), file.getFileName() + ": " + e.getMessage());
    }

    /**
     * Reading a mapped page of a file that has since been truncated faults, which the JVM reports as an
     * {@link InternalError}: a training overwrote its checkpoint while we read it.
     */
    private static IOException changedWhileRead(Path file) {
        return new IOException(file + " changed while it was read");
    }
}

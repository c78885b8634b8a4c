package org.dysonmonitor.ingest;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows a directory of checkpoints written by a training that knows nothing of the monitor, and tells
 * which checkpoints are complete and new. Recognised layouts, each {@code <step>} the last integer of the
 * name:
 * <ul>
 *   <li>{@code DIR/checkpoint-<step>/model.safetensors} (Hugging Face {@code Trainer});</li>
 *   <li>{@code DIR/checkpoint-<step>/model.safetensors.index.json} with the shards its {@code weight_map}
 *       names, e.g. {@code model-00001-of-00002.safetensors};</li>
 *   <li>{@code DIR/<anything>-<step>.safetensors} and {@code DIR/<anything>-<step>.npz}.</li>
 * </ul>
 * A safetensors checkpoint whose name holds no integer takes its step from {@code __metadata__["step"]}.
 * Hidden files (a leading '.') and other extensions ({@code .tmp}, {@code .part}) are ignored.
 *
 * <p>A file is complete once its size and modification time are the same in two consecutive scans, or it
 * was last modified at least the quiet time ago (so that existing checkpoints are read at the first scan);
 * a sharded checkpoint once its index and every shard it names are. A scan lists names and file
 * attributes only; the directory is never read into memory, and {@link #read} maps the files it needs.
 *
 * <p>Not thread-safe: one owner (a watch actor) calls {@link #scan}, which remembers what it returned.
 */
public final class CheckpointDirectory {

    static final String INDEX_SUFFIX = ".safetensors.index.json";
    private static final String INDEX = "model" + INDEX_SUFFIX;
    private static final String SINGLE = "model.safetensors";
    private static final Pattern LAST_INTEGER = Pattern.compile("(\\d+)(?!.*\\d)");

    /** Size and modification time of a file at one scan. */
    private record Observation(long size, long modifiedMillis) {
    }

    /** A checkpoint found in the directory, complete or not, with the step its name gives (-1 if none). */
    private record Candidate(long nameStep, Path first, boolean sharded) {
    }

    private final Path dir;
    private final Duration quietTime;
    private final Clock clock;
    private Map<Path, Observation> previous = new HashMap<>();
    private final Set<String> returned = new HashSet<>();

    /**
     * @param dir       the directory to follow
     * @param quietTime how long unmodified a file must be to count as complete at its first scan
     */
    public CheckpointDirectory(Path dir, Duration quietTime) {
        this(dir, quietTime, Clock.systemUTC());
    }

    /** As {@link #CheckpointDirectory(Path, Duration)} with the clock that says how old a file is. */
    public CheckpointDirectory(Path dir, Duration quietTime, Clock clock) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.quietTime = Objects.requireNonNull(quietTime, "quietTime");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The followed directory. */
    public Path directory() {
        return dir;
    }

    /** As {@link #scan(Set)} with nothing processed before. */
    public List<Checkpoint> scan() throws IOException {
        return scan(Set.of());
    }

    /**
     * The checkpoints that are complete now and were not returned by an earlier scan of this object, in step
     * order. A checkpoint whose files change gets a new identity and is returned again.
     *
     * @param processed identities processed before (e.g. by an earlier run of the monitor), to skip
     * @throws IOException if the directory itself cannot be listed; a file that vanishes or cannot be
     *                     examined during the scan is left for the next one
     */
    public List<Checkpoint> scan(Set<String> processed) throws IOException {
        Map<Path, Observation> seen = new HashMap<>();
        Set<String> present = new HashSet<>();
        List<Checkpoint> found = new ArrayList<>();
        for (Candidate c : candidates()) {
            List<Path> files = c.sharded() ? shardedFiles(c.first()) : List.of(c.first());
            if (!allStable(files, seen)) {
                continue;
            }
            String identity = identity(files, seen);
            present.add(identity);
            if (returned.contains(identity) || processed.contains(identity)) {
                continue;
            }
            long step = c.nameStep() >= 0 ? c.nameStep() : CheckpointReader.metadataStep(files);
            found.add(new Checkpoint(step, files, identity));
        }
        previous = seen;
        returned.retainAll(present);
        found.sort(Comparator.comparingLong(Checkpoint::step).thenComparing(Checkpoint::identity));
        found.forEach(cp -> returned.add(cp.identity()));
        return found;
    }

    /**
     * Decodes a checkpoint: its one file, or the union of its shards' tensors, memory-mapped.
     *
     * @throws NpyFormatException if a file is not a valid model (the message names the file), or the shards
     *                            disagree with their index or with each other
     * @throws IOException        if a file cannot be read, or changes while it is read
     */
    public static DecodedModel read(Checkpoint checkpoint, ModelLimits limits) throws IOException, NpyFormatException {
        return CheckpointReader.read(checkpoint, limits);
    }

    private List<Candidate> candidates() throws IOException {
        List<Candidate> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    long step = lastInteger(name);
                    if (Files.isRegularFile(p.resolve(INDEX))) {
                        out.add(new Candidate(step, p.resolve(INDEX), true));
                    } else if (Files.isRegularFile(p.resolve(SINGLE))) {
                        out.add(new Candidate(step, p.resolve(SINGLE), false));
                    }
                } else if (name.endsWith(".safetensors") || name.endsWith(".npz")) {
                    out.add(new Candidate(lastInteger(name.substring(0, name.lastIndexOf('.'))), p, false));
                }
            }
        }
        return out;
    }

    /**
     * The index and the shards it names, all of which must then be stable. An index that cannot be parsed
     * (yet) stands alone: once it is stable, {@link #read} reports what is wrong with it.
     */
    private static List<Path> shardedFiles(Path index) {
        List<Path> files = new ArrayList<>();
        files.add(index);
        try {
            for (String shard : CheckpointReader.index(index).shards()) {
                files.add(index.resolveSibling(shard));
            }
        } catch (IOException | NpyFormatException e) {
            return List.of(index);
        }
        return files;
    }

    /** Whether every file exists and is stable; every file is observed, so the next scan can compare them all. */
    private boolean allStable(List<Path> files, Map<Path, Observation> seen) {
        long now = clock.millis();
        boolean stable = true;
        for (Path f : files) {
            Observation o = seen.computeIfAbsent(f, CheckpointDirectory::observe);
            if (o == null) {
                seen.remove(f);
                stable = false;
                continue;
            }
            boolean unchanged = o.equals(previous.get(f));
            boolean quiet = now - o.modifiedMillis() >= quietTime.toMillis();
            stable &= unchanged || quiet;
        }
        return stable;
    }

    private static Observation observe(Path f) {
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            return a.isRegularFile() ? new Observation(a.size(), a.lastModifiedTime().toMillis()) : null;
        } catch (IOException e) {
            // Vanished or unreadable between listing and examining it: not complete, look again next scan.
            return null;
        }
    }

    private static String identity(List<Path> files, Map<Path, Observation> seen) {
        StringBuilder sb = new StringBuilder();
        for (Path f : files) {
            Observation o = seen.get(f);
            sb.append(sb.length() == 0 ? "" : ";").append(f.toAbsolutePath().normalize())
                    .append('|').append(o.size()).append('|').append(o.modifiedMillis());
        }
        return sb.toString();
    }

    /** The last integer in a name, e.g. 1200 in {@code checkpoint-1200} or {@code run-3-1200}; -1 if none. */
    static long lastInteger(String name) {
        Matcher m = LAST_INTEGER.matcher(name);
        // More than 18 digits is no step but a hash or a date, and might not fit in a long.
        return m.find() && m.group(1).length() <= 18 ? Long.parseLong(m.group(1)) : -1;
    }
}

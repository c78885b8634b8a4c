package org.dysonmonitor.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open channels of every run's layers, for the hot path: the HTTP routes and the checkpoint
 * watchers look a known layer up here, on their own thread, and ask the {@link RunRegistry} only to
 * create a run or a layer. Written only by the registry actor (which owns the runs), read by any
 * thread; a concurrent map of immutable channels, so a reader sees a layer once it is complete.
 *
 * <p>A run marked finished here is refused by {@link #find} at once; a snapshot that passed the
 * look-up just before is queued as if it had arrived before the finish.
 */
public final class ChannelDirectory {

    /** A layer's name and the shape of its matrix, as admitted from a header before decoding. */
    public record LayerShape(String layer, int rows, int cols) {
    }

    private static final class RunChannels {
        final Map<String, LayerChannel> layers = new ConcurrentHashMap<>();
        volatile boolean finished;
    }

    private final Map<String, RunChannels> runs = new ConcurrentHashMap<>();
    private final AtomicLong registryOpens = new AtomicLong();

    /**
     * The channels of {@code layers} of {@code run}, in order, when every one is open with exactly
     * that shape and the run is not finished; otherwise null, and the caller asks the registry (which
     * creates what is missing or says what is wrong).
     */
    public List<LayerChannel> find(String run, List<LayerShape> layers) {
        RunChannels r = runs.get(run);
        if (r == null || r.finished) {
            return null;
        }
        List<LayerChannel> found = new ArrayList<>(layers.size());
        for (LayerShape shape : layers) {
            LayerChannel c = r.layers.get(shape.layer());
            if (c == null || c.rows() != shape.rows() || c.cols() != shape.cols()) {
                return null;
            }
            found.add(c);
        }
        return found;
    }

    /** Whether {@code run} is known (so that a rejection is counted under it, not under {@code _invalid}). */
    public boolean knows(String run) {
        return runs.containsKey(run);
    }

    /**
     * How many times the registry was asked to open layers: a test of the hot path reads it to see
     * that snapshots of known layers do not ask. Counted by the registry as it receives the ask.
     */
    public long registryOpens() {
        return registryOpens.get();
    }

    // ---- written by the registry only ------------------------------------------------------------

    void countOpen() {
        registryOpens.incrementAndGet();
    }

    void addRun(String run) {
        runs.putIfAbsent(run, new RunChannels());
    }

    void addLayer(String run, LayerChannel channel) {
        runs.get(run).layers.put(channel.layer(), channel);
    }

    void finish(String run) {
        RunChannels r = runs.get(run);
        if (r != null) {
            r.finished = true;
        }
    }

    void removeLayer(String run, String layer) {
        RunChannels r = runs.get(run);
        if (r != null) {
            r.layers.remove(layer);
        }
    }

    void remove(String run) {
        runs.remove(run);
    }
}

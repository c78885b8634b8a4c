package org.dysonmonitor.store;

import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Where the monitor keeps what must survive a restart: runs, layers, every processed report, the
 * layers' running-statistics checkpoints and the checkpoint files a watcher has processed.
 *
 * <p>Writes never block and never throw for an I/O reason: each {@code offer} queues the write for
 * the store's own writer and returns {@code false} (counted in {@link StoreCounters#dropped()}) when
 * the queue is full. Reads run on the store's own thread and complete their stage there; callers on
 * actor or HTTP threads never wait for the disk. Implementations: {@link SqliteHistoryStore} (one
 * node, the default) and {@link PostgresHistoryStore} (a database the nodes of a cluster share),
 * opened by {@link HistoryStores}.
 */
public interface HistoryStore extends AutoCloseable {

    /** Stores a processed report, with the time it was produced. */
    boolean offer(LayerReport report, long timestampMillis);

    /** Creates or updates a run's metadata and status (its {@code layers} are ignored). */
    boolean offerRun(StoredRun run);

    /** Creates a layer of a run or updates its accounting. */
    boolean offerLayer(String run, StoredLayer layer);

    /** Stores a checkpoint of a layer's running statistics, taken after the report of {@code step}. */
    boolean offerCheckpoint(String run, String layer, long step, LayerStatistics.State state);

    /**
     * Seconds a layer waits after its last checkpoint before it offers the next, so that writing all layers'
     * checkpoints takes at most a share of one core and a rate of bytes ({@link org.dysonmonitor.rmt.CpuPace});
     * 0: no wait.
     */
    default double checkpointWait(String run, String layer) {
        return 0;
    }

    /** Remembers that a watcher has processed a checkpoint file of a run. */
    boolean offerProcessedFile(String run, FileIdentity file);

    /**
     * The points of a layer with from ≤ step ≤ to, ascending in step, evenly thinned to at most
     * {@code maxPoints} (every k-th, k = ⌈count/maxPoints⌉); empty for an unknown run or layer.
     */
    CompletionStage<List<HistoryPoint>> history(String run, String layer, long fromStep, long toStep, int maxPoints);

    /** Every stored run with its layers, by name. */
    CompletionStage<List<StoredRun>> runs();

    /** Per stored run, the newest step of its stored points (runs without points are left out). */
    CompletionStage<Map<String, Long>> lastSteps();

    /** The newest checkpoint of a layer, if one was stored. */
    CompletionStage<Optional<Checkpoint>> latestCheckpoint(String run, String layer);

    /** The checkpoint files a watcher processed for a run. */
    CompletionStage<Set<FileIdentity>> processedFiles(String run);

    /** Completes once every write offered before this call is committed (or has failed and been counted). */
    CompletionStage<Void> flush();

    /** Live counters for the metrics. */
    StoreCounters counters();

    /** Commits what is queued (up to a few seconds), then closes; offers after this are dropped. */
    @Override
    void close();

    /**
     * A stored checkpoint.
     *
     * @param step the step of the last report the statistics had seen
     */
    record Checkpoint(long step, long timestampMillis, LayerStatistics.State state) {
    }
}

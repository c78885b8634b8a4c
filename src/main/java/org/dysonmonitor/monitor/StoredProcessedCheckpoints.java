package org.dysonmonitor.monitor;

import org.dysonmonitor.store.FileIdentity;
import org.dysonmonitor.store.HistoryStore;
import org.dysonmonitor.store.HistoryStoreException;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The checkpoints a watch has processed, kept in the history store so that a restarted monitor skips
 * them. A checkpoint's identity already names every file with its size and modification time, so it
 * is stored whole as the {@link FileIdentity#path()} of a row with size and time 0: the same files
 * unchanged are the same row. Reads happen once, when the watch starts; each new identity is offered
 * to the store's writer (non-blocking) and remembered in memory, so a dropped write costs at most a
 * second reading of that checkpoint after a restart.
 */
public final class StoredProcessedCheckpoints implements ProcessedCheckpoints {

    private final HistoryStore store;
    private final String run;
    private final Set<String> seen;

    private StoredProcessedCheckpoints(HistoryStore store, String run, Set<String> seen) {
        this.store = store;
        this.run = run;
        this.seen = seen;
    }

    /** Reads the run's processed checkpoints from the store; blocks, so call it before the watch starts. */
    public static StoredProcessedCheckpoints load(HistoryStore store, String run) {
        Set<String> seen = new HashSet<>();
        try {
            for (FileIdentity f : store.processedFiles(run).toCompletableFuture().get(30, TimeUnit.SECONDS)) {
                seen.add(f.path());
            }
        } catch (Exception e) {
            throw new HistoryStoreException("cannot read the processed checkpoints of run " + run + ": "
                    + e.getMessage(), e);
        }
        return new StoredProcessedCheckpoints(store, run, seen);
    }

    /** How many checkpoints are known as processed. */
    public int size() {
        return seen.size();
    }

    @Override
    public boolean contains(String identity) {
        return seen.contains(identity);
    }

    @Override
    public void add(String identity) {
        if (seen.add(identity)) {
            store.offerProcessedFile(run, new FileIdentity(identity, 0, 0));
        }
    }
}

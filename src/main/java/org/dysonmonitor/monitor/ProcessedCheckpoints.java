package org.dysonmonitor.monitor;

import java.util.HashSet;
import java.util.Set;

/**
 * The identities of the checkpoints a watch has processed (fed to the run, or rejected), so that a
 * scan does not read them again. Behind an interface so that a store can keep them across restarts;
 * used by one watcher actor only, so implementations need not be thread-safe.
 */
public interface ProcessedCheckpoints {

    boolean contains(String identity);

    void add(String identity);

    /** Kept in memory: a restarted monitor reads the directory's checkpoints again. */
    static ProcessedCheckpoints inMemory() {
        Set<String> seen = new HashSet<>();
        return new ProcessedCheckpoints() {
            @Override
            public boolean contains(String identity) {
                return seen.contains(identity);
            }

            @Override
            public void add(String identity) {
                seen.add(identity);
            }
        };
    }
}

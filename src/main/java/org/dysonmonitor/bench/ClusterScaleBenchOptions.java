package org.dysonmonitor.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@link ClusterScaleBench} measures and models.
 *
 * @param sizes         n of the n×n float32 layers (the model's rows)
 * @param spectrumRuns  full spectra timed per size at n ≥ 2048 (smaller sizes repeat within a budget)
 * @param roundTrips    observations timed per size and placement (same node, other node) on the two-node cluster
 * @param storeWrites   snapshots' writes timed per size against the store
 * @param budgetSeconds repeats of each small measurement (decode, update, serialization) within this time
 * @param cores         cores per node in the model
 * @param store         the store to write to: a data directory or a PostgreSQL URL; empty: SQLite in a temporary directory
 * @param passwordFile  the PostgreSQL password's file
 */
public record ClusterScaleBenchOptions(List<Integer> sizes, int spectrumRuns, int roundTrips, int storeWrites,
                                       double budgetSeconds, int cores, Optional<String> store,
                                       Optional<Path> passwordFile) {

    /** The nodes of the model's table. */
    public static final List<Integer> NODES = List.of(1, 3, 10, 30);

    /** Checks the values; throws IllegalArgumentException with a message for the user. */
    public ClusterScaleBenchOptions {
        sizes = List.copyOf(sizes);
        if (sizes.isEmpty() || sizes.stream().anyMatch(n -> n < 16 || n > 8192)) {
            throw new IllegalArgumentException("--sizes: each n must be 16..8192, got " + sizes);
        }
        if (spectrumRuns < 1 || roundTrips < 1 || storeWrites < 1) {
            throw new IllegalArgumentException("--spectrum-runs, --round-trips and --store-writes must be ≥ 1");
        }
        if (!(budgetSeconds > 0)) {
            throw new IllegalArgumentException("the budget must be > 0 s");
        }
        if (cores < 1) {
            throw new IllegalArgumentException("--cores must be ≥ 1, got " + cores);
        }
        if (passwordFile.isPresent() && store.isEmpty()) {
            throw new IllegalArgumentException("--store-password-file needs --store postgresql://...");
        }
    }

    /** The full measurement: 1024² and 4096², two 4096² spectra, 200 round trips, 200 snapshots' writes. */
    public static ClusterScaleBenchOptions defaults() {
        return new ClusterScaleBenchOptions(List.of(1024, 4096), 2, 200, 200, 2.0, 2, Optional.empty(),
                Optional.empty());
    }

    /**
     * A few seconds: few repeats, and 64² and 128² layers unless {@code keepSizes} (the figures only
     * show that every part runs).
     */
    public ClusterScaleBenchOptions quick(boolean keepSizes) {
        return new ClusterScaleBenchOptions(keepSizes ? sizes : List.of(64, 128), 1, 20, 20, 0.2, cores, store,
                passwordFile);
    }
}

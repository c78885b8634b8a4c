package org.dysonmonitor.cli;

import org.dysonmonitor.bench.ClusterScaleBench;
import org.dysonmonitor.bench.ClusterScaleBenchOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@code bench cluster}: the options of {@link ClusterScaleBench} (see the description below). */
@Command(name = "cluster", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The cluster mode's measured model of scale: one snapshot's work (decode, full native "
                + "spectrum, statistics update) at 1024² and 4096² float32, an observation's CBOR serialization, "
                + "its round trip to an entity on the other node against the same node (two nodes on "
                + "127.0.0.1), the same round trips over mutual TLS against plain TCP in the same run, the store's writes per snapshot, and from them layers per minute for 1, 3, 10 "
                + "and 30 nodes.",
                "Run with OPENBLAS_NUM_THREADS=1 (as bin/dyson-monitor sets it) for CPU-time figures."})
final class ClusterBenchCommand extends CheckedCommand {
    @Option(names = "--quick", description = "A few seconds: 64² and 128² layers (unless --sizes), few repeats.")
    boolean quick;

    @Option(names = "--sizes", split = ",", paramLabel = "n", description = "n of the n×n layers (default: 1024,4096).")
    List<Integer> sizes;

    @Option(names = "--spectrum-runs", defaultValue = "2",
            description = "Full spectra timed per size at n ≥ 2048 (default: ${DEFAULT-VALUE}).")
    int spectrumRuns;

    @Option(names = "--round-trips", defaultValue = "200",
            description = "Observations timed per size to each of the two entities (default: ${DEFAULT-VALUE}).")
    int roundTrips;

    @Option(names = "--store-writes", defaultValue = "200",
            description = "Snapshots' writes timed per size (default: ${DEFAULT-VALUE}).")
    int storeWrites;

    @Option(names = "--cores", defaultValue = "2", description = "Cores per node in the model (default: ${DEFAULT-VALUE}).")
    int cores;

    @Option(names = "--store", paramLabel = "DIR|postgresql://HOST:PORT/DB?user=USER",
            description = "The store to write to (default: SQLite in a temporary directory).")
    String store;

    @Option(names = "--store-password-file", paramLabel = "FILE", description = "The PostgreSQL password's file.")
    Path storePasswordFile;

    @Override
    int call(CommandLine cmd) throws Exception {
        ClusterScaleBenchOptions d = ClusterScaleBenchOptions.defaults();
        ClusterScaleBenchOptions o = checked(cmd, () -> new ClusterScaleBenchOptions(sizes != null ? sizes : d.sizes(),
                spectrumRuns, roundTrips, storeWrites, d.budgetSeconds(), cores, Optional.ofNullable(store),
                Optional.ofNullable(storePasswordFile)));
        return ClusterScaleBench.run(System.out, System.err, quick ? checked(cmd, () -> o.quick(sizes != null)) : o);
    }
}

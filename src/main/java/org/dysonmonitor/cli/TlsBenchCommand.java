package org.dysonmonitor.cli;

import org.dysonmonitor.bench.TlsBench;
import org.dysonmonitor.linalg.SolverSelection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code bench tls}: the options of {@link TlsBench} (see the description below). */
@Command(name = "tls", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Single-layer .npy snapshots per second through the monitor over HTTPS against plain HTTP, "
                + "the same layer sizes and clients, alternating twice; prints HTTPS / HTTP.")
final class TlsBenchCommand extends MonitorBenchCommand {
    @Option(names = "--quick", description = "A few seconds (for CI): 300 POSTs per measurement.")
    boolean quick;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent HTTP clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--sizes", defaultValue = "10,256", split = ",",
            description = "Layer sizes n (n×n float32), comma-separated (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--posts", defaultValue = "3000", description = "POSTs timed per measurement (default: ${DEFAULT-VALUE}).")
    int posts;

    @Override
    void measure(CommandLine cmd, SolverSelection solvers) throws Exception {
        TlsBench.run(System.out, checked(cmd, () -> new TlsBench.Options(clients, sizes, quick ? 300 : posts, solvers)));
    }
}

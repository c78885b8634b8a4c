package org.dysonmonitor.cli;

import org.dysonmonitor.bench.PipelineBench;
import org.dysonmonitor.linalg.SolverSelection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench pipeline}: the options of {@link PipelineBench} (see the description below). */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Layer-snapshots per second over HTTP (policy all) for single-layer .npy POSTs and for "
                + "whole-model .npz POSTs, each against the bare spectrum + statistics loop of the same solver.",
                "Targets on 2 cores, 8 clients, 10×10 layers: ≥ 2 000/s single-layer, ≥ 10 000/s whole-model."})
final class PipelineBenchCommand extends MonitorBenchCommand {
    @Option(names = "--quick", description = "A few seconds (for CI): 400 single-layer and 20 whole-model POSTs.")
    boolean quick;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent HTTP clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--size", defaultValue = "10", description = "Layers are n×n float32 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--layers", defaultValue = "100", description = "Layers per whole-model POST (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--singles", defaultValue = "10000", description = "Single-layer POSTs timed (default: ${DEFAULT-VALUE}).")
    int singles;

    @Option(names = "--models", defaultValue = "500", description = "Whole-model POSTs timed (default: ${DEFAULT-VALUE}).")
    int models;

    @Option(names = "--store", description = "Also the single-layer rows with the history store off and on "
            + "(a temporary data directory), twice each, and their ratio (target ≥ 0.9).")
    boolean store;

    @Option(names = "--jdk-clients", description = "Clients on java.net.http.HttpClient (in this JVM: its CPU "
            + "counts with the monitor's) instead of plain keep-alive sockets.")
    boolean jdkClients;

    @Override
    void measure(CommandLine cmd, SolverSelection solvers) throws Exception {
        PipelineBench.run(System.out, checked(cmd, () -> new PipelineBench.Options(clients, size, layers,
                quick ? 400 : singles, quick ? 20 : models, solvers, store, jdkClients)));
    }
}

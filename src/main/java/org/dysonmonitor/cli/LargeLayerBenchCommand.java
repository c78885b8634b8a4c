package org.dysonmonitor.cli;

import org.dysonmonitor.bench.LargeLayerBench;
import org.dysonmonitor.linalg.SolverSelection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench large-layer}: the options of {@link LargeLayerBench} (see the description below). */
@Command(name = "large-layer", mixinStandardHelpOptions = true,
        description = "Post an n×n float32 layer every second (policy latest) and report whether the monitor keeps up "
                + "(dropped must be 0) and the compute time per spectrum.")
final class LargeLayerBenchCommand extends MonitorBenchCommand {
    @Option(names = "--size", defaultValue = "2048", description = "n (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--seconds", defaultValue = "30", description = "How long to post (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--partial-above", defaultValue = "0",
            description = "Track top-k spectra of layers from this smaller side on (the run's \"partial_above\"), "
                    + "posting a random walk of a trained-like W; 0: the monitor's default and two alternating "
                    + "Gaussian matrices (default: ${DEFAULT-VALUE}).")
    int partialAbove;

    @Override
    void measure(CommandLine cmd, SolverSelection solvers) throws Exception {
        MonitorOptions.require(cmd, size >= 1 && seconds >= 1, "--size and --seconds must be ≥ 1");
        MonitorOptions.require(cmd, partialAbove >= 0, "--partial-above must be ≥ 0");
        LargeLayerBench.run(System.out, size, seconds, solvers, partialAbove);
    }
}

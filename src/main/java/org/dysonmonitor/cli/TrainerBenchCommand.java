package org.dysonmonitor.cli;

import org.dysonmonitor.bench.TrainerOverheadBench;
import org.dysonmonitor.linalg.SolverSelection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench trainer}: the options of {@link TrainerOverheadBench} (see the description below). */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = "Updates per second of the built-in RBM trainer with the monitor attached (a snapshot every 10, "
                + "policy latest) against the same trainer alone.")
final class TrainerBenchCommand extends MonitorBenchCommand {
    @Option(names = "--steps", defaultValue = "400000", description = "Updates per measurement (default: ${DEFAULT-VALUE}).")
    long steps;

    @Override
    void measure(CommandLine cmd, SolverSelection solvers) throws Exception {
        MonitorOptions.require(cmd, steps >= 1, "--steps must be ≥ 1");
        TrainerOverheadBench.run(System.out, steps, solvers);
    }
}

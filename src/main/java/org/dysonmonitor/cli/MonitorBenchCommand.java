package org.dysonmonitor.cli;

import org.dysonmonitor.linalg.SolverSelection;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * A benchmark that runs the monitor: {@code --solver} picks the spectrum backend of the monitor
 * and of the reference alike, so that a ratio compares the same solver on both sides.
 */
abstract class MonitorBenchCommand extends CheckedCommand {
    @Option(names = "--solver", defaultValue = "auto",
            description = "Spectrum backend of the monitor and of the reference: auto, native or ejml (default: ${DEFAULT-VALUE}).")
    String solver;

    @Override
    final int call(CommandLine cmd) throws Exception {
        measure(cmd, MonitorOptions.solver(cmd, solver));
        return 0;
    }

    /** Checks the options (ParameterException: exit 2), measures and prints. */
    abstract void measure(CommandLine cmd, SolverSelection solvers) throws Exception;
}

package org.dysonmonitor.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dyson-monitor}: the executable jar's entry point. */
@Command(name = "dyson-monitor",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Live monitor of neural-network weight spectra: eigenvalues of WᵀW as a Dyson Brownian motion.",
        subcommands = {DemoCommand.class, ServeCommand.class, TrainCommand.class, SweepCommand.class, BenchCommand.class, AnalyzeCommand.class, ReportCommand.class, CertsCommand.class,
                CommandLine.HelpCommand.class})
public final class DysonMonitor implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * netlib logs a warning (and on some JDKs a stack trace) when its Vector API backend is not
     * enabled; the monitor picks its spectrum backend itself and names it in one start line of its
     * own. Held in a field: java.util.logging keeps loggers only weakly, and a collected logger
     * forgets its level.
     */
    private static final Logger NETLIB = Logger.getLogger("dev.ludovic.netlib");

    public static void main(String[] args) {
        NETLIB.setLevel(Level.SEVERE);
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests). Bad options exit with code 2. */
    public static CommandLine commandLine() {
        return new CommandLine(new DysonMonitor()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: demo, serve, train, sweep, bench or analyze");
    }
}

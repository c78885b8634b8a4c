package org.dysonmonitor.cli;

import com.typesafe.config.Config;
import org.dysonmonitor.http.HttpServer;
import org.dysonmonitor.http.ServerOptions;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.OverloadPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code demo}: the monitor with built-in runs streaming into it: the paper's RBM at four values of
 * α/|B| and one teacher-student run. Needs nothing but the jar.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start the monitor with built-in training runs (RBM at several α/|B|, teacher-student) and the live page.")
final class DemoCommand implements Callable<Integer> {

    @CommandLine.Mixin
    MonitorOptions options;

    @CommandLine.Mixin
    SecurityOptions security;

    @Option(names = "--duration", converter = MonitorOptions.DurationConverter.class,
            description = "Stop after this long (e.g. 2m); default: until Ctrl-C.")
    Duration duration;

    @Option(names = "--steps-per-second", defaultValue = "2000",
            description = "Pace of each run, so you can watch it converge; 0 = as fast as the CPU allows (default: ${DEFAULT-VALUE}).")
    double stepsPerSecond;

    @Option(names = "--snapshot-every", defaultValue = "10",
            description = "Steps between two snapshots of a run (default: ${DEFAULT-VALUE}).")
    int snapshotEvery;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the first run; run i uses seed + i (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--policy", defaultValue = "latest", converter = PolicyConverter.class,
            description = "Overload policy of the runs: latest (drop when behind) or all (backpressure the trainers) (default: ${DEFAULT-VALUE}).")
    OverloadPolicy policy;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        MonitorOptions.require(cmd, stepsPerSecond >= 0, "--steps-per-second must be ≥ 0");
        MonitorOptions.require(cmd, snapshotEvery >= 1, "--snapshot-every must be ≥ 1");
        // Every option is checked (and the token file read) before anything starts: a bad one exits 2.
        Config settings = options.config(cmd);
        ServerOptions serverOptions = security.apply(cmd, options.server(cmd));
        SolverSelection solvers = options.solver(cmd);
        Monitor monitor = options.start(cmd, settings, solvers);
        SecurityOptions.warnIfExposed(cmd.getErr(), serverOptions);
        HttpServer server = ServeCommand.startServer(monitor, serverOptions, cmd);
        PrintWriter out = cmd.getOut();
        out.println("dyson-monitor demo on " + server.url());
        DemoRuns.start(monitor, stepsPerSecond, snapshotEvery, seed, policy);
        Urls.print(out, server.url());
        out.println("Runs: " + String.join(", ", DemoRuns.names()) + " (layer W each). Ctrl-C stops.");
        out.flush();
        return Lifetime.serveUntilStopped(monitor, duration, out);
    }

    static final class PolicyConverter implements CommandLine.ITypeConverter<OverloadPolicy> {
        @Override
        public OverloadPolicy convert(String value) {
            try {
                return OverloadPolicy.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}

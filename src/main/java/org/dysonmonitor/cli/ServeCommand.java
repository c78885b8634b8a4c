package org.dysonmonitor.cli;

import com.typesafe.config.Config;
import org.dysonmonitor.http.HttpServer;
import org.dysonmonitor.http.ServerOptions;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.monitor.Monitor;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code serve}: the monitor alone, for external runs posting snapshots over HTTP. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the monitor for external runs (PyTorch, JAX, ...) that post .npy snapshots; serve until Ctrl-C.")
final class ServeCommand implements Callable<Integer> {

    @CommandLine.Mixin
    MonitorOptions options;

    @CommandLine.Option(names = "--duration", converter = MonitorOptions.DurationConverter.class,
            description = "Stop after this long (e.g. 10m); default: until Ctrl-C.")
    java.time.Duration duration;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        // Every option is checked (and the token file read) before anything starts: a bad one exits 2.
        Config config = options.config(cmd);
        ServerOptions serverOptions = options.server(cmd);
        SolverSelection solvers = options.solver(cmd);
        Monitor monitor = options.start(cmd, config, solvers);
        HttpServer server = startServer(monitor, serverOptions, cmd);
        cmd.getOut().println("dyson-monitor serving on " + server.url());
        Urls.print(cmd.getOut(), server.url());
        return Lifetime.serveUntilStopped(monitor, duration, cmd.getOut());
    }

    /** Binds the HTTP server, or shuts the monitor down with a clear message when the port is taken. */
    static HttpServer startServer(Monitor monitor, ServerOptions options, CommandLine cmd) {
        try {
            return HttpServer.start(monitor, options, org.dysonmonitor.http.LivePage.route());
        } catch (RuntimeException e) {
            monitor.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new CommandLine.ExecutionException(cmd, "cannot listen on " + options.bind() + ":" + options.port()
                    + ": " + cause.getMessage(), e);
        }
    }
}

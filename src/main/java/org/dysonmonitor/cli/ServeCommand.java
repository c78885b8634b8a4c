package org.dysonmonitor.cli;

import org.dysonmonitor.http.HttpServer;
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
        Monitor monitor = Monitor.start("dyson-monitor", options.config(spec.commandLine()));
        HttpServer server = startServer(monitor, options, spec.commandLine());
        System.out.println("dyson-monitor serving on " + server.url());
        Urls.print(server.url());
        return Lifetime.serveUntilStopped(monitor, duration);
    }

    /** Binds the HTTP server, or shuts the monitor down with a clear message when the port is taken. */
    static HttpServer startServer(Monitor monitor, MonitorOptions options, CommandLine cmd) {
        try {
            return HttpServer.start(monitor, options.server(cmd), LandingPage.route());
        } catch (RuntimeException e) {
            monitor.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new CommandLine.ExecutionException(cmd, "cannot listen on " + options.bind + ":" + options.port
                    + ": " + cause.getMessage(), e);
        }
    }
}

package org.dysonmonitor.cli;

import com.typesafe.config.Config;
import org.dysonmonitor.http.HttpServer;
import org.dysonmonitor.http.ServerOptions;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.metrics.LabelValues;
import org.dysonmonitor.monitor.DirectoryCheckpoints;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.HistoryExtension;
import org.dysonmonitor.monitor.ProcessedCheckpoints;
import org.dysonmonitor.monitor.SchedulerTick;
import org.dysonmonitor.monitor.StoredProcessedCheckpoints;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code serve}: the monitor alone, for external runs posting snapshots over HTTP or writing checkpoints. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the monitor for external runs (PyTorch, JAX, ...) that post .npy, .npz or safetensors "
                + "snapshots, or whose checkpoint directories it follows (--watch); serve until Ctrl-C.")
final class ServeCommand implements Callable<Integer> {

    /** One {@code --watch RUN=DIR}. */
    record Watch(String run, Path dir) {
    }

    @CommandLine.Mixin
    MonitorOptions options;

    @CommandLine.Mixin
    SecurityOptions security;

    @CommandLine.Mixin
    ClusterOptions cluster;

    @CommandLine.Option(names = "--duration", converter = MonitorOptions.DurationConverter.class,
            description = "Stop after this long (e.g. 10m); default: until Ctrl-C.")
    Duration duration;

    @CommandLine.Option(names = "--watch", paramLabel = "RUN=DIR",
            description = "Follow the checkpoint directory DIR as run RUN (repeatable): DIR/checkpoint-<step>/"
                    + "model.safetensors (sharded too), DIR/<name>-<step>.safetensors, DIR/<name>-<step>.npz; existing "
                    + "checkpoints in step order, then new ones as they appear. Policy all.")
    List<String> watches = new ArrayList<>();

    @CommandLine.Option(names = "--watch-interval", defaultValue = "2s", converter = MonitorOptions.DurationConverter.class,
            description = "Time between two scans of a watched directory (default: 2s).")
    Duration watchInterval;

    // The history store: a PostgreSQL database shared by a cluster's nodes (or another data directory).
    @CommandLine.Option(names = "--store", paramLabel = "URL",
            description = "The history store: a PostgreSQL database, postgresql://HOST:PORT/DB?user=USER (required "
                    + "in a cluster; never a password in the URL: see --store-password-file), or a data directory "
                    + "(SQLite, as --data-dir).")
    String store;

    @CommandLine.Option(names = "--store-password-file", paramLabel = "FILE",
            description = "File holding the PostgreSQL password of --store (else the environment's "
                    + "DYSON_STORE_PASSWORD or PGPASSWORD).")
    Path storePasswordFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        // Every option is checked (and the token file read) before anything starts: a bad one exits 2.
        Config config = StoreLocation.apply(cmd, options.config(cmd), options, store, storePasswordFile, System.getenv());
        config = cluster.apply(cmd, config);
        config = SchedulerTick.serving(config); // serve runs no built-in trainer
        ServerOptions serverOptions = security.apply(cmd, options.server(cmd));
        SolverSelection solvers = options.solver(cmd);
        List<Watch> parsed = parseWatches(cmd, watches);
        MonitorOptions.require(cmd, watchInterval.toMillis() > 0, "--watch-interval must be positive");
        Monitor monitor = options.start(cmd, cluster.systemName(), config, solvers, cluster.mode(cmd, config));
        SecurityOptions.warnIfExposed(cmd.getErr(), serverOptions);
        HttpServer server = startServer(monitor, serverOptions, cmd);
        cmd.getOut().println("dyson-monitor serving on " + server.url());
        for (Watch w : parsed) {
            ProcessedCheckpoints processed = processedCheckpoints(monitor, w.run());
            monitor.watch(w.run(), new DirectoryCheckpoints(w.dir()), processed, watchInterval)
                    .toCompletableFuture().join();
            cmd.getOut().println("watching " + w.dir() + " as run " + w.run()
                    + (processed instanceof StoredProcessedCheckpoints s && s.size() > 0
                    ? " (" + s.size() + " checkpoints processed before, skipped)" : ""));
        }
        Urls.print(cmd.getOut(), server.url());
        return Lifetime.serveUntilStopped(monitor, duration, cmd.getOut());
    }

    /** Remembered in the history store when there is one, so that a restart skips what was processed. */
    private static ProcessedCheckpoints processedCheckpoints(Monitor monitor, String run) {
        return HistoryExtension.get(monitor.system()).store()
                .<ProcessedCheckpoints>map(store -> StoredProcessedCheckpoints.load(store, run))
                .orElseGet(ProcessedCheckpoints::inMemory);
    }

    /** Each RUN=DIR with a valid run name and an existing directory, runs distinct; else a usage error (exit 2). */
    static List<Watch> parseWatches(CommandLine cmd, List<String> values) {
        List<Watch> parsed = new ArrayList<>();
        Set<String> runs = new HashSet<>();
        for (String value : values) {
            int eq = value.indexOf('=');
            MonitorOptions.require(cmd, eq > 0 && eq < value.length() - 1,
                    "--watch " + value + ": expected RUN=DIR, e.g. --watch bert=/data/checkpoints");
            String run = value.substring(0, eq);
            Path dir = Path.of(value.substring(eq + 1));
            MonitorOptions.require(cmd, LabelValues.isRunName(run), "--watch " + value + ": run name \"" + run
                    + "\" is not allowed: use " + LabelValues.nameRule(false));
            MonitorOptions.require(cmd, Files.isDirectory(dir), "--watch " + value + ": " + dir + " is not a directory");
            MonitorOptions.require(cmd, runs.add(run), "--watch " + value + ": run " + run + " is watched twice");
            parsed.add(new Watch(run, dir));
        }
        return parsed;
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

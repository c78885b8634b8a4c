package org.dysonmonitor.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.http.AccessTokens;
import org.dysonmonitor.http.ServerOptions;
import org.dysonmonitor.linalg.SolverSelection;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Options shared by {@code serve} and {@code demo}: where to listen and the monitor's limits. */
final class MonitorOptions {

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 exposes the monitor).")
    String bind;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--token-file", description = "File of bearer tokens; when given, /api requires 'Authorization: Bearer <token>'. "
            + "One a line: 'ingest TOKEN' (post, PUT, finish, and read), 'read TOKEN' (GET only), or a token alone (full access); # comments.")
    Path tokenFile;

    @Option(names = "--max-body", defaultValue = "268435456", description = "Largest snapshot body in bytes (default: ${DEFAULT-VALUE} = 256 MiB).")
    long maxBody;

    @Option(names = "--max-mode-series", defaultValue = "64", description = "Per-mode metric series per layer, the largest modes (default: ${DEFAULT-VALUE}).")
    int maxModeSeries;

    @Option(names = "--max-runs", defaultValue = "100", description = "Runs held at once (default: ${DEFAULT-VALUE}).")
    int maxRuns;

    @Option(names = "--max-layers", defaultValue = "64", description = "Layers per run (default: ${DEFAULT-VALUE}).")
    int maxLayers;

    @Option(names = "--retention", defaultValue = "PT5M", converter = DurationConverter.class,
            description = "How long a finished run's series stay, e.g. 5m, 30s, 1h (default: 5m).")
    Duration retention;

    @Option(names = "--baseline-every", defaultValue = "50",
            description = "Snapshots of a layer between two randomized baselines (W with permuted entries: one more spectrum each; 0: never; default: ${DEFAULT-VALUE}).")
    int baselineEvery;

    @Option(names = "--max-inflight-bytes", defaultValue = "0",
            description = "Snapshot bytes in flight at most (bodies being read and decoded, matrices queued); over it a POST gets 503 with Retry-After. Default 0: a quarter of the max heap (-Xmx).")
    long maxInflightBytes;

    @Option(names = "--idle-timeout", defaultValue = "PT1H", converter = DurationConverter.class,
            description = "A run that sends nothing this long goes idle: its slot, actors and series are freed, a new snapshot revives it (default: 1h; 0s: never).")
    Duration idleTimeout;

    @Option(names = "--max-series", defaultValue = "100000",
            description = "Metric meters held at most; new ones beyond are refused and counted in dyson_series_refused_total (default: ${DEFAULT-VALUE}).")
    int maxSeries;

    @Option(names = "--dynamics-cpu", defaultValue = "0.02",
            description = "Share of one core that all layers' Dyson-dynamics measurements (drift, diffusion, ETA) take at most; a layer measures less often the more layers there are (default: ${DEFAULT-VALUE}).")
    double dynamicsCpu;

    @Option(names = "--partial-above", defaultValue = "2048",
            description = "Layers whose smaller side is at least this many get tracked top-k spectra between full ones (a run's PUT may set its own \"partial_above\"; default: ${DEFAULT-VALUE}).")
    int partialAbove;

    @Option(names = "--full-every", defaultValue = "10",
            description = "A tracked layer's full spectrum every this many snapshots (default: ${DEFAULT-VALUE}).")
    int fullEvery;

    @Option(names = "--top-k", defaultValue = "64",
            description = "Eigenvalues tracked per snapshot of a tracked layer (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--solver", defaultValue = "auto",
            description = "Spectrum backend: auto (native LAPACK where it loads and gains, EJML otherwise), native, or ejml (default: ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--data-dir", defaultValue = "./dyson-data",
            description = "Directory of the history store, dyson.db: runs, every report, statistics checkpoints (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    // The test suite starts serve and demo many times: it sets -Ddyson.no-store=true, so no test
    // resumes another's runs from ./dyson-data.
    @Option(names = "--no-store", defaultValue = "${sys:dyson.no-store:-false}",
            description = "Keep nothing on disk: history lives only as long as the process.")
    boolean noStore;

    @Option(names = "--history-retention", defaultValue = "30d", converter = DurationConverter.class,
            description = "Stored reports older than this are deleted, and runs not written for as long (default: ${DEFAULT-VALUE}).")
    Duration historyRetention;

    @Option(names = "--max-db-size", defaultValue = "2GiB", converter = ByteSizeConverter.class,
            description = "The history store is kept below this by thinning old reports, e.g. 500MiB, 2GiB (default: ${DEFAULT-VALUE}).")
    long maxDbSize;

    /** Starts the monitor; a data directory that cannot hold the store is a usage error (exit 2). */
    org.dysonmonitor.monitor.Monitor start(CommandLine cmd, Config config, SolverSelection solvers) {
        return start(cmd, "dyson-monitor", config, solvers, null);
    }

    /** As above, as a node of a cluster when {@code cluster} is given. */
    org.dysonmonitor.monitor.Monitor start(CommandLine cmd, String name, Config config, SolverSelection solvers,
                                           org.dysonmonitor.monitor.ClusterMode cluster) {
        try {
            return org.dysonmonitor.monitor.Monitor.start(name, config, solvers, cluster);
        } catch (org.dysonmonitor.store.HistoryStoreException e) {
            String option = config.hasPath("dyson.store.url") ? "--store"
                    : "--data-dir " + (config.hasPath("dyson.store.data-dir") ? config.getString("dyson.store.data-dir") : dataDir);
            throw new CommandLine.ParameterException(cmd, option + ": " + e.getMessage());
        }
    }

    /** The spectrum backend; a native backend that cannot load is a usage error with the fix. */
    SolverSelection solver(CommandLine cmd) {
        return solver(cmd, solver);
    }

    /** The spectrum backend {@code --solver name} picks; an unknown name or a native backend that cannot load: exit 2. */
    static SolverSelection solver(CommandLine cmd, String name) {
        try {
            return SolverSelection.select(SolverSelection.Mode.parse(name), true);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CommandLine.ParameterException(cmd, "--solver " + name + ": " + e.getMessage());
        }
    }

    /** application.conf with these options on top. */
    Config config(CommandLine cmd) {
        require(cmd, maxBody > 0, "--max-body must be positive");
        require(cmd, maxModeSeries > 0, "--max-mode-series must be positive");
        require(cmd, maxRuns > 0, "--max-runs must be positive");
        require(cmd, maxLayers > 0, "--max-layers must be positive");
        require(cmd, maxInflightBytes >= 0, "--max-inflight-bytes must be ≥ 0 (0: a quarter of the max heap)");
        require(cmd, !idleTimeout.isNegative(), "--idle-timeout must be ≥ 0 (0s: never)");
        require(cmd, maxSeries > 0, "--max-series must be positive");
        require(cmd, dynamicsCpu > 0 && dynamicsCpu <= 64, "--dynamics-cpu must be in (0, 64] (a share of one core)");
        require(cmd, port >= 0 && port <= 65535, "--port must be in 0..65535");
        require(cmd, baselineEvery >= 0, "--baseline-every must be ≥ 0 (0: never)");
        require(cmd, partialAbove > 0, "--partial-above must be positive");
        require(cmd, fullEvery > 0, "--full-every must be positive");
        require(cmd, topK > 0, "--top-k must be positive");
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("dyson.max-mode-series", maxModeSeries);
        overrides.put("dyson.max-runs", maxRuns);
        overrides.put("dyson.max-layers-per-run", maxLayers);
        overrides.put("dyson.retention", retention.toMillis() + "ms");
        overrides.put("dyson.statistics.baseline-every", baselineEvery);
        require(cmd, !historyRetention.isZero() && !historyRetention.isNegative(), "--history-retention must be positive");
        require(cmd, maxDbSize >= 1L << 20, "--max-db-size must be at least 1MiB");
        if (!noStore) {
            overrides.put("dyson.store.data-dir", dataDir.toString());
            overrides.put("dyson.store.retention", historyRetention.toMillis() + "ms");
            overrides.put("dyson.store.max-size", maxDbSize);
            overrides.put("dyson.store.checkpoint-interval", "5s");
        }
        overrides.put("dyson.max-inflight-bytes", maxInflightBytes);
        overrides.put("dyson.idle-timeout", idleTimeout.toMillis() + "ms");
        overrides.put("dyson.max-series", maxSeries);
        overrides.put("dyson.dynamics-cpu-share", dynamicsCpu);
        overrides.put("dyson.top-spectra.partial-above", partialAbove);
        overrides.put("dyson.top-spectra.full-every", fullEvery);
        overrides.put("dyson.top-spectra.k", topK);
        return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load());
    }

    ServerOptions server(CommandLine cmd) {
        AccessTokens tokens = AccessTokens.none();
        if (tokenFile != null) {
            tokens = SecurityOptions.tokens(cmd, "--token-file", tokenFile);
        }
        return new ServerOptions(bind, port, tokens, AccessTokens.none(), Optional.empty(), maxBody);
    }

    static void require(CommandLine cmd, boolean ok, String message) {
        if (!ok) {
            throw new CommandLine.ParameterException(cmd, message);
        }
    }

    /** Reads 5m, 30s, 1h, 250ms or an ISO-8601 duration (PT5M). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            try {
                if (v.startsWith("pt") || v.startsWith("p")) {
                    return Duration.parse(value.trim().toUpperCase(java.util.Locale.ROOT));
                }
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                return switch (v.charAt(v.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> throw new NumberFormatException();
                };
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use e.g. 30s, 5m, 1h or 250ms");
            }
        }
    }

    /** Reads 2GiB, 500MiB, 64KiB or a number of bytes. */
    static final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim();
            long unit = 1;
            for (String[] u : new String[][] {{"GiB", "1073741824"}, {"MiB", "1048576"}, {"KiB", "1024"}}) {
                if (v.endsWith(u[0])) {
                    unit = Long.parseLong(u[1]);
                    v = v.substring(0, v.length() - 3).trim();
                    break;
                }
            }
            try {
                return Math.multiplyExact(Long.parseLong(v), unit);
            } catch (ArithmeticException | NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size: use e.g. 500MiB, 2GiB or a number of bytes");
            }
        }
    }
}

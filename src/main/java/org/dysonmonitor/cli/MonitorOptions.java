package org.dysonmonitor.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.http.ServerOptions;
import org.dysonmonitor.linalg.SolverSelection;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    @Option(names = "--token-file", description = "File holding a bearer token; when given, /api requires 'Authorization: Bearer <token>'.")
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

    /** The spectrum backend; a native backend that cannot load is a usage error with the fix. */
    SolverSelection solver(CommandLine cmd) {
        try {
            return SolverSelection.select(SolverSelection.Mode.parse(solver), true);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CommandLine.ParameterException(cmd, "--solver " + solver + ": " + e.getMessage());
        }
    }

    /** application.conf with these options on top. */
    Config config(CommandLine cmd) {
        require(cmd, maxBody > 0, "--max-body must be positive");
        require(cmd, maxModeSeries > 0, "--max-mode-series must be positive");
        require(cmd, maxRuns > 0, "--max-runs must be positive");
        require(cmd, maxLayers > 0, "--max-layers must be positive");
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
        overrides.put("dyson.top-spectra.partial-above", partialAbove);
        overrides.put("dyson.top-spectra.full-every", fullEvery);
        overrides.put("dyson.top-spectra.k", topK);
        return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load());
    }

    ServerOptions server(CommandLine cmd) {
        Optional<String> token = Optional.empty();
        if (tokenFile != null) {
            try {
                token = Optional.of(Files.readString(tokenFile, StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new CommandLine.ParameterException(cmd, "cannot read --token-file " + tokenFile + ": " + e.getMessage());
            }
            require(cmd, !token.get().isEmpty(), "--token-file " + tokenFile + " is empty");
        }
        return new ServerOptions(bind, port, token, maxBody);
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
                    default -> throw new NumberFormatException();
                };
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use e.g. 30s, 5m, 1h or 250ms");
            }
        }
    }
}

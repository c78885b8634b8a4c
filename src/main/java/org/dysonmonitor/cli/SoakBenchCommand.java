package org.dysonmonitor.cli;

import org.dysonmonitor.bench.SoakBench;
import org.dysonmonitor.bench.SoakOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench soak}: the options of {@link SoakBench} (see the description below). */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Concurrent runs of mixed shapes (10×10 to 1024×1024), both policies, with misbehaving clients "
                + "among them (junk, oversize, stalled uploads, abandoned runs, floods); samples heap and series and "
                + "checks received = processed + dropped + rejected for every layer at the end. Exit 1 if a bound or "
                + "the accounting fails.")
final class SoakBenchCommand extends CheckedCommand {
    @Option(names = "--runs", defaultValue = "100", description = "Concurrent runs (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--minutes", defaultValue = "10", description = "How long (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Override
    int call(CommandLine cmd) throws InterruptedException {
        MonitorOptions.require(cmd, runs >= 1 && minutes > 0, "--runs must be ≥ 1 and --minutes > 0");
        return SoakBench.run(System.out, SoakOptions.defaults().withRuns(runs)
                .withDuration(java.time.Duration.ofMillis(Math.round(minutes * 60_000))));
    }
}

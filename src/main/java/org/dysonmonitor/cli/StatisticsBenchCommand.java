package org.dysonmonitor.cli;

import org.dysonmonitor.bench.StatisticsCostBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench statistics}: the options of {@link StatisticsCostBench} (see the description below). */
@Command(name = "statistics", mixinStandardHelpOptions = true,
        description = "Each statistic's cost per snapshot for n = 64 … 4096 against the native spectrum's own time "
                + "in the same run (target: LayerStatistics ≤ 10 %% of the spectrum at n ≥ 512).")
final class StatisticsBenchCommand implements Runnable {
    @Option(names = "--quick", description = "Sizes up to 1024 only, fewer repeats.")
    boolean quick;

    @Override
    public void run() {
        StatisticsCostBench.run(System.out, quick);
    }
}

package org.dysonmonitor.cli;

import java.nio.file.Path;
import java.util.List;
import org.dysonmonitor.bench.EtaCoverageBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench eta}: the options of {@link EtaCoverageBench} (see the description below). */
@Command(name = "eta", mixinStandardHelpOptions = true,
        description = "How often the convergence ETA's stated error covers its real miss on the demo's RBM runs "
                + "(α, |B|) = (0.1, 4), (0.1, 16), (0.1, 64), (0.05, 16), at leads of 500–2 500 updates before "
                + "`converged` first turns 1 (0.68 expected). Figures of the forecast, not of the machine.")
final class EtaBenchCommand implements Runnable {
    @Option(names = "--seeds", defaultValue = "20", description = "Seeds per run (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--seed", defaultValue = "1", description = "First seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--csv", description = "Write every forecast (run, seed, step, ETA, error, band time) here.")
    Path csv;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        MonitorOptions.require(spec.commandLine(), seeds >= 1, "--seeds must be ≥ 1");
        EtaCoverageBench.run(System.out, List.copyOf(DemoRuns.RBM), seeds, seed, csv);
    }
}

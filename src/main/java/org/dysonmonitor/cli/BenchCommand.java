package org.dysonmonitor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bench}: throughput figures, each as a ratio to a reference measured in the same run, one
 * subcommand per benchmark, each in its own {@code *BenchCommand} class. Each prints Markdown to stdout
 * (progress to stderr) through its bench class's {@code run(PrintStream, ...)}; a new benchmark is one
 * more command class in the list below.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the monitor's speed; each subcommand prints a Markdown table of figures and their "
                + "ratios to a reference measured in the same run.",
        subcommands = {SpectrumBenchCommand.class, PipelineBenchCommand.class, LargeLayerBenchCommand.class,
                TrainerBenchCommand.class, StatisticsBenchCommand.class, DiagnosticsBenchCommand.class,
                TopKBenchCommand.class, ThreadsBenchCommand.class, SoakBenchCommand.class,
                EndToEndBenchCommand.class, TlsBenchCommand.class, ClusterBenchCommand.class, EtaBenchCommand.class,
                CommandLine.HelpCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a benchmark: spectrum, pipeline, large-layer, trainer, statistics, diagnostics, top-k, threads, "
                        + "soak, end-to-end, tls, cluster or eta "
                        + "(bench help <name> for its options)");
    }
}

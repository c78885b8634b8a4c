package org.dysonmonitor.cli;

import org.dysonmonitor.bench.PipelineBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code bench}: throughput figures, each as a ratio to a reference measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the monitor's throughput (HTTP → report → metrics) and its overhead on a built-in trainer; prints Markdown tables.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "Fewer repetitions (for CI); the ratios are noisier.")
    boolean quick;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        new PipelineBench(spec.commandLine().getOut(), quick).run();
        return 0;
    }
}

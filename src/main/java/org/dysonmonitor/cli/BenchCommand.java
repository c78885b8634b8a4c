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

    @Option(names = "--spectrum", description = "Instead: time per spectrum of EJML, native LAPACK (float64, float32) and numpy "
            + "(eigvalsh, svd) for n = 64 … 4096; the options after -- go to it (e.g. -- --quick; see bench/RESULTS.md).")
    boolean spectrum;

    @CommandLine.Parameters(description = "Options of the spectrum benchmark (after --).")
    java.util.List<String> spectrumOptions = new java.util.ArrayList<>();

    @Option(names = "--large-layer", description = "Instead: post a 2048×2048 float32 layer every second for --seconds and report whether the monitor keeps up (policy latest: dropped must be 0).")
    boolean largeLayer;

    @Option(names = "--seconds", defaultValue = "30", description = "Duration of --large-layer (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Override
    public Integer call() throws Exception {
        if (largeLayer) {
            new PipelineBench(spec.commandLine().getOut(), quick).largeLayer(2048, seconds);
            return 0;
        }
        if (spectrum) {
            return org.dysonmonitor.bench.SpectrumBench.run(spectrumOptions.toArray(String[]::new));
        }
        new PipelineBench(spec.commandLine().getOut(), quick).run();
        return 0;
    }
}

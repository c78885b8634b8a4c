package org.dysonmonitor.cli;

import org.dysonmonitor.bench.TopKBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench top-k}: the options of {@link TopKBench} (see the description below). */
@Command(name = "top-k", mixinStandardHelpOptions = true,
        description = "Tracked top-64 spectrum of a training-like sequence against the full native spectrum and scipy's "
                + "eigsh(k=64) on the same matrices (targets at 4096²: ≥ 5× faster than full, faster than eigsh).")
final class TopKBenchCommand implements Runnable {
    @Option(names = "--quick", description = "Small sizes only.")
    boolean quick;

    @Override
    public void run() {
        TopKBench.run(System.out, quick);
    }
}

package org.dysonmonitor.cli;

import org.dysonmonitor.bench.TopKBench;
import org.dysonmonitor.bench.TopKFloat32Bench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench top-k}: the options of {@link TopKBench} (see the description below). */
@Command(name = "top-k", mixinStandardHelpOptions = true,
        description = "Tracked top-64 spectrum of a training-like sequence against the full native spectrum and scipy's "
                + "eigsh(k=64) on the same matrices (targets at 4096²: ≥ 5× faster than full, faster than eigsh).")
final class TopKBenchCommand implements Runnable {
    @Option(names = "--quick", description = "Small sizes only.")
    boolean quick;

    @Option(names = "--float32", description = "A float32 layer instead: the float32 tracker against the float64 tracker "
            + "and the full float32 and float64 spectra, n = 2048 and 4096 (--quick: 1024).")
    boolean float32;

    @Override
    public void run() {
        if (float32) {
            TopKFloat32Bench.run(System.out, quick);
        } else {
            TopKBench.run(System.out, quick);
        }
    }
}

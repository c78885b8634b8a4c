package org.dysonmonitor.cli;

import org.dysonmonitor.bench.BlasBench;
import org.dysonmonitor.bench.SpectrumBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code bench spectrum}: the options of {@link SpectrumBench} (see the description below). */
@Command(name = "spectrum", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time per spectrum of EJML, native LAPACK (float64, float32) and numpy (eigvalsh, svd) on the "
                + "same matrices, n = 64 … 4096, as n×n and n×(n/4); ratios to numpy's float64 eigvalsh (see bench/RESULTS.md).",
                "Set OPENBLAS_NUM_THREADS before the JVM starts (OpenBLAS reads it once); to compare with a current "
                        + "numpy on a machine that sets OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE, unset both for this command."})
final class SpectrumBenchCommand extends CheckedCommand {
    @Option(names = "--quick", description = "Sizes up to " + 1024 + " only.")
    boolean quick;

    @Option(names = "--sizes", split = ",", paramLabel = "n", description = "Long sides (default: 64,256,512,1024,2048,4096).")
    List<Integer> sizes = List.of(64, 256, 512, 1024, 2048, 4096);

    @Option(names = "--shapes", split = ",", defaultValue = "square,tall",
            description = "square (n×n) and/or tall (n×(n/4)) (default: ${DEFAULT-VALUE}).")
    List<String> shapes;

    @Option(names = "--budget", defaultValue = "3.0", description = "Seconds of repeats per cell (default: ${DEFAULT-VALUE}).")
    double budget;

    @Option(names = "--clock", defaultValue = "wall",
            description = "wall, or cpu: CPU time of the calling thread, needs OPENBLAS_NUM_THREADS=1 (default: ${DEFAULT-VALUE}).")
    String clock;

    @Option(names = "--ejml-max-seconds", defaultValue = "60",
            description = "Skip EJML where its predicted time per spectrum exceeds this (default: ${DEFAULT-VALUE}).")
    double ejmlMaxSeconds;

    @Option(names = "--no-numpy", description = "Do not run numpy.")
    boolean noNumpy;

    @Option(names = "--python", defaultValue = "python3", description = "Python with numpy (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--script", defaultValue = "bench/numpy_spectrum.py", description = "The numpy side (default: ${DEFAULT-VALUE}).")
    Path script;

    @Option(names = "--workdir", description = "Where the matrices are written (default: a temporary directory, deleted after).")
    Path workDir;

    @Option(names = "--out", description = "Also write the table into this file.")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the matrices (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--crossover", description = "Instead: EJML against native for small n (the auto crossover).")
    boolean crossover;

    @Option(names = "--threads", description = "Instead: one 2048 spectrum and 8 concurrent 256 spectra under this "
            + "process's OpenBLAS thread setting (run with OPENBLAS_NUM_THREADS=1 and =2).")
    boolean threads;

    @Override
    int call(CommandLine cmd) throws Exception {
        MonitorOptions.require(cmd, !(crossover && threads), "--crossover and --threads are separate measurements");
        if (crossover) {
            return BlasBench.crossover(System.out);
        }
        if (threads) {
            return BlasBench.threads(System.out);
        }
        MonitorOptions.require(cmd, clock.equals("wall") || clock.equals("cpu"), "--clock takes wall or cpu");
        MonitorOptions.require(cmd, shapes.stream().allMatch(s -> s.equals("square") || s.equals("tall")),
                "--shapes takes square and/or tall");
        SpectrumBench.Options o = checked(cmd, () -> new SpectrumBench.Options(
                sizes.stream().mapToInt(Integer::intValue).toArray(), shapes.contains("square"), shapes.contains("tall"),
                budget, clock.equals("cpu"), ejmlMaxSeconds, !noNumpy, python, script, workDir, out, seed));
        int code = SpectrumBench.run(quick ? o.quick() : o, System.out, System.err);
        if (code == 2) {
            throw new CommandLine.ParameterException(cmd, "--clock cpu needs OPENBLAS_NUM_THREADS=1");
        }
        return code;
    }
}

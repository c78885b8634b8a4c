package org.dysonmonitor.cli;

import org.dysonmonitor.bench.EndToEndBench;
import org.dysonmonitor.linalg.SolverSelection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code bench end-to-end}: the options of {@link EndToEndBench} (see the description below). */
@Command(name = "end-to-end", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Wall and CPU time from a .npy POST of an n×n layer to its report, float32 and float64 bodies, "
                + "against numpy's eigvalsh(W.T @ W) on the same matrix in the same run.",
                "Targets: ≤ 1.2× numpy at n ≥ 512 (float64 body), ≤ 0.7× with float32 bodies."})
final class EndToEndBenchCommand extends MonitorBenchCommand {
    @Option(names = "--sizes", split = ",", paramLabel = "n", defaultValue = "256,512,1024,2048,4096",
            description = "n of the n×n layers (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed POSTs per size and body dtype, 1 … 48 (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--warmup", defaultValue = "120", description = "Longest warm-up in seconds: untimed POSTs of "
            + "128×128 layers until the JIT compilers use < 5 %% of a core, 0 for none (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--python", defaultValue = "python3", description = "Python with numpy (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--script", defaultValue = "bench/numpy_spectrum.py", description = "The numpy side (default: ${DEFAULT-VALUE}).")
    Path script;

    @Override
    void measure(CommandLine cmd, SolverSelection solvers) throws Exception {
        EndToEndBench.run(System.out, checked(cmd, () -> new EndToEndBench.Options(sizes, repeats, warmup, python, script, solvers)));
    }
}

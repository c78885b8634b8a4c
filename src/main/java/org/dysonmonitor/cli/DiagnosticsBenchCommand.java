package org.dysonmonitor.cli;

import org.dysonmonitor.bench.DiagnosticsCostBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code bench diagnostics}: the options of {@link DiagnosticsCostBench} (see the description below). */
@Command(name = "diagnostics", mixinStandardHelpOptions = true,
        description = "Cost of the network-health diagnostics (power-law fit, norms, rigidity; the randomized baseline "
                + "amortised over --baseline-every) against the native spectrum (target: ≤ 25 %% at n ≥ 512).")
final class DiagnosticsBenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return DiagnosticsCostBench.run(System.out);
    }
}

package org.dysonmonitor.cli;

import org.dysonmonitor.bench.DiagnosticsCostBench;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code bench diagnostics}: runs {@link DiagnosticsCostBench}, which has no options of its own. */
@Command(name = "diagnostics", mixinStandardHelpOptions = true,
        description = "Cost of the network-health diagnostics (power-law fit, norms, rigidity; the randomized baseline "
                + "amortised over --baseline-every) against the native spectrum (target: ≤ 25 %% at n ≥ 512).")
final class DiagnosticsBenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return DiagnosticsCostBench.run(System.out);
    }
}

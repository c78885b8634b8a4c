package org.dysonmonitor.cli;

import org.dysonmonitor.bench.NativeThreadsBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench threads}: the options of {@link NativeThreadsBench} (see the description below). */
@Command(name = "threads", mixinStandardHelpOptions = true,
        description = "Two native spectra on two threads against one (≈ 1 when OpenBLAS runs one thread per call, as "
                + "bin/dyson-monitor sets it), and the longest allocation stall under each garbage collector.")
final class ThreadsBenchCommand implements Runnable {
    @Option(names = "--quick", description = "Smaller matrices, fewer repeats.")
    boolean quick;

    @Override
    public void run() {
        NativeThreadsBench.run(System.out, quick);
    }
}

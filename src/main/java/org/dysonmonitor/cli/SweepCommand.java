package org.dysonmonitor.cli;

import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.sweep.TrainerKind;
import org.dysonmonitor.sweep.Progress;
import org.dysonmonitor.sweep.ReportWriter;
import org.dysonmonitor.sweep.SweepAnalysis;
import org.dysonmonitor.sweep.SweepData;
import org.dysonmonitor.sweep.SweepPlan;
import org.dysonmonitor.sweep.SweepPlots;
import org.dysonmonitor.sweep.SweepRunner;
import org.dysonmonitor.sweep.SweepSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code sweep}: reproduces the paper's α/|B| scans (physics.md §5–7). Every run is a trainer actor
 * streaming into the monitor with the {@code all} policy, so the report shows exactly what the live
 * monitor computes; then the pooled statistics, plots and tables are written into {@code --out}.
 * Ctrl-C stops the runs and still writes the report of those that finished.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reproduce the paper's learning-rate and batch-size scans through the monitor and write a report "
                + "(PNG plots, summary.md, summary.json, CSV).",
                "Default: the RBM at α = 0.1 with |B| ∈ {4, 8, 16, 32, 64} and at |B| = 16 with α ∈ {0.01, 0.02, 0.04, "
                        + "0.06, 0.08, 0.1}. Run lengths scale as 0.1/α unless given (relaxation takes 1/α updates)."})
final class SweepCommand extends CheckedCommand {

    @Option(names = "--model", defaultValue = "rbm",
            description = "rbm (physics.md §5) or teacher-student (§6) (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--lr", split = ",", paramLabel = "α",
            description = "Learning rates. Default: the model's α scan at |B| = 16 (RBM 0.01..0.1, teacher-student 0.1..0.5), "
                    + "plus the |B| scan at α = 0.1. Given with --batch: every combination.")
    List<Double> learningRates = List.of();

    @Option(names = "--batch", split = ",", paramLabel = "|B|",
            description = "Batch sizes. Default: 4,8,16,32,64 at α = 0.1 (see --lr). Alone: at α = 0.1.")
    List<Integer> batches = List.of();

    @Option(names = "--runs", description = "Independent runs per (α, |B|) (default: RBM 16, teacher-student 32).")
    Integer runs;

    @Option(names = "--steps", description = "SGD updates per run (default: RBM 100000·0.1/α, teacher-student 10000·0.1/α).")
    Long steps;

    @Option(names = "--burn-in", description = "Updates before the first snapshot (default: RBM 10000·0.1/α, teacher-student 500·0.1/α).")
    Long burnIn;

    @Option(names = "--snapshot-every", description = "Updates between snapshots (default: RBM 20·0.1/α, teacher-student 5·0.1/α).")
    Integer snapshotEvery;

    @Option(names = "--seed", defaultValue = "1", description = "Base seed; every run gets its own (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--epsilon", defaultValue = "0.05", description = "Teacher-student noise ε (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--threads", description = "Trainer threads (default: the number of cores).")
    Integer threads;

    @CommandLine.Mixin
    ReportDirectory report;

    @Override
    int call(CommandLine cmd) throws Exception {
        SweepPlan plan = checked(cmd, () -> SweepPlan.create(TrainerKind.parse(model), learningRates, batches, runs, steps,
                burnIn, snapshotEvery, seed, epsilon));
        int cores = Runtime.getRuntime().availableProcessors();
        int trainerThreads = threads != null ? threads : cores;
        MonitorOptions.require(cmd, trainerThreads >= 1, "--threads must be ≥ 1");
        Path out = report.prepare(cmd);
        // Warnings only: the progress bar owns stderr (slf4j-simple reads this once, at its first use).
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");

        PrintWriter err = cmd.getErr();
        int parallel = 2 * trainerThreads;
        err.printf(Locale.ROOT, "sweep: %s, %d settings × %d runs (+1 evolution run), %d trainer threads, report in %s%n",
                plan.model().label(), plan.settings().size(), plan.runs(), trainerThreads, out);
        err.flush();
        Monitor monitor = Monitor.start("dyson-sweep", SweepRunner.monitorConfig(plan, trainerThreads, parallel));
        try {
            SweepRunner sweep = SweepRunner.start(monitor, plan, trainerThreads, parallel);
            CountDownLatch reported = new CountDownLatch(1);
            // Ctrl-C (or SIGTERM): stop the runs, and let the JVM exit only once the report of those that finished is written.
            Thread hook = new Thread(() -> {
                sweep.stop();
                awaitQuietly(reported);
            }, "sweep-ctrl-c");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return runAndReport(sweep, out, err);
            } finally {
                reported.countDown();
                removeUnlessShuttingDown(hook);
            }
        } finally {
            monitor.close();
        }
    }

    private int runAndReport(SweepRunner sweep, Path out, PrintWriter err) throws InterruptedException {
        ProgressBar bar = new ProgressBar(err);
        while (!sweep.result().isDone()) {
            bar.show(sweep.progress());
            Thread.sleep(500);
        }
        SweepData data = sweep.result().join();
        bar.done(sweep.progress());
        err.println(data.interrupted() ? "interrupted: writing the report of the " + data.runs().size() + " finished runs"
                : "all runs finished: writing the report");
        err.flush();
        try {
            SweepSummary summary = SweepAnalysis.analyse(data);
            ReportWriter.write(out, summary);
            SweepPlots.write(out, summary);
        } catch (RuntimeException e) {
            // Said here, before the Ctrl-C hook is released and the JVM may halt.
            err.println("the report could not be written: " + e);
            e.printStackTrace(err);
            err.flush();
            throw e;
        }
        err.println("report: " + out.resolve(ReportWriter.SUMMARY_MD));
        err.flush();
        return data.interrupted() ? 130 : 0;
    }

    /** After a normal end the hook must go; during a shutdown it cannot (and has nothing left to wait for). */
    private static void removeUnlessShuttingDown(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownInProgress) {
            // the documented signal that the JVM is already shutting down: the hook is running or done
        }
    }

    /** The shutdown hook waits for the report, at most two minutes (a JVM that never exits is worse). */
    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Redraws one line on a terminal; on a pipe, prints a line every 15 seconds instead. */
    private static final class ProgressBar {
        private final PrintWriter out;
        private final boolean terminal = System.console() != null;
        private long lastLine;

        ProgressBar(PrintWriter out) {
            this.out = out;
        }

        void show(Progress p) {
            if (terminal) {
                out.print("\r" + p.line(30));
                out.flush();
            } else if (System.nanoTime() - lastLine > 15_000_000_000L) {
                out.println(p.line(30));
                out.flush();
                lastLine = System.nanoTime();
            }
        }

        void done(Progress p) {
            out.print(terminal ? "\r" + p.line(30) + "\n" : p.line(30) + "\n");
            out.flush();
        }
    }
}

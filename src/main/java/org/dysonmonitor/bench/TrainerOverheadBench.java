package org.dysonmonitor.bench;

import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.OverloadPolicy;
import org.dysonmonitor.monitor.RunRegistry;
import org.dysonmonitor.monitor.TrainerActor;
import org.dysonmonitor.train.RbmConfig;
import org.dysonmonitor.train.RbmTrainer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The built-in RBM trainer's updates per second with the monitor attached (a snapshot every 10
 * updates, policy latest), against the same trainer alone in the same run.
 */
public final class TrainerOverheadBench {

    private TrainerOverheadBench() {
    }

    /** Trains {@code steps} updates alone and attached, and prints a Markdown table with the ratio. */
    public static void run(PrintStream out, long steps, SolverSelection solvers) throws InterruptedException {
        double alone = alone(steps);
        double attached = attached(steps, solvers);
        out.println("| RBM trainer (defaults, 10×10) | updates/s |");
        out.println("|---|---:|");
        out.printf(Locale.ROOT, "| alone | %.0f |%n", alone);
        out.printf(Locale.ROOT, "| monitor attached (snapshot every 10, policy latest) | %.0f |%n", attached);
        out.printf(Locale.ROOT, "| ratio attached / alone | %.3f |%n", attached / alone);
        out.flush();
    }

    private static double alone(long steps) {
        RbmTrainer warm = new RbmTrainer(RbmConfig.defaults().withSeed(99));
        for (long i = 0; i < Math.min(steps, 20_000); i++) { // JIT warm-up
            warm.step();
        }
        RbmTrainer trainer = new RbmTrainer(RbmConfig.defaults().withSeed(7));
        long start = System.nanoTime();
        for (long i = 0; i < steps; i++) {
            trainer.step();
        }
        return steps / ((System.nanoTime() - start) * 1e-9);
    }

    private static double attached(long steps, SolverSelection solvers) throws InterruptedException {
        try (Monitor monitor = Monitor.start("bench-trainer", ConfigFactory.load(), solvers)) {
            RbmTrainer trainer = new RbmTrainer(RbmConfig.defaults().withSeed(7));
            long start = System.nanoTime();
            monitor.startTrainer(new TrainerActor.Plan("bench-rbm", "W", trainer, 10, OverloadPolicy.LATEST, steps, 0))
                    .toCompletableFuture().join();
            while (!finished(monitor, "bench-rbm")) {
                Thread.sleep(1);
            }
            return steps / ((System.nanoTime() - start) * 1e-9);
        }
    }

    private static boolean finished(Monitor monitor, String run) {
        RunRegistry.Runs runs = (RunRegistry.Runs) AskPattern.<RunRegistry.Command, RunRegistry.Reply>ask(
                monitor.registry(), RunRegistry.ListRuns::new, Duration.ofSeconds(5), monitor.system().scheduler())
                .toCompletableFuture().join();
        return runs.runs().stream().anyMatch(r -> r.run().equals(run) && r.status().equals("finished"));
    }
}

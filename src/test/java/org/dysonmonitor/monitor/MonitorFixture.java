package org.dysonmonitor.monitor;

import akka.actor.typed.javadsl.AskPattern;
import akka.stream.testkit.javadsl.StreamTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.ingest.WeightMatrix;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/** Shared plumbing of the monitor tests: configuration, asks, and waiting with a deadline. */
final class MonitorFixture {

    private MonitorFixture() {
    }

    static Config config(Map<String, Object> overrides) {
        return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load());
    }

    static RunRegistry.Reply ask(Monitor m, akka.japi.function.Function<akka.actor.typed.ActorRef<RunRegistry.Reply>,
            RunRegistry.Command> message) {
        return AskPattern.ask(m.registry(), message, Duration.ofSeconds(10), m.system().scheduler())
                .toCompletableFuture().join();
    }

    static LayerChannel open(Monitor m, String run, RunSpec spec, String layer, int rows, int cols) {
        ask(m, r -> new RunRegistry.PutRun(run, spec, r));
        RunRegistry.Reply reply = ask(m, r -> new RunRegistry.OpenLayer(run, layer, rows, cols, r));
        return ((RunRegistry.Opened) reply).channel();
    }

    static RunRegistry.LayerView layer(Monitor m, String run, String layer) {
        List<RunRegistry.RunView> runs = ((RunRegistry.Runs) ask(m, RunRegistry.ListRuns::new)).runs();
        return runs.stream().filter(v -> v.run().equals(run)).findFirst().orElseThrow()
                .layers().stream().filter(l -> l.layer().equals(layer)).findFirst().orElseThrow();
    }

    /** Waits for a condition that the system must reach; fails (not a timing assertion) after a minute. */
    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * The end of a stream test, as the Akka docs end theirs: finishes every run, waits until the
     * registry has expired them (the config's retention), closes the live bus, and then
     * {@code StreamTestKit.assertAllStagesStopped}: every layer's stream stopped with its run, none
     * leaked. Closes the monitor last, also when a check fails.
     */
    static void finishAllAndAssertStreamsStopped(Monitor m) {
        try {
            for (RunRegistry.RunView run : ((RunRegistry.Runs) ask(m, RunRegistry.ListRuns::new)).runs()) {
                ask(m, r -> new RunRegistry.FinishRun(run.run(), r));
            }
            eventually("every run expired", () -> ((RunRegistry.Runs) ask(m, RunRegistry.ListRuns::new)).runs().isEmpty());
            m.bus().close();
            StreamTestKit.assertAllStagesStopped(m.system());
        } finally {
            m.close();
        }
    }

    static WeightMatrix random(int rows, int cols, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian() / Math.sqrt(rows);
        }
        return WeightMatrix.of(rows, cols, v, false);
    }

    static boolean settled(RunRegistry.LayerView v) {
        return v.processed() + v.dropped() + v.rejected() == v.received();
    }
}

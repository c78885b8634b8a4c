package org.dysonmonitor.sweep;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Props;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.bench.Machine;
import org.dysonmonitor.monitor.Monitor;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The thin shell around a sweep: the monitor's configuration for it, the coordinator actor, the
 * progress and the result as plain Java for the command line (and tests).
 */
public final class SweepRunner {

    /** The layer name every sweep run streams. */
    public static final String LAYER = "W";

    private final ActorRef<SweepCoordinator.Command> coordinator;
    private final AtomicReference<Progress> progress;
    private final CompletableFuture<SweepData> result;

    private SweepRunner(ActorRef<SweepCoordinator.Command> coordinator, AtomicReference<Progress> progress,
                        CompletableFuture<SweepData> result) {
        this.coordinator = coordinator;
        this.progress = progress;
        this.result = result;
    }

    /**
     * application.conf with what a sweep needs: {@code threads} trainer threads (application.conf has
     * one, for a live monitor that must not starve HTTP), room for every run of the plan, finished runs
     * removed after 10 s (their reports are all collected by then), warnings only in the log (the
     * progress bar owns the terminal), and no JVM shutdown hook of Akka's: Ctrl-C is the sweep's to
     * handle, it still needs the actors to collect what finished.
     */
    public static Config monitorConfig(SweepPlan plan, int threads, int parallel) {
        Map<String, Object> o = new HashMap<>();
        o.put("dyson-trainer-dispatcher.thread-pool-executor.fixed-pool-size", threads);
        o.put("dyson.max-runs", plan.plans().size() + parallel + 1);
        o.put("dyson.retention", "10s");
        o.put("akka.loglevel", "WARNING");
        o.put("akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
        return ConfigFactory.parseMap(o).withFallback(ConfigFactory.load());
    }

    /**
     * Starts the sweep's coordinator in the monitor's actor system.
     *
     * @param threads  trainer threads the monitor was configured with (reported only)
     * @param parallel runs in flight at once
     */
    public static SweepRunner start(Monitor monitor, SweepPlan plan, int threads, int parallel) {
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel runs must be ≥ 1, got " + parallel);
        }
        AtomicReference<Progress> progress = new AtomicReference<>(Progress.start(plan.pooledRuns().size(), plan.cost()));
        CompletableFuture<SweepCoordinator.SweepOutcome> outcome = new CompletableFuture<>();
        double loadBefore = Machine.loadAverage();
        long start = System.nanoTime();
        ActorRef<SweepCoordinator.Command> coordinator = monitor.system().systemActorOf(
                SweepCoordinator.create(new SweepCoordinator.Setup(plan, monitor.registry(), monitor.system(), parallel,
                        progress, outcome)),
                "sweep", Props.empty());
        CompletableFuture<SweepData> result = outcome.thenApply(o -> new SweepData(plan, o.runs(), o.evolution(),
                o.failures(), o.interrupted(), new SweepData.Conditions(Duration.ofNanos(System.nanoTime() - start),
                threads, parallel, Runtime.getRuntime().availableProcessors(), loadBefore, Machine.loadAverage())));
        return new SweepRunner(coordinator, progress, result);
    }

    /** The latest published progress. */
    public Progress progress() {
        return progress.get();
    }

    /** Stop: no new runs, running ones discarded; {@link #result()} then completes with what finished. */
    public void stop() {
        coordinator.tell(SweepCoordinator.Stop.INSTANCE);
    }

    public CompletableFuture<SweepData> result() {
        return result;
    }
}

package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.Config;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.metrics.SeriesCap;
import org.dysonmonitor.linalg.SpectrumSolver;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * A running monitor: the actor system, its Prometheus registry and its live report bus. The shell
 * that commands and tests start; all behaviour lives in the actors.
 */
public final class Monitor implements AutoCloseable {

    private final ActorSystem<Guardian.Command> system;
    private final PrometheusMeterRegistry meters;
    private final ReportBus bus;
    private final MonitorSettings settings;
    private final ActorRef<RunRegistry.Command> registry;
    private final ChannelDirectory directory;
    private final InflightBudget budget;
    private final String solver;
    private final ClusterMode.Wiring cluster;

    private Monitor(ActorSystem<Guardian.Command> system, PrometheusMeterRegistry meters, ReportBus bus,
                    MonitorSettings settings, Guardian.Wiring wiring, String solver) {
        this.system = system;
        this.meters = meters;
        this.bus = bus;
        this.settings = settings;
        this.registry = wiring.registry();
        this.directory = wiring.directory();
        this.budget = wiring.budget();
        this.solver = solver;
        this.cluster = wiring.cluster();
    }

    /** Cluster mode's parts, when this node is one of a cluster. */
    public java.util.Optional<ClusterMode.Wiring> cluster() {
        return java.util.Optional.ofNullable(cluster);
    }

    /**
     * Completes when what this node has counted so far is durable: at once on one node; in a
     * cluster when the ledger has committed it (a 202 then means the snapshot is accounted for
     * even if this node dies the next moment).
     */
    public CompletionStage<Void> accounted() {
        return cluster == null || cluster.ledger() == null ? java.util.concurrent.CompletableFuture.completedFuture(null)
                : cluster.ledger().committed();
    }

    /** Which spectrum backend the layers use, and why (shown by GET /api/v1/runs). */
    public String solver() {
        return solver;
    }

    /** Starts the actor system with the given configuration (application.conf with overrides). */
    public static Monitor start(String name, Config config) {
        return start(name, config, SolverSelection.select(SolverSelection.Mode.AUTO, true));
    }

    /** With the spectrum backend chosen by {@code --solver}; the choice and its reason are logged once. */
    public static Monitor start(String name, Config config, SolverSelection selection) {
        return start(name, config, selection, (ClusterMode) null);
    }

    /** As above, as a node of a cluster when {@code cluster} is given (null: one node). */
    public static Monitor start(String name, Config config, SolverSelection selection, ClusterMode cluster) {
        Monitor monitor = start(name, config, selection, selection.reason(), cluster);
        monitor.system.log().info("spectrum solver: {}", selection.reason());
        return monitor;
    }

    /**
     * As {@link #start(String, Config)}, with the spectrum solver each spectrum actor creates for
     * itself (solvers own workspaces and are not shared).
     */
    public static Monitor start(String name, Config config, java.util.function.Supplier<SpectrumSolver> solvers,
                                String solverDescription) {
        return start(name, config, solvers, solverDescription, null);
    }

    /** As above, in cluster mode when {@code cluster} is given (null: one node). */
    public static Monitor start(String name, Config config, java.util.function.Supplier<SpectrumSolver> solvers,
                                String solverDescription, ClusterMode cluster) {
        MonitorSettings settings = MonitorSettings.create(config);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SeriesCap.install(meters, settings.maxSeries());
        // Once per process: the collector works to a soft heap target, so snapshots reuse touched pages.
        SoftHeapTarget.keep(meters);
        InflightBudget budget = new InflightBudget(settings.maxInflightBytes(), meters);
        ActorSystem<Guardian.Command> system = ActorSystem.create(Guardian.create(settings, meters, solvers, budget, cluster),
                name, config);
        try {
            // Opens the store now: a bad data directory fails the start.
            HistoryExtension.get(system).store().ifPresent(
                    store -> org.dysonmonitor.metrics.HistoryMetrics.bind(meters, store.counters()));
        } catch (RuntimeException e) {
            system.terminate();
            throw e;
        }
        Guardian.Wiring wiring = AskPattern.<Guardian.Command, Guardian.Wiring>ask(
                        system, Guardian.GetWiring::new, Duration.ofSeconds(10), system.scheduler())
                .toCompletableFuture().join();
        Monitor monitor = new Monitor(system, meters, wiring.bus(), settings, wiring, solverDescription);
        system.getWhenTerminated().thenRun(monitor.bus::close);
        return monitor;
    }

    public ActorSystem<Guardian.Command> system() {
        return system;
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    public ReportBus bus() {
        return bus;
    }

    public MonitorSettings settings() {
        return settings;
    }

    public ActorRef<RunRegistry.Command> registry() {
        return registry;
    }

    /** The open channels of known layers: the hot path's look-up, written by the registry. */
    public ChannelDirectory directory() {
        return directory;
    }

    /** The memory budget for snapshot bytes in flight, shared by the HTTP routes and the layers' queues. */
    public InflightBudget budget() {
        return budget;
    }

    /** Starts a built-in trainer. */
    public CompletionStage<ActorRef<TrainerActor.Command>> startTrainer(TrainerActor.Plan plan) {
        return AskPattern.ask(system, replyTo -> new Guardian.StartTrainer(plan, replyTo),
                Duration.ofSeconds(10), system.scheduler());
    }

    /**
     * Follows a run's checkpoints (a {@code serve --watch RUN=DIR}), scanning every {@code interval};
     * the run's policy is {@code all} unless set before.
     */
    public CompletionStage<ActorRef<CheckpointWatcher.Command>> watch(String run, CheckpointSource source,
                                                                     ProcessedCheckpoints processed, Duration interval) {
        return AskPattern.ask(system, replyTo -> new Guardian.StartWatch(run, source, processed, interval, replyTo),
                Duration.ofSeconds(10), system.scheduler());
    }

    /** Stops the actor system (CoordinatedShutdown runs its tasks) and waits for it. */
    @Override
    public void close() {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }
}

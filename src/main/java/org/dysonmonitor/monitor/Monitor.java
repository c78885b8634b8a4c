package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.Config;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.dysonmonitor.linalg.SolverSelection;
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
    private final String solver;

    private Monitor(ActorSystem<Guardian.Command> system, PrometheusMeterRegistry meters, ReportBus bus,
                    MonitorSettings settings, Guardian.Wiring wiring, String solver) {
        this.system = system;
        this.meters = meters;
        this.bus = bus;
        this.settings = settings;
        this.registry = wiring.registry();
        this.directory = wiring.directory();
        this.solver = solver;
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
        Monitor monitor = start(name, config, selection, selection.reason());
        monitor.system.log().info("spectrum solver: {}", selection.reason());
        return monitor;
    }

    /**
     * As {@link #start(String, Config)}, with the spectrum solver each spectrum actor creates for
     * itself (solvers own workspaces and are not shared).
     */
    public static Monitor start(String name, Config config, java.util.function.Supplier<SpectrumSolver> solvers,
                                String solverDescription) {
        MonitorSettings settings = MonitorSettings.create(config);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ActorSystem<Guardian.Command> system = ActorSystem.create(Guardian.create(settings, meters, solvers), name, config);
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

    /** Starts a built-in trainer. */
    public CompletionStage<ActorRef<TrainerActor.Command>> startTrainer(TrainerActor.Plan plan) {
        return AskPattern.ask(system, replyTo -> new Guardian.StartTrainer(plan, replyTo),
                Duration.ofSeconds(10), system.scheduler());
    }

    /** Stops the actor system (CoordinatedShutdown runs its tasks) and waits for it. */
    @Override
    public void close() {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }
}

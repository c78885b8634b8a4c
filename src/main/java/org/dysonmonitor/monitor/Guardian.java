package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.micrometer.core.instrument.MeterRegistry;
import org.dysonmonitor.linalg.SpectrumSolver;

import java.util.function.Supplier;

/** Wires the monitor: spawns the run registry and, on request, built-in trainers. */
public final class Guardian extends AbstractBehavior<Guardian.Command> {

    public sealed interface Command {
    }

    /** Ask for what the monitor's shell needs: the registry, the live report bus and the channel directory. */
    public record GetWiring(ActorRef<Wiring> replyTo) implements Command {
    }

    /** The answer to {@link GetWiring}. */
    public record Wiring(ActorRef<RunRegistry.Command> registry, ReportBus bus, ChannelDirectory directory) {
    }

    /** Start a built-in trainer on the trainer dispatcher; replies with its reference. */
    public record StartTrainer(TrainerActor.Plan plan, ActorRef<ActorRef<TrainerActor.Command>> replyTo)
            implements Command {
    }

    private final ActorRef<RunRegistry.Command> registry;
    private final ReportBus bus;
    private final ChannelDirectory directory = new ChannelDirectory();
    private long trainers;

    public static Behavior<Command> create(MonitorSettings settings, MeterRegistry meters,
                                           Supplier<SpectrumSolver> solvers) {
        return Behaviors.setup(ctx -> new Guardian(ctx, settings, meters, solvers));
    }

    private Guardian(ActorContext<Command> context, MonitorSettings settings, MeterRegistry meters,
                     Supplier<SpectrumSolver> solvers) {
        super(context);
        this.bus = new ReportBus(context.getSystem());
        this.registry = context.spawn(RunRegistry.create(
                new RunRegistry.Dependencies(settings, meters, bus, solvers, directory)), "runs");
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(GetWiring.class, this::onGetWiring)
                .onMessage(StartTrainer.class, this::onStartTrainer)
                .build();
    }

    private Behavior<Command> onGetWiring(GetWiring msg) {
        msg.replyTo().tell(new Wiring(registry, bus, directory));
        return this;
    }

    private Behavior<Command> onStartTrainer(StartTrainer msg) {
        ActorRef<TrainerActor.Command> trainer = getContext().spawn(
                TrainerActor.create(msg.plan(), registry),
                "trainer-" + (++trainers),
                DispatcherSelector.fromConfig("dyson-trainer-dispatcher"));
        msg.replyTo().tell(trainer);
        return this;
    }
}

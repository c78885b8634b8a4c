package org.dysonmonitor.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;

/** Wires the monitor: spawns the run registry and, on request, built-in trainers. */
public final class Guardian extends AbstractBehavior<Guardian.Command> {

    public sealed interface Command {
    }

    public record GetRegistry(ActorRef<ActorRef<RunRegistry.Command>> replyTo) implements Command {
    }

    /** Start a built-in trainer on the trainer dispatcher; replies with its reference. */
    public record StartTrainer(TrainerActor.Plan plan, ActorRef<ActorRef<TrainerActor.Command>> replyTo)
            implements Command {
    }

    private final ActorRef<RunRegistry.Command> registry;
    private long trainers;

    public static Behavior<Command> create(RunRegistry.Dependencies deps) {
        return Behaviors.setup(ctx -> new Guardian(ctx, deps));
    }

    private Guardian(ActorContext<Command> context, RunRegistry.Dependencies deps) {
        super(context);
        this.registry = context.spawn(RunRegistry.create(deps), "runs");
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(GetRegistry.class, this::onGetRegistry)
                .onMessage(StartTrainer.class, this::onStartTrainer)
                .build();
    }

    private Behavior<Command> onGetRegistry(GetRegistry msg) {
        msg.replyTo().tell(registry);
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

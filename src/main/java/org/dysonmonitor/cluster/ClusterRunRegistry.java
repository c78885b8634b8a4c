package org.dysonmonitor.cluster;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import org.dysonmonitor.monitor.RunRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The run registry the API of a cluster node talks to. A run's metadata and status must be the
 * same on every node, since any node may receive its snapshots: a PUT and a finish go to every
 * node's registry (found with the receptionist), and the listing merges every node's
 * ({@link RunViews}). Everything else — opening layers, counting rejections, a layer's report —
 * is this node's registry's.
 *
 * <p>The receptionist's listing is eventually consistent: a node that has just come up may not be in
 * it yet. A PUT or finish therefore waits (at most {@link #LISTING_WAIT}) until every member that is up
 * has its registry listed, so that a run's policy and targets reach every node that may receive its
 * snapshots; past the wait it goes to the registries listed, with a warning.
 *
 * <p>A node that does not answer within {@link #NODE_TIMEOUT} (it may be dying, before the split
 * brain resolver removes it) is left out of that listing rather than failing it.
 */
final class ClusterRunRegistry {

    static final ServiceKey<RunRegistry.Command> KEY = ServiceKey.create(RunRegistry.Command.class, "dyson-run-registry");
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration LISTING_WAIT = Duration.ofSeconds(10);
    private static final Duration RECHECK = Duration.ofMillis(100);

    private ClusterRunRegistry() {
    }

    /** A command of the API, or the receptionist's listing of the nodes' registries. */
    private record Nodes(Set<ActorRef<RunRegistry.Command>> registries) {
    }

    /** A PUT or finish held until the listing covers every member up, or until its deadline. */
    private record Held(RunRegistry.Command command, long deadlineNanos) {
    }

    private enum Recheck {
        INSTANCE
    }

    static Behavior<RunRegistry.Command> create(ActorRef<RunRegistry.Command> local) {
        return Behaviors.<Object>setup(ctx -> Behaviors.withTimers(timers -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, local));
            ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(Receptionist.Listing.class,
                    listing -> new Nodes(listing.getServiceInstances(KEY)));
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(KEY, adapter));
            return running(ctx, timers, local, Set.of(local), List.of());
        })).narrow();
    }

    private static Behavior<Object> running(ActorContext<Object> ctx, TimerScheduler<Object> timers,
                                            ActorRef<RunRegistry.Command> local,
                                            Set<ActorRef<RunRegistry.Command>> nodes, List<Held> held) {
        return Behaviors.receive(Object.class)
                .onMessage(Nodes.class, n -> release(ctx, timers, local,
                        n.registries().isEmpty() ? Set.of(local) : n.registries(), held))
                .onMessage(Recheck.class, r -> held.isEmpty() ? Behaviors.same() : release(ctx, timers, local, nodes, held))
                .onMessage(RunRegistry.ListRuns.class, msg -> {
                    list(ctx, nodes).thenAccept(views -> msg.replyTo().tell(new RunRegistry.Runs(views)));
                    return Behaviors.same();
                })
                .onMessage(RunRegistry.PutRun.class, msg -> hold(ctx, timers, local, nodes, held, msg))
                .onMessage(RunRegistry.FinishRun.class, msg -> hold(ctx, timers, local, nodes, held, msg))
                .onMessage(RunRegistry.Command.class, msg -> {
                    local.tell(msg);
                    return Behaviors.same();
                })
                .build();
    }

    private static Behavior<Object> hold(ActorContext<Object> ctx, TimerScheduler<Object> timers,
                                         ActorRef<RunRegistry.Command> local,
                                         Set<ActorRef<RunRegistry.Command>> nodes, List<Held> held,
                                         RunRegistry.Command command) {
        List<Held> more = new ArrayList<>(held);
        more.add(new Held(command, System.nanoTime() + LISTING_WAIT.toNanos()));
        return release(ctx, timers, local, nodes, more);
    }

    /** Sends the held commands, in order, once the listing covers every member up (or past their deadline). */
    private static Behavior<Object> release(ActorContext<Object> ctx, TimerScheduler<Object> timers,
                                            ActorRef<RunRegistry.Command> local,
                                            Set<ActorRef<RunRegistry.Command>> nodes, List<Held> held) {
        boolean covered = coversMembersUp(ctx, nodes);
        long now = System.nanoTime();
        int sent = 0;
        while (sent < held.size() && (covered || now - held.get(sent).deadlineNanos() >= 0)) {
            if (!covered) {
                ctx.getLog().warn("a run's PUT or finish goes to the {} registries listed: not every member up was "
                        + "listed within {} s", nodes.size(), LISTING_WAIT.toSeconds());
            }
            send(ctx, local, nodes, held.get(sent).command());
            sent++;
        }
        List<Held> still = List.copyOf(held.subList(sent, held.size()));
        if (!still.isEmpty()) {
            timers.startSingleTimer(Recheck.INSTANCE, RECHECK); // a timer only while something is held
        }
        return running(ctx, timers, local, nodes, still);
    }

    private static void send(ActorContext<Object> ctx, ActorRef<RunRegistry.Command> local,
                             Set<ActorRef<RunRegistry.Command>> nodes, RunRegistry.Command command) {
        if (command instanceof RunRegistry.PutRun msg) {
            broadcast(ctx, local, nodes, r -> new RunRegistry.PutRun(msg.run(), msg.spec(), r)).thenAccept(msg.replyTo()::tell);
        } else if (command instanceof RunRegistry.FinishRun msg) {
            broadcast(ctx, local, nodes, r -> new RunRegistry.FinishRun(msg.run(), r)).thenAccept(msg.replyTo()::tell);
        }
    }

    /** Whether every member up has its registry in the listing (a ref's address, or this node's own). */
    private static boolean coversMembersUp(ActorContext<Object> ctx, Set<ActorRef<RunRegistry.Command>> nodes) {
        Cluster cluster = Cluster.get(ctx.getSystem());
        Address self = cluster.selfMember().address();
        Set<Address> listed = nodes.stream()
                .map(ref -> ref.path().address().hasGlobalScope() ? ref.path().address() : self)
                .collect(Collectors.toSet());
        return StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
                .filter(m -> m.status() == MemberStatus.up())
                .map(Member::address)
                .allMatch(listed::contains);
    }

    /** Every node's views, merged; a node that does not answer in time is left out. */
    private static CompletionStage<List<RunRegistry.RunView>> list(ActorContext<Object> ctx,
                                                                   Set<ActorRef<RunRegistry.Command>> nodes) {
        List<CompletableFuture<List<RunRegistry.RunView>>> answers = new ArrayList<>();
        for (ActorRef<RunRegistry.Command> node : nodes) {
            answers.add(AskPattern.<RunRegistry.Command, RunRegistry.Reply>ask(node, RunRegistry.ListRuns::new,
                            NODE_TIMEOUT, ctx.getSystem().scheduler())
                    .thenApply(reply -> reply instanceof RunRegistry.Runs runs ? runs.runs() : List.<RunRegistry.RunView>of())
                    .exceptionally(failure -> List.of())
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .thenApply(done -> RunViews.merge(answers.stream().map(CompletableFuture::join).toList()));
    }

    /**
     * Sends the command to every node's registry and answers with this node's reply — unless this
     * node refused and another accepted (a finish of a run this node never saw).
     */
    private static CompletionStage<RunRegistry.Reply> broadcast(
            ActorContext<Object> ctx, ActorRef<RunRegistry.Command> local, Set<ActorRef<RunRegistry.Command>> nodes,
            akka.japi.function.Function<ActorRef<RunRegistry.Reply>, RunRegistry.Command> command) {
        List<CompletableFuture<RunRegistry.Reply>> others = new ArrayList<>();
        CompletableFuture<RunRegistry.Reply> mine = null;
        for (ActorRef<RunRegistry.Command> node : nodes) {
            CompletableFuture<RunRegistry.Reply> reply = AskPattern.ask(node, command, NODE_TIMEOUT,
                            ctx.getSystem().scheduler())
                    .exceptionally(failure -> new RunRegistry.Refused(503, "node_unavailable", "a node of the cluster "
                            + "did not answer: " + failure.getMessage()))
                    .toCompletableFuture();
            if (node.equals(local)) {
                mine = reply;
            } else {
                others.add(reply);
            }
        }
        if (mine == null) {
            mine = AskPattern.ask(local, command, NODE_TIMEOUT, ctx.getSystem().scheduler()).toCompletableFuture();
        }
        CompletableFuture<RunRegistry.Reply> own = mine;
        List<CompletableFuture<RunRegistry.Reply>> all = new ArrayList<>(others);
        all.add(own);
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(done -> {
            RunRegistry.Reply reply = own.join();
            if (reply instanceof RunRegistry.Refused refused && refused.status() == 404) {
                for (CompletableFuture<RunRegistry.Reply> other : others) {
                    if (other.join() instanceof RunRegistry.Ok ok) {
                        return ok;
                    }
                }
            }
            return reply;
        });
    }
}

package org.dysonmonitor.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.RunRegistry;
import org.dysonmonitor.rmt.LayerReport;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every report of one run, as its spectrum actors publish them ({@link RunRegistry.Watch}, registered before
 * the run's first snapshot): a benchmark's thread that waits for a report sleeps until it is there. A wait
 * that read the processed counter every 20 µs took a third of a core the monitor would otherwise have had
 * (42 ms of CPU per 1024² snapshot on 2 cores), and a wait over HTTP times the benchmark's requests with
 * the monitor's work.
 * The watcher lives as long as the monitor (the run keeps sending it reports); what is not awaited is
 * passed over by the next wait.
 */
final class ReportWatch {

    /** The longest wait for one report: a 4096² spectrum takes seconds, a stuck monitor forever. */
    private static final long TIMEOUT_SECONDS = 300;

    private final BlockingQueue<LayerReport> reports = new LinkedBlockingQueue<>();
    private final ActorRef<LayerReport> watcher;
    private final String run;

    private ReportWatch(Monitor monitor, String run, String actorName) {
        this.run = run;
        this.watcher = monitor.system().systemActorOf(Behaviors.receiveMessage(r -> {
            reports.add(r);
            return Behaviors.same();
        }), actorName, Props.empty());
    }

    /** Watches {@code run}, which must have had no snapshot yet (the registry creates it if it does not exist). */
    static ReportWatch of(Monitor monitor, String run) {
        ReportWatch watch = new ReportWatch(monitor, run, "bench-watch-" + run);
        RunRegistry.Reply reply;
        try {
            reply = AskPattern.<RunRegistry.Command, RunRegistry.Reply>ask(monitor.registry(),
                    replyTo -> new RunRegistry.Watch(run, watch.watcher, replyTo), Duration.ofSeconds(10),
                    monitor.system().scheduler()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("watching run " + run + ": " + e, e);
        }
        if (!(reply instanceof RunRegistry.Ok)) {
            throw new IllegalStateException("watching run " + run + ": " + reply);
        }
        return watch;
    }

    /** Blocks until the report of {@code step} of {@code layer} is published (earlier ones are passed over). */
    LayerReport await(String layer, long step) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            LayerReport r = reports.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new IllegalStateException(run + "/" + layer + ": no report of step " + step + " within "
                        + TIMEOUT_SECONDS + " s");
            }
            if (r.layer().equals(layer) && r.step() == step) {
                return r;
            }
        }
    }
}

package org.dysonmonitor.monitor;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.BroadcastHub;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.QueueOfferResult;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.dysonmonitor.rmt.LayerReport;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fans LayerReports out to live subscribers (the Server-Sent Events of the live page). Publishing
 * never blocks a spectrum actor: when subscribers fall behind, reports are dropped, since the
 * live page only needs the latest ones; the reports the bus itself drops are counted
 * ({@code dyson_report_bus_dropped_total}). At most {@link #MAX_SUBSCRIBERS} subscribe at once
 * ({@code dyson_report_bus_subscribers}): each holds a buffer, and a client opening streams in a loop
 * must not grow memory.
 */
public final class ReportBus {

    private static final int BUFFER = 256;
    private static final int SUBSCRIBER_BUFFER = 64;
    public static final int MAX_SUBSCRIBERS = 64;

    private final BoundedSourceQueue<LayerReport> queue;
    private final Source<LayerReport, NotUsed> reports;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicInteger subscribers = new AtomicInteger();

    /** A bus whose drops and subscribers are published in {@code meters}. */
    public ReportBus(ActorSystem<?> system, MeterRegistry meters) {
        this(system);
        FunctionCounter.builder("dyson.report.bus.dropped", dropped, AtomicLong::get)
                .description("Reports the live bus dropped because it was full").register(meters);
        Gauge.builder("dyson.report.bus.subscribers", subscribers, AtomicInteger::get)
                .description("Live report subscribers (Server-Sent Events streams) open now").register(meters);
    }

    public ReportBus(ActorSystem<?> system) {
        Pair<BoundedSourceQueue<LayerReport>, Source<LayerReport, NotUsed>> hub = Source.<LayerReport>queue(BUFFER)
                .toMat(BroadcastHub.of(LayerReport.class, BUFFER), Keep.both())
                .run(system);
        this.queue = hub.first();
        this.reports = hub.second();
        // A hub without subscribers backpressures; this one always-present subscriber keeps it flowing.
        reports.runWith(Sink.ignore(), system);
    }

    /** Publishes a report; dropped when the bus is full. */
    public void publish(LayerReport report) {
        if (queue.offer(report) != QueueOfferResult.enqueued()) {
            dropped.incrementAndGet();
        }
    }

    /** A live source for one more subscriber, or empty when {@link #MAX_SUBSCRIBERS} are subscribed. */
    public Optional<Source<LayerReport, NotUsed>> trySubscribe() {
        if (subscribers.incrementAndGet() > MAX_SUBSCRIBERS) {
            subscribers.decrementAndGet();
            return Optional.empty();
        }
        return Optional.of(subscribe().watchTermination((mat, done) -> {
            done.whenComplete((d, f) -> subscribers.decrementAndGet());
            return mat;
        }));
    }

    /**
     * A live source of reports for one subscriber. Its own bounded buffer drops the oldest reports
     * when the subscriber is slow, so one slow browser never holds back the others.
     */
    public Source<LayerReport, NotUsed> subscribe() {
        return reports.buffer(SUBSCRIBER_BUFFER, OverflowStrategy.dropHead());
    }

    /** Stops accepting reports and completes every subscriber's stream. */
    public void close() {
        queue.complete();
    }
}

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
import org.dysonmonitor.rmt.LayerReport;

/**
 * Fans LayerReports out to live subscribers (the Server-Sent Events of the live page). Publishing
 * never blocks a spectrum actor: when subscribers fall behind, reports are dropped, since the
 * live page only needs the latest ones.
 */
public final class ReportBus {

    private static final int BUFFER = 256;
    private static final int SUBSCRIBER_BUFFER = 64;

    private final BoundedSourceQueue<LayerReport> queue;
    private final Source<LayerReport, NotUsed> reports;

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
        queue.offer(report);
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

package org.dysonmonitor.http;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.marshalling.sse.EventStreamMarshalling;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.sse.ServerSentEvent;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.RunRegistry;
import org.dysonmonitor.monitor.SpectrumActor;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The run routes: {@code GET /api/v1/runs}, {@code PUT /api/v1/runs/{run}},
 * {@code POST /api/v1/runs/{run}/finish}, {@code GET /api/v1/runs/{run}/layers/{layer}} and the live
 * report stream {@code GET /api/v1/stream}.
 */
final class RunRoutes extends AllDirectives {

    /** The largest body of {@code PUT /api/v1/runs/{run}}: 64 targets of 4096 eigenvalues fit 30 times. */
    private static final long MAX_METADATA_BYTES = 16L * 1024 * 1024;

    private final Monitor monitor;
    private final ServerOptions options;
    private final BodyReader bodies;
    private final ActorSystem<?> system;
    private final ActorRef<RunRegistry.Command> registry;
    private final Duration askTimeout;
    private final HistoryRoutes history;

    RunRoutes(Monitor monitor, ServerOptions options, BodyReader bodies) {
        this.monitor = monitor;
        this.options = options;
        this.bodies = bodies;
        this.system = monitor.system();
        this.registry = monitor.registry();
        this.askTimeout = monitor.settings().askTimeout();
        this.history = new HistoryRoutes(monitor);
    }

    Route listRuns() {
        return onSuccess(askRegistry(RunRegistry.ListRuns::new), reply -> replyRoute(reply, r ->
                onSuccess(history.withStored(((RunRegistry.Runs) r).runs()), all ->
                        Responses.json(StatusCodes.OK, Map.of("runs", all, "solver", monitor.solver(),
                                "history", org.dysonmonitor.monitor.HistoryExtension.get(monitor.system()).store().isPresent())))));
    }

    Route putRun(String run) {
        // Metadata is small (a target spectrum per layer): never buffer more than this, nor more than a snapshot.
        long limit = Math.min(MAX_METADATA_BYTES, options.maxBody());
        return extractRequestEntity(entity -> onComplete(bodies.read(entity, limit), read -> {
            if (read.isFailure()) {
                if (Responses.tooLarge(read.failed().get())) {
                    return Responses.error(StatusCodes.PAYLOAD_TOO_LARGE, "run metadata is over the limit of " + limit + " bytes");
                }
                return failWith(read.failed().get());
            }
            RunSpecParser.Result parsed = RunSpecParser.parse(StandardCharsets.UTF_8.decode(read.get()).toString());
            if (parsed.error() != null) {
                return Responses.error(StatusCodes.BAD_REQUEST, parsed.error());
            }
            return onSuccess(askRegistry(r -> new RunRegistry.PutRun(run, parsed.spec(), r)), reply ->
                    replyRoute(reply, ok -> Responses.json(StatusCodes.OK, Map.of("run", run,
                            "message", ((RunRegistry.Ok) ok).message()))));
        }));
    }

    Route finish(String run) {
        return onSuccess(askRegistry(r -> new RunRegistry.FinishRun(run, r)), reply -> replyRoute(reply,
                ok -> Responses.json(StatusCodes.OK, Map.of("run", run, "message", ((RunRegistry.Ok) ok).message()))));
    }

    Route history(String run, String layer) {
        return history.history(run, layer);
    }

    Route layerReport(String run, String layer) {
        CompletionStage<SpectrumActor.LayerLookup> lookup = AskPattern.ask(registry,
                r -> new RunRegistry.GetLayer(run, layer, r), askTimeout, system.scheduler());
        // The directives run the continuations on Akka's dispatcher. A stage chained on the ask's
        // CompletionStage runs off it (see SnapshotIntake.admit): writing the report's JSON there made
        // every POST → 202 of `bench end-to-end` at 512² take 30–40 ms instead of 6.
        return onSuccess(lookup, found -> {
            if (found instanceof SpectrumActor.Found f) {
                return Responses.json(StatusCodes.OK, f.report());
            }
            String live = ((SpectrumActor.NotFound) found).message();
            return onSuccess(history.storedButNotLive(run, layer), stored ->
                    Responses.error(StatusCodes.NOT_FOUND, stored.orElse(live)));
        });
    }

    /** Server-Sent Events of LayerReports, optionally only of one run (and layer). */
    Route stream() {
        return parameterOptional("run", run -> parameterOptional("layer", layer -> {
            var reports = monitor.bus().trySubscribe();
            if (reports.isEmpty()) {
                return respondWithHeader(akka.http.javadsl.model.headers.RawHeader.create("Retry-After", "10"), () ->
                        Responses.error(StatusCodes.SERVICE_UNAVAILABLE, "the live stream already has "
                                + org.dysonmonitor.monitor.ReportBus.MAX_SUBSCRIBERS + " subscribers: retry after 10 s"));
            }
            return completeOK(reports.get()
                        .filter(r -> run.map(r.run()::equals).orElse(true)
                                && layer.map(r.layer()::equals).orElse(true))
                        .map(r -> ServerSentEvent.create(Json.writeStream(r), "report"))
                        .keepAlive(Duration.ofSeconds(10), ServerSentEvent::heartbeat),
                EventStreamMarshalling.toEventStream());
        }));
    }

    private CompletionStage<RunRegistry.Reply> askRegistry(
            akka.japi.function.Function<ActorRef<RunRegistry.Reply>, RunRegistry.Command> message) {
        return AskPattern.ask(registry, message, askTimeout, system.scheduler());
    }

    private static Route replyRoute(RunRegistry.Reply reply, Function<RunRegistry.Reply, Route> ok) {
        if (reply instanceof RunRegistry.Refused refused) {
            return Responses.error(StatusCodes.get(refused.status()), refused.message());
        }
        return ok.apply(reply);
    }
}

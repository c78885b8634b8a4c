package org.dysonmonitor.http;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.http.scaladsl.model.EntityStreamSizeException;
import akka.stream.Materializer;
import org.dysonmonitor.metrics.LabelValues;
import org.dysonmonitor.monitor.Monitor;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The monitor's HTTP interface (design.md, "HTTP"): metrics, health, the JSON API and the live
 * report stream. This class maps paths to the routes of {@link RunRoutes}, {@link SnapshotRoutes}
 * and {@link ModelSnapshotRoute}, checks bearer tokens ({@link BearerAuthentication}), and turns exceptions
 * and rejections into JSON.
 * Every error is a JSON {@code {"error": "..."}} with the status that fits it; a rejected snapshot is
 * counted under its reason and disturbs nothing else.
 */
public final class HttpApi extends AllDirectives {

    private static final ContentType PROMETHEUS_TEXT =
            ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

    private final Monitor monitor;
    private final ServerOptions options;
    private final ActorSystem<?> system;
    private final Route staticContent;
    private final RunRoutes runs;
    private final SnapshotRoutes snapshots;
    private final ModelSnapshotRoute models;
    private final BearerAuthentication apiTokens;
    private final BearerAuthentication metricsTokens;
    /** Renders /metrics: with up to max-series meters too long a task for the few HTTP threads. */
    private final Executor scraper;

    /**
     * @param staticContent routes for the live page (served from the jar), or {@code reject()}-like
     *                      empty routes when there is none
     */
    public HttpApi(Monitor monitor, ServerOptions options, Route staticContent) {
        this.monitor = monitor;
        this.options = options;
        this.system = monitor.system();
        this.staticContent = staticContent;
        BodyReader bodies = new BodyReader(Materializer.matFromSystem(system));
        Executor decoders = system.dispatchers().lookup(DispatcherSelector.fromConfig("dyson-decode-dispatcher"));
        this.scraper = system.dispatchers().lookup(DispatcherSelector.fromConfig("dyson-scrape-dispatcher"));
        this.runs = new RunRoutes(monitor, options, bodies);
        SnapshotSteps steps = new SnapshotSteps(monitor, options, bodies, decoders);
        this.snapshots = new SnapshotRoutes(steps);
        this.cluster = new ClusterRoutes(monitor);
        this.models = new ModelSnapshotRoute(steps);
        this.apiTokens = new BearerAuthentication(options.tokens(), "", true);
        this.metricsTokens = new BearerAuthentication(options.metricsTokens(), "/metrics", false);
    }

    private final ClusterRoutes cluster;

    public Route routes() {
        return handleExceptions(errors(), () -> handleRejections(rejections(), () -> concat(
                path("metrics", () -> get(() -> metricsTokens.authorized(() -> onSuccess(CompletableFuture.supplyAsync(
                        () -> monitor.meters().scrape().getBytes(StandardCharsets.UTF_8), scraper),
                        text -> complete(HttpEntities.create(PROMETHEUS_TEXT, text)))))),
                path("healthz", () -> get(() -> complete(StatusCodes.OK, HttpEntities.create(
                        ContentTypes.APPLICATION_JSON, "{\"status\":\"ok\"}")))),
                pathPrefix(PathMatchers.segment("api").slash("v1"), () -> apiTokens.authorized(this::api)),
                staticContent)));
    }

    private Route api() {
        return concat(
                path("runs", () -> get(runs::listRuns)),
                path("cluster", () -> get(cluster::state)),
                path(PathMatchers.segment("cluster").slash("accounting"), () -> get(cluster::accounting)),
                path("stream", () -> get(runs::stream)),
                path(PathMatchers.segment("runs").slash(PathMatchers.segment()), run ->
                        runNamed(run, () -> put(() -> runs.putRun(run)))),
                path(PathMatchers.segment("runs").slash(PathMatchers.segment()).slash("snapshots"), run ->
                        post(() -> models.model(run))),
                path(PathMatchers.segment("runs").slash(PathMatchers.segment()).slash("finish"), run ->
                        runNamed(run, () -> post(() -> runs.finish(run)))),
                path(PathMatchers.segment("runs").slash(PathMatchers.segment()).slash("layers")
                        .slash(PathMatchers.segment()), (run, layer) ->
                        runNamed(run, () -> layerNamed(layer, () -> get(() -> runs.layerReport(run, layer))))),
                path(PathMatchers.segment("runs").slash(PathMatchers.segment()).slash("layers")
                        .slash(PathMatchers.segment()).slash("history"), (run, layer) ->
                        runNamed(run, () -> layerNamed(layer, () -> get(() -> runs.history(run, layer))))),
                path(PathMatchers.segment("runs").slash(PathMatchers.segment()).slash("layers")
                        .slash(PathMatchers.segment()).slash("snapshots"), (run, layer) ->
                        post(() -> snapshots.layer(run, layer))));
    }

    private static Route runNamed(String name, Supplier<Route> inner) {
        return LabelValues.isRunName(name) ? inner.get()
                : Responses.error(StatusCodes.BAD_REQUEST, SnapshotSteps.badName(name, false));
    }

    private static Route layerNamed(String name, Supplier<Route> inner) {
        return LabelValues.isLayerName(name) ? inner.get()
                : Responses.error(StatusCodes.BAD_REQUEST, SnapshotSteps.badName(name, true));
    }

    private ExceptionHandler errors() {
        return ExceptionHandler.newBuilder()
                .match(EntityStreamSizeException.class, e -> Responses.error(StatusCodes.PAYLOAD_TOO_LARGE,
                        "body is over the limit of " + options.maxBody() + " bytes (--max-body)"))
                .match(java.util.concurrent.TimeoutException.class, e -> Responses.error(StatusCodes.SERVICE_UNAVAILABLE,
                        "the monitor did not answer in time: " + e.getMessage()))
                .matchAny(e -> {
                    system.log().error("request failed", e);
                    return Responses.error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + e);
                })
                .build();
    }

    private RejectionHandler rejections() {
        return RejectionHandler.defaultHandler().mapRejectionResponse(response -> {
            if (response.entity() instanceof HttpEntity.Strict strict
                    && !strict.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
                String text = strict.getData().utf8String();
                return response.withEntity(ContentTypes.APPLICATION_JSON, Json.error(text.isEmpty()
                        ? response.status().reason() : text));
            }
            return response;
        });
    }
}

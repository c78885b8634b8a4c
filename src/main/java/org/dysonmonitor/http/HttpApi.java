package org.dysonmonitor.http;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.marshalling.sse.EventStreamMarshalling;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.HttpChallenge;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.model.headers.WWWAuthenticate;
import akka.http.javadsl.model.sse.ServerSentEvent;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.http.scaladsl.model.EntityStreamSizeException;
import akka.stream.Materializer;
import com.fasterxml.jackson.databind.JsonNode;
import org.dysonmonitor.ingest.NpyDecoder;
import org.dysonmonitor.ingest.NpyFormatException;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.monitor.LayerChannel;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.OverloadPolicy;
import org.dysonmonitor.monitor.RunRegistry;
import org.dysonmonitor.monitor.Snapshot;
import org.dysonmonitor.monitor.SpectrumActor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The monitor's HTTP interface (design.md, "HTTP"): metrics, health, the JSON API and the live
 * report stream. Every error is a JSON {@code {"error": "..."}} with the status that fits it; a
 * rejected snapshot is counted under its reason and disturbs nothing else.
 */
public final class HttpApi extends AllDirectives {

    /** Run and layer names; they become Prometheus label values, so they are strictly bounded. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private static final int INLINE_DECODE_BYTES = 1 << 20;

    /** The largest body of {@code PUT /api/v1/runs/{run}}: 64 targets of 4096 eigenvalues fit 30 times. */
    private static final long MAX_METADATA_BYTES = 16L * 1024 * 1024;

    /** How long a client may take to send a body. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private static final ContentType PROMETHEUS_TEXT =
            ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

    private final Monitor monitor;
    private final ServerOptions options;
    private final ActorSystem<?> system;
    private final ActorRef<RunRegistry.Command> registry;
    private final Duration askTimeout;
    private final Executor decoders;
    private final Route staticContent;
    private final Materializer materializer;

    /**
     * @param staticContent routes for the live page (served from the jar), or {@code reject()}-like
     *                      empty routes when there is none
     */
    public HttpApi(Monitor monitor, ServerOptions options, Route staticContent) {
        this.monitor = monitor;
        this.options = options;
        this.system = monitor.system();
        this.registry = monitor.registry();
        this.askTimeout = monitor.settings().askTimeout();
        this.decoders = system.dispatchers().lookup(DispatcherSelector.fromConfig("dyson-decode-dispatcher"));
        this.staticContent = staticContent;
        this.materializer = Materializer.matFromSystem(system);
    }

    public Route routes() {
        return handleExceptions(errors(), () -> handleRejections(rejections(), () -> concat(
                path("metrics", () -> get(() -> complete(HttpEntities.create(PROMETHEUS_TEXT,
                        monitor.meters().scrape().getBytes(StandardCharsets.UTF_8))))),
                path("healthz", () -> get(() -> complete(StatusCodes.OK, HttpEntities.create(
                        ContentTypes.APPLICATION_JSON, "{\"status\":\"ok\"}")))),
                pathPrefix(PathMatchers.segment("api").slash("v1"), () -> authorized(this::api)),
                staticContent)));
    }

    private Route api() {
        return concat(
                path("runs", () -> get(this::listRuns)),
                path("stream", () -> get(this::stream)),
                path(PathMatchers.segment("runs").slash(PathMatchers.segment()), run ->
                        named(run, () -> put(() -> putRun(run)))),
                path(PathMatchers.segment("runs").slash(PathMatchers.segment()).slash("finish"), run ->
                        named(run, () -> post(() -> finish(run)))),
                path(PathMatchers.segment("runs").slash(PathMatchers.segment()).slash("layers")
                        .slash(PathMatchers.segment()), (run, layer) ->
                        named(run, () -> named(layer, () -> get(() -> layerReport(run, layer))))),
                path(PathMatchers.segment("runs").slash(PathMatchers.segment()).slash("layers")
                        .slash(PathMatchers.segment()).slash("snapshots"), (run, layer) ->
                        post(() -> snapshot(run, layer))));
    }

    // ---- runs ----------------------------------------------------------------------------------

    private Route listRuns() {
        return onSuccess(askRegistry(RunRegistry.ListRuns::new), reply -> replyRoute(reply, r ->
                json(StatusCodes.OK, Map.of("runs", ((RunRegistry.Runs) r).runs(), "solver", monitor.solver()))));
    }

    private Route putRun(String run) {
        // Metadata is small (a target spectrum per layer): never buffer more than this, nor more than a snapshot.
        long limit = Math.min(MAX_METADATA_BYTES, options.maxBody());
        return extractRequestEntity(entity -> onComplete(readBody(entity, limit), read -> {
            if (read.isFailure()) {
                if (read.failed().get() instanceof EntityStreamSizeException) {
                    return error(StatusCodes.PAYLOAD_TOO_LARGE, "run metadata is over the limit of " + limit + " bytes");
                }
                return failWith(read.failed().get());
            }
            RunSpecParser.Result parsed = RunSpecParser.parse(read.get().getData().utf8String()); // JSON is UTF-8
            if (parsed.error() != null) {
                return error(StatusCodes.BAD_REQUEST, parsed.error());
            }
            return onSuccess(askRegistry(r -> new RunRegistry.PutRun(run, parsed.spec(), r)), reply ->
                    replyRoute(reply, ok -> json(StatusCodes.OK, Map.of("run", run,
                            "message", ((RunRegistry.Ok) ok).message()))));
        }));
    }

    private Route finish(String run) {
        return onSuccess(askRegistry(r -> new RunRegistry.FinishRun(run, r)), reply -> replyRoute(reply,
                ok -> json(StatusCodes.OK, Map.of("run", run, "message", ((RunRegistry.Ok) ok).message()))));
    }

    private Route layerReport(String run, String layer) {
        CompletionStage<SpectrumActor.LayerLookup> lookup = AskPattern.ask(registry,
                r -> new RunRegistry.GetLayer(run, layer, r), askTimeout, system.scheduler());
        return onSuccess(lookup, found -> {
            if (found instanceof SpectrumActor.Found f) {
                return json(StatusCodes.OK, f.report());
            }
            return error(StatusCodes.NOT_FOUND, ((SpectrumActor.NotFound) found).message());
        });
    }

    /** Server-Sent Events of LayerReports, optionally only of one run (and layer). */
    private Route stream() {
        return parameterOptional("run", run -> parameterOptional("layer", layer -> completeOK(
                monitor.bus().subscribe()
                        .filter(r -> run.map(r.run()::equals).orElse(true)
                                && layer.map(r.layer()::equals).orElse(true))
                        .map(r -> ServerSentEvent.create(Json.write(r), "report"))
                        .keepAlive(Duration.ofSeconds(10), ServerSentEvent::heartbeat),
                EventStreamMarshalling.toEventStream())));
    }

    // ---- snapshots -----------------------------------------------------------------------------

    private Route snapshot(String run, String layer) {
        if (!NAME.matcher(run).matches() || !NAME.matcher(layer).matches()) {
            registry.tell(new RunRegistry.CountRejected(run, layer, "bad_name"));
            return error(StatusCodes.BAD_REQUEST, badName(NAME.matcher(run).matches() ? layer : run));
        }
        return parameterOptional("step", step -> parameterOptional("lr", lr -> parameterOptional("batch", batch -> {
            SnapshotParameters.Result p = SnapshotParameters.parse(step, lr, batch);
            if (p.error() != null) {
                return rejected(run, layer, p.reason(), StatusCodes.BAD_REQUEST, p.error());
            }
            return extractRequestEntity(entity -> {
                if (!acceptedContentType(entity.getContentType())) {
                    return rejected(run, layer, "bad_content_type", StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                            "content type " + entity.getContentType() + " is not accepted: send the .npy bytes as "
                                    + "application/octet-stream");
                }
                if (entity.getContentLengthOption().orElse(0L) > options.maxBody()) {
                    return rejected(run, layer, "too_large", StatusCodes.PAYLOAD_TOO_LARGE, tooLarge(
                            entity.getContentLengthOption().getAsLong()));
                }
                return onComplete(readBody(entity, options.maxBody()), body -> {
                    if (body.isFailure()) {
                        if (body.failed().get() instanceof EntityStreamSizeException) {
                            return rejected(run, layer, "too_large", StatusCodes.PAYLOAD_TOO_LARGE, overLimit());
                        }
                        return failWith(body.failed().get());
                    }
                    return onSuccess(decode(body.get()), decoded -> {
                        if (decoded.error() != null) {
                            NpyFormatException e = decoded.error();
                            return rejected(run, layer, e.reason().label(), statusOf(e.reason()), e.getMessage());
                        }
                        return enqueue(run, layer, p, decoded.matrix());
                    });
                });
            });
        })));
    }

    /**
     * The whole body, at most {@code limit} bytes, or a failure with EntityStreamSizeException, whether
     * the body announced its size (Content-Length) or not (chunked: then it is found too large only
     * while it is read). The size limit is the only limit: toStrict's own would fail first on a known
     * Content-Length, with a generic exception that the routes would answer with 500.
     */
    private CompletionStage<HttpEntity.Strict> readBody(RequestEntity entity, long limit) {
        return entity.withSizeLimit(limit).toStrict(READ_TIMEOUT.toMillis(), Long.MAX_VALUE, materializer);
    }

    private String overLimit() {
        return "body is over the limit of " + options.maxBody() + " bytes (--max-body)";
    }

    /**
     * Decodes off the HTTP threads when the body is large (a 4096² float32 layer takes ~20 ms);
     * a small body decodes in microseconds, less than the hop to another thread would cost.
     */
    private CompletionStage<Decoded> decode(HttpEntity.Strict strict) {
        if (strict.getData().size() < INLINE_DECODE_BYTES) {
            return CompletableFuture.completedFuture(decodeNow(strict));
        }
        return CompletableFuture.supplyAsync(() -> decodeNow(strict), decoders);
    }

    private static Decoded decodeNow(HttpEntity.Strict strict) {
        try {
            return new Decoded(NpyDecoder.decode(strict.getData().asByteBuffer()), null);
        } catch (NpyFormatException e) {
            return new Decoded(null, e);
        }
    }

    private record Decoded(WeightMatrix matrix, NpyFormatException error) {
    }

    private Route enqueue(String run, String layer, SnapshotParameters.Result p, WeightMatrix m) {
        CompletionStage<RunRegistry.Reply> opened = askRegistry(
                r -> new RunRegistry.OpenLayer(run, layer, m.rows(), m.cols(), r));
        return onSuccess(opened, reply -> {
            if (reply instanceof RunRegistry.Refused refused) {
                registry.tell(new RunRegistry.CountRejected(run, layer, refused.reason()));
                return error(StatusCodes.get(refused.status()), refused.message());
            }
            RunRegistry.Opened o = (RunRegistry.Opened) reply;
            LayerChannel channel = o.channel();
            double lr = p.learningRate().orElse(o.spec().learningRate());
            int batch = p.batchSize().orElse(o.spec().batchSize());
            Snapshot snapshot = new Snapshot(run, layer, p.step(), m, lr, batch);
            channel.received();
            if (channel.policy() == OverloadPolicy.LATEST) {
                LayerChannel.Offer offer = channel.offer(snapshot);
                return accepted(snapshot, channel, offer);
            }
            return onSuccess(channel.offerWithin(snapshot, monitor.settings().allPolicyTimeout(), system), offer -> {
                if (offer == LayerChannel.Offer.FULL) {
                    channel.rejected("queue_full");
                    long retry = Math.max(1, monitor.settings().allPolicyTimeout().toSeconds() / 10);
                    return respondWithHeader(RawHeader.create("Retry-After", Long.toString(retry)), () ->
                            error(StatusCodes.SERVICE_UNAVAILABLE, "layer " + layer + " of run " + run
                                    + " is still busy after " + monitor.settings().allPolicyTimeout().toSeconds()
                                    + " s (policy all): the snapshot was not queued; retry after " + retry + " s"));
                }
                return accepted(snapshot, channel, offer);
            });
        });
    }

    private Route accepted(Snapshot s, LayerChannel channel, LayerChannel.Offer offer) {
        return json(StatusCodes.ACCEPTED, Map.of(
                "run", s.run(), "layer", s.layer(), "step", s.step(), "rows", s.weights().rows(),
                "cols", s.weights().cols(), "policy", channel.policy().label(),
                "status", offer == LayerChannel.Offer.QUEUED ? "queued" : "dropped"));
    }

    private Route rejected(String run, String layer, String reason, StatusCode status, String message) {
        registry.tell(new RunRegistry.CountRejected(run, layer, reason));
        return error(status, message);
    }

    private static boolean acceptedContentType(ContentType type) {
        String media = type.mediaType().toString();
        return type.equals(ContentTypes.NO_CONTENT_TYPE) || type.equals(ContentTypes.APPLICATION_OCTET_STREAM)
                || media.equals("application/x-npy") || media.equals("application/octet-stream");
    }

    /** What each decoding problem answers: a body that is not an array we take is 415, bad data 422. */
    static StatusCode statusOf(NpyFormatException.Reason reason) {
        return switch (reason) {
            case BAD_MAGIC, UNSUPPORTED_DTYPE -> StatusCodes.UNSUPPORTED_MEDIA_TYPE;
            case BAD_SHAPE, NON_FINITE -> StatusCodes.UNPROCESSABLE_ENTITY;
            case TOO_LARGE -> StatusCodes.PAYLOAD_TOO_LARGE;
            default -> StatusCodes.BAD_REQUEST;
        };
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private Route authorized(Supplier<Route> inner) {
        if (options.token().isEmpty()) {
            return inner.get();
        }
        byte[] expected = ("Bearer " + options.token().get()).getBytes(StandardCharsets.UTF_8);
        return optionalHeaderValueByName("Authorization", header -> parameterOptional("access_token", query -> {
            byte[] given = header.orElse("").getBytes(StandardCharsets.UTF_8);
            // A browser's EventSource cannot send headers: the live page's stream passes the token as
            // ?access_token= (RFC 6750 §2.3). Compared in constant time: no timing oracle on the token.
            byte[] givenQuery = ("Bearer " + query.orElse("")).getBytes(StandardCharsets.UTF_8);
            if (MessageDigest.isEqual(expected, given) || (query.isPresent() && MessageDigest.isEqual(expected, givenQuery))) {
                return inner.get();
            }
            return respondWithHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "dyson-monitor")), () ->
                    error(StatusCodes.UNAUTHORIZED, header.isEmpty() && query.isEmpty()
                            ? "this monitor requires a bearer token: send Authorization: Bearer <token>"
                            : "the bearer token is wrong"));
        }));
    }

    private Route named(String name, Supplier<Route> inner) {
        return NAME.matcher(name).matches() ? inner.get() : error(StatusCodes.BAD_REQUEST, badName(name));
    }

    private static String badName(String name) {
        String shown = name.length() > 80 ? name.substring(0, 80) + "…" : name;
        return "name \"" + shown + "\" is not allowed: use 1 to 64 characters of A-Z a-z 0-9 _ . : -";
    }

    private String tooLarge(long size) {
        return "body of " + size + " bytes is over the limit of " + options.maxBody() + " bytes (--max-body)";
    }

    private CompletionStage<RunRegistry.Reply> askRegistry(
            akka.japi.function.Function<ActorRef<RunRegistry.Reply>, RunRegistry.Command> message) {
        return AskPattern.ask(registry, message, askTimeout, system.scheduler());
    }

    private Route replyRoute(RunRegistry.Reply reply, Function<RunRegistry.Reply, Route> ok) {
        if (reply instanceof RunRegistry.Refused refused) {
            return error(StatusCodes.get(refused.status()), refused.message());
        }
        return ok.apply(reply);
    }

    private Route json(StatusCode status, Object body) {
        return complete(status, HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.write(body)));
    }

    private Route error(StatusCode status, String message) {
        return complete(status, HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.error(message)));
    }

    private ExceptionHandler errors() {
        return ExceptionHandler.newBuilder()
                .match(EntityStreamSizeException.class, e -> error(StatusCodes.PAYLOAD_TOO_LARGE,
                        "body is over the limit of " + options.maxBody() + " bytes (--max-body)"))
                .match(java.util.concurrent.TimeoutException.class, e -> error(StatusCodes.SERVICE_UNAVAILABLE,
                        "the monitor did not answer in time: " + e.getMessage()))
                .matchAny(e -> {
                    system.log().error("request failed", e);
                    return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + e);
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

    /** A convenience for tests and the CLI: the full HttpResponse is not needed elsewhere. */
    static Optional<String> header(HttpResponse r, String name) {
        return r.getHeader(name).map(h -> h.value());
    }
}

package org.dysonmonitor.http;

import akka.Done;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Connection;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import akka.http.scaladsl.model.EntityStreamSizeException;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import org.dysonmonitor.ingest.NpyFormatException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/** How the API answers: JSON bodies, {@code {"error": "..."}} on failure, and the one mapping of failures to statuses. */
final class Responses {

    /** A finished answer of a route's steps: status, JSON body, and Retry-After seconds (0: none). */
    record Answer(StatusCode status, Object body, long retryAfterSeconds) {
        static Answer of(StatusCode status, Object body) {
            return new Answer(status, body, 0);
        }
    }

    private Responses() {
    }

    static Route json(StatusCode status, Object body) {
        return Directives.complete(status, HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.write(body)));
    }

    static Route error(StatusCode status, String message) {
        return Directives.complete(status, HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.error(message)));
    }

    /**
     * An error whose body is sent at once but ends only once the request's unread body has been
     * dropped: Akka HTTP closes the connection after an answer sent before its request's end, and
     * holding the answer's end holds that close until no unread byte is left to turn it into a reset.
     * The close is announced whether or not the body has ended by the time the answer is sent (the
     * drop may be cut short by {@link BodyReader#LINGER}), so a client always sees the same answer.
     */
    static Route errorWhileDropping(StatusCode status, String message, CompletionStage<Done> unreadBody) {
        ByteString json = ByteString.fromString(Json.error(message));
        Source<ByteString, ?> body = Source.single(json)
                .concat(Source.completionStageSource(unreadBody.thenApply(done -> Source.<ByteString>empty())));
        return Directives.respondWithHeader(Connection.create("close"), () -> Directives.complete(status,
                HttpEntities.create(ContentTypes.APPLICATION_JSON, json.size(), body)));
    }

    static Route answer(Answer a) {
        if (a.retryAfterSeconds() > 0) {
            return Directives.respondWithHeader(RawHeader.create("Retry-After", Long.toString(a.retryAfterSeconds())),
                    () -> json(a.status(), a.body()));
        }
        return json(a.status(), a.body());
    }

    /**
     * Every failure of a route's steps as an answer: a {@link Refusal} with its own status; a timeout
     * of an actor as 503; anything else is a bug, 500 (the exception handler logs it).
     */
    static Route failure(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof Refusal r) {
            if (r.status() == 503) { // a refusal for now (the in-flight budget, a closed layer): retry soon
                return Directives.respondWithHeader(RawHeader.create("Retry-After",
                        Long.toString(SnapshotSteps.OVERLOADED_RETRY_SECONDS)),
                        () -> error(StatusCodes.get(r.status()), r.getMessage()));
            }
            if (r.unreadBody() != null) {
                return errorWhileDropping(StatusCodes.get(r.status()), r.getMessage(), r.unreadBody());
            }
            return error(StatusCodes.get(r.status()), r.getMessage());
        }
        if (cause instanceof TimeoutException) {
            return error(StatusCodes.SERVICE_UNAVAILABLE, "the monitor did not answer in time: " + cause.getMessage());
        }
        return Directives.failWith(cause);
    }

    /**
     * What each decoding problem answers: a body that is not an array or archive we take is 415, data
     * that cannot be a layer 422, a body over a limit 413, a malformed body 400.
     */
    static int statusOf(NpyFormatException.Reason reason) {
        return switch (reason) {
            case BAD_MAGIC, UNSUPPORTED_DTYPE, UNSUPPORTED_ARCHIVE -> 415;
            case BAD_SHAPE, NON_FINITE, NO_LAYERS, DUPLICATE_NAME -> 422;
            case TOO_LARGE, ZIP_BOMB, TOO_MANY_ENTRIES -> 413;
            default -> 400;
        };
    }

    /** Whether a failure is a body over its size limit, however the body was sent. */
    static boolean tooLarge(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return cause instanceof EntityStreamSizeException;
    }
}

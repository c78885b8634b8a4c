package org.dysonmonitor.http;

import akka.Done;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.RequestEntity;
import akka.http.scaladsl.model.EntityStreamSizeException;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import org.dysonmonitor.monitor.InflightBudget;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Reads a request body whole, bounded. The body arrives as chunks that Akka HTTP has read from the
 * socket; {@link #read} joins them into one contiguous buffer: the first of the (at most two) copies
 * a snapshot's matrix makes between the socket and the solver (the second is the decode into the
 * matrix's array, which the solver then reads in place).
 */
final class BodyReader {

    /** How long a client may take to send a body. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    /**
     * How long a body refused before its read is still read and dropped once its answer is out
     * (nginx's lingering close, 30 s there too): long enough for a client that reads only after it
     * has sent everything (java.net.http, Python's http.client) to send 256 MiB at 100 Mbit/s.
     */
    static final Duration LINGER = Duration.ofSeconds(30);

    private final Materializer materializer;

    BodyReader(Materializer materializer) {
        this.materializer = materializer;
    }

    /** A chunked body's next chunk did not fit in the in-flight budget. */
    static final class Overloaded extends RuntimeException {
        Overloaded() {
            super("the in-flight budget is spent", null, false, false);
        }
    }

    /**
     * Reads a refused request's body and keeps none of it, so that the client, still sending, gets
     * the answer instead of a broken pipe; the connection stays usable. Costs bandwidth, no memory.
     */
    CompletionStage<akka.Done> discard(RequestEntity entity) {
        return entity.discardBytes(materializer).completionStage();
    }

    /**
     * Reads and drops a refused body while its answer goes out, for at most {@link #LINGER}; done
     * when the body has ended, the client went away, or the time is up. Closing a connection that
     * still has unread bytes makes the kernel send a reset, and a client still sending then fails
     * with a broken pipe or a reset, often before it has read the answer that was already on its way.
     */
    CompletionStage<Done> linger(RequestEntity entity) {
        return entity.withoutSizeLimit().getDataBytes().takeWithin(LINGER).runWith(Sink.ignore(), materializer)
                .exceptionally(failure -> Done.getInstance()); // a client gone is done too
    }

    /** A small body (run metadata) outside the in-flight budget. */
    CompletionStage<ByteBuffer> read(RequestEntity entity, long limit) {
        return read(entity, limit, null, 0);
    }

    /**
     * The whole body, at most {@code limit} bytes, or a failure with EntityStreamSizeException, whether
     * the body announced its size (Content-Length) or not (chunked: then it is found too large only
     * while it is read). A chunked body reserves {@code perByte} bytes of {@code reservation} per byte
     * as each chunk arrives (a body of known length reserved before the read) and fails with
     * {@link Overloaded} when the budget has no room, before the chunk is kept.
     */
    CompletionStage<ByteBuffer> read(RequestEntity entity, long limit, InflightBudget.Reservation reservation,
                                     int perByte) {
        if (entity instanceof HttpEntity.Strict strict) {
            // The whole body came with the request head (Akka HTTP makes a Strict entity of a body that
            // its first read of the socket holds): taken as it is, without a stream. Folding its bytes
            // (or toStrict) materializes a stream, an actor started and stopped per request: for a small
            // snapshot most of what the route cost. Its size was announced; a Strict entity has it.
            ByteString data = strict.getData();
            if (data.size() > limit) {
                return CompletableFuture.failedFuture(new EntityStreamSizeException(limit, scala.Option.apply(data.size())));
            }
            return CompletableFuture.completedFuture(data.asByteBuffer());
        }
        CompletableFuture<ByteBuffer> body = new CompletableFuture<>();
        boolean chunked = entity.getContentLengthOption().isEmpty();
        Source<ByteString, ?> data = entity.withSizeLimit(limit).getDataBytes();
        if (chunked && reservation != null) {
            data = data.map(chunk -> {
                if (!reservation.grow((long) perByte * chunk.size())) {
                    throw new Overloaded();
                }
                return chunk;
            });
        }
        data.completionTimeout(READ_TIMEOUT)
                .runFold(ByteString.emptyByteString(), ByteString::concat, materializer)
                .whenCompleteAsync((joined, failure) -> {
                    if (failure != null) {
                        body.completeExceptionally(failure);
                    } else {
                        // The socket's chunks as one ByteString: asByteBuffer copies them into one array
                        // (or wraps it, when the body came in one chunk).
                        body.complete(joined.asByteBuffer());
                    }
                }, Runnable::run);
        return body;
    }

    /** Snapshot bodies are binary: no content type, application/octet-stream, or application/x-npy. */
    static boolean acceptedContentType(ContentType type) {
        String media = type.mediaType().toString();
        return type.equals(ContentTypes.NO_CONTENT_TYPE) || type.equals(ContentTypes.APPLICATION_OCTET_STREAM)
                || media.equals("application/x-npy") || media.equals("application/octet-stream");
    }
}

package org.dysonmonitor.http;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.RequestEntity;
import akka.stream.Materializer;

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

    private final Materializer materializer;

    BodyReader(Materializer materializer) {
        this.materializer = materializer;
    }

    /**
     * The whole body, at most {@code limit} bytes, or a failure with EntityStreamSizeException, whether
     * the body announced its size (Content-Length) or not (chunked: then it is found too large only
     * while it is read). The size limit is the only limit: toStrict's own would fail first on a known
     * Content-Length, with a generic exception that the routes would answer with 500.
     */
    CompletionStage<ByteBuffer> read(RequestEntity entity, long limit) {
        CompletableFuture<ByteBuffer> body = new CompletableFuture<>();
        entity.withSizeLimit(limit).toStrict(READ_TIMEOUT.toMillis(), Long.MAX_VALUE, materializer)
                .whenCompleteAsync((strict, failure) -> {
                    if (failure != null) {
                        body.completeExceptionally(failure);
                    } else {
                        // One ByteString made of the socket's chunks: asByteBuffer copies them into one
                        // array (or wraps it, when the body came in one chunk).
                        body.complete(strict.getData().asByteBuffer());
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

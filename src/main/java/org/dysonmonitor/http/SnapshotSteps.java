package org.dysonmonitor.http;

import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCodes;
import org.dysonmonitor.ingest.NpyFormatException;
import org.dysonmonitor.metrics.LabelValues;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.SnapshotIntake;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The steps both snapshot routes share: the query, the entity's type and announced size, the bounded
 * body, decoding off the HTTP threads when large, and refusals. Each step that fails throws a
 * {@link Refusal} that it has counted ({@code label} is the layer label the rejection counts under).
 */
final class SnapshotSteps {

    /** Bodies below this decode on the HTTP thread: microseconds, less than a hop to another thread. */
    private static final int INLINE_DECODE_BYTES = 1 << 20;

    /** Decoding that may fail with the body's problem. */
    @FunctionalInterface
    interface Decoding<T> {
        T decode() throws NpyFormatException;
    }

    final SnapshotIntake intake;
    final ServerOptions options;
    final Duration allPolicyTimeout;
    private final BodyReader bodies;
    private final Executor decoders;

    SnapshotSteps(Monitor monitor, ServerOptions options, BodyReader bodies, Executor decoders) {
        this.intake = new SnapshotIntake(monitor);
        this.options = options;
        this.bodies = bodies;
        this.decoders = decoders;
        this.allPolicyTimeout = monitor.settings().allPolicyTimeout();
    }

    void checkRunName(String run, String label) {
        if (!LabelValues.isRunName(run)) {
            throw refuse(run, label, "bad_name", 400, badName(run, false));
        }
    }

    SnapshotParameters.Result parameters(String run, String label, Optional<String> step,
                                         Optional<String> lr, Optional<String> batch) {
        SnapshotParameters.Result p = SnapshotParameters.parse(step, lr, batch);
        if (p.error() != null) {
            throw refuse(run, label, p.reason(), 400, p.error());
        }
        return p;
    }

    /** @param what what the body must be, for the message, e.g. "the .npy bytes" */
    void checkEntity(String run, String label, RequestEntity entity, String what) {
        if (!BodyReader.acceptedContentType(entity.getContentType())) {
            throw refuse(run, label, "bad_content_type", 415, "content type " + entity.getContentType()
                    + " is not accepted: send " + what + " as application/octet-stream");
        }
        long announced = entity.getContentLengthOption().orElse(0L);
        if (announced > options.maxBody()) {
            throw refuse(run, label, "too_large", 413, "body of " + announced + " bytes is over the limit of "
                    + options.maxBody() + " bytes (--max-body)");
        }
    }

    /** Copy 1 of 2: the body's chunks into one buffer, at most --max-body bytes. */
    CompletionStage<ByteBuffer> read(String run, String label, RequestEntity entity) {
        return bodies.read(entity, options.maxBody()).handle((body, failure) -> {
            if (failure == null) {
                return body;
            }
            if (Responses.tooLarge(failure)) {
                throw refuse(run, label, "too_large", 413, "body is over the limit of " + options.maxBody()
                        + " bytes (--max-body)");
            }
            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
        });
    }

    /** Reads what the body declares (cheap, on this thread); a problem is refused and counted. */
    <T> T declared(String run, String label, Decoding<T> header) {
        try {
            return header.decode();
        } catch (NpyFormatException e) {
            throw refuse(run, label, e.reason().label(), Responses.statusOf(e.reason()), e.getMessage());
        }
    }

    /** Copy 2 of 2: the body's bytes into the matrices' arrays, off the HTTP threads when large. */
    <T> CompletionStage<T> decode(String run, String label, ByteBuffer body, Decoding<T> decoding) {
        Supplier<T> task = () -> declared(run, label, decoding);
        if (body.remaining() < INLINE_DECODE_BYTES) {
            return CompletableFuture.completedFuture(task.get());
        }
        return CompletableFuture.supplyAsync(task, decoders);
    }

    /** Refuses with the registry's refusal of an admission. */
    Refusal refused(String run, String label, SnapshotIntake.Refused refused) {
        return refuse(run, label, refused.refusal().reason(), refused.refusal().status(), refused.refusal().message());
    }

    /** Counts the rejection (received and rejected, under the run if it exists) and returns the refusal. */
    Refusal refuse(String run, String label, String reason, int status, String message) {
        intake.countRejected(run, label, reason);
        return new Refusal(status, reason, message);
    }

    /**
     * 503 with Retry-After: under {@code all}, {@code what} had no free slot within the timeout.
     * {@code more} is added to the JSON body after the error.
     */
    Responses.Answer busy(String what, Map<String, Object> more) {
        long retry = Math.max(1, allPolicyTimeout.toSeconds() / 10);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", what + " still busy after " + allPolicyTimeout.toSeconds()
                + " s (policy all): the snapshot was not queued; retry after " + retry + " s");
        body.putAll(more);
        return new Responses.Answer(StatusCodes.SERVICE_UNAVAILABLE, body, retry);
    }

    static String badName(String name, boolean layer) {
        String shown = name.length() > 140 ? name.substring(0, 140) + "…" : name;
        return "name \"" + shown + "\" is not allowed: use " + LabelValues.nameRule(layer);
    }
}

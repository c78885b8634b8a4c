package org.dysonmonitor.http;

import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCodes;
import org.dysonmonitor.ingest.NpyFormatException;
import org.dysonmonitor.metrics.LabelValues;
import org.dysonmonitor.monitor.InflightBudget;
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

    /** Bytes a request may hold at its peak per byte of body (see {@link #reserve}). */
    static final int PEAK_PER_BODY_BYTE = 2;
    static final long OVERLOADED_RETRY_SECONDS = 1;

    final SnapshotIntake intake;
    private final InflightBudget budget;
    final ServerOptions options;
    final Duration allPolicyTimeout;
    private final BodyReader bodies;
    private final Executor decoders;

    SnapshotSteps(Monitor monitor, ServerOptions options, BodyReader bodies, Executor decoders) {
        this.intake = new SnapshotIntake(monitor);
        this.budget = monitor.budget();
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

    /**
     * Reserves the request's bytes in the in-flight budget before its body is read: twice its
     * Content-Length (at its peak a request holds its chunks and the joined body, then the body and
     * its decoded matrix); a chunked body reserves as it streams ({@link #read}). A body that can
     * never fit is 413; one that does not fit now is 503 with Retry-After ({@code overloaded}), both
     * counted. The caller closes the reservation when the request ends.
     */
    InflightBudget.Reservation reserve(String run, String label, RequestEntity entity) {
        InflightBudget.Reservation reservation = budget.reservation();
        long announced = entity.getContentLengthOption().orElse(0L);
        if (PEAK_PER_BODY_BYTE * announced > budget.limit()) {
            throw refuse(run, label, "too_large", 413, "body of " + announced + " bytes needs "
                    + PEAK_PER_BODY_BYTE * announced + " bytes in flight, over the budget of " + budget.limit()
                    + " bytes (--max-inflight-bytes)");
        }
        if (!reservation.grow(PEAK_PER_BODY_BYTE * announced)) {
            throw overloaded(run, label);
        }
        return reservation;
    }

    /**
     * The failed answer of a refusal before the body was read. A 503 (the client will send again) is
     * answered once the body has been read and discarded (bandwidth, no memory): answering while the
     * client still sends would close the connection under it, a broken pipe instead of the 503. Any
     * other refusal is answered at once (a client that reads while it sends can stop), and the body is
     * dropped while the answer goes out, so that the connection closes only once it has ended.
     */
    <T> CompletionStage<T> refusedBeforeRead(RequestEntity entity, Refusal r) {
        if (r.status() != 503) {
            return CompletableFuture.failedFuture(r.whileDropping(bodies.linger(entity)));
        }
        return bodies.discard(entity).handle((done, failure) -> {
            throw r;
        });
    }

    /** Copy 1 of 2: the body's chunks into one buffer, at most --max-body bytes. */
    CompletionStage<ByteBuffer> read(String run, String label, RequestEntity entity,
                                     InflightBudget.Reservation reservation) {
        return bodies.read(entity, options.maxBody(), reservation, PEAK_PER_BODY_BYTE).handle((body, failure) -> {
            if (failure == null) {
                return body;
            }
            if (Responses.tooLarge(failure)) {
                throw refuse(run, label, "too_large", 413, "body is over the limit of " + options.maxBody()
                        + " bytes (--max-body)");
            }
            Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
            if (cause instanceof BodyReader.Overloaded) {
                throw overloaded(run, label);
            }
            if (cause instanceof java.util.concurrent.TimeoutException) {
                throw refuse(run, label, "read_timeout", 408, "the body did not arrive within the read timeout");
            }
            // The client went away mid-body (or the stream broke): counted, never a silent 500.
            throw refuse(run, label, "read_failed", 400, "the body could not be read: " + cause.getMessage());
        });
    }

    /**
     * Holds exactly the decoded matrices' bytes from here on (they wait in the queues; the body is
     * garbage once decoded); 503 {@code overloaded} when they need more than the budget has.
     */
    void holdDecoded(String run, String label, InflightBudget.Reservation reservation, long decodedBytes) {
        if (!reservation.resize(decodedBytes)) {
            throw overloaded(run, label);
        }
    }

    /** Reserves {@code bytes} more before decoding (e.g. a compressed archive's declared values). */
    void reserveMore(String run, String label, InflightBudget.Reservation reservation, long bytes) {
        if (!reservation.grow(bytes)) {
            throw overloaded(run, label);
        }
    }

    private Refusal overloaded(String run, String label) {
        return refuse(run, label, "overloaded", 503, "the monitor has " + budget.used() + " of "
                + budget.limit() + " bytes in flight (--max-inflight-bytes): retry after "
                + OVERLOADED_RETRY_SECONDS + " s");
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

    /**
     * 503 with Retry-After under either policy: {@code what} was closed (its run expired) while the
     * snapshot arrived and could not be opened again; counted rejected ({@code closed}).
     */
    Responses.Answer closed(String what, Map<String, Object> more) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", what + " was closed while the snapshot arrived (its run expired or went idle) and "
                + "could not be opened again: the snapshot was not queued; retry after " + OVERLOADED_RETRY_SECONDS + " s");
        body.putAll(more);
        return new Responses.Answer(StatusCodes.SERVICE_UNAVAILABLE, body, OVERLOADED_RETRY_SECONDS);
    }

    static String badName(String name, boolean layer) {
        String shown = name.length() > 140 ? name.substring(0, 140) + "…" : name;
        return "name \"" + shown + "\" is not allowed: use " + LabelValues.nameRule(layer);
    }
}

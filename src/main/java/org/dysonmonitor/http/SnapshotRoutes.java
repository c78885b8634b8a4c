package org.dysonmonitor.http;

import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import org.dysonmonitor.ingest.NpyDecoder;
import org.dysonmonitor.ingest.NpyFormatException;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.metrics.LabelValues;
import org.dysonmonitor.monitor.ChannelDirectory;
import org.dysonmonitor.monitor.LayerChannel;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.SnapshotIntake;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@code POST /api/v1/runs/{run}/layers/{layer}/snapshots?step=N[&lr=α][&batch=B]}: one layer as a
 * 2-D {@code .npy} body. The steps, in order: name and query → content type and announced size → the
 * body, bounded → decode → admit the layer (its channel from the directory; the registry only for a
 * new layer) → deliver with the run's policy. A failing step throws a {@link Refusal}, counted where
 * it is thrown; {@link Responses#failure} answers every one.
 */
final class SnapshotRoutes extends AllDirectives {

    /** Bodies below this decode on the HTTP thread: microseconds, less than a hop to another thread. */
    private static final int INLINE_DECODE_BYTES = 1 << 20;

    private final SnapshotIntake intake;
    private final ServerOptions options;
    private final BodyReader bodies;
    private final Executor decoders;
    private final Duration allPolicyTimeout;

    SnapshotRoutes(Monitor monitor, ServerOptions options, BodyReader bodies, Executor decoders) {
        this.intake = new SnapshotIntake(monitor);
        this.options = options;
        this.bodies = bodies;
        this.decoders = decoders;
        this.allPolicyTimeout = monitor.settings().allPolicyTimeout();
    }

    Route layer(String run, String layer) {
        return parameterOptional("step", step -> parameterOptional("lr", lr -> parameterOptional("batch", batch ->
                extractRequestEntity(entity -> onComplete(layerSnapshot(run, layer, step, lr, batch, entity),
                        done -> done.isSuccess() ? Responses.answer(done.get()) : Responses.failure(done.failed().get()))))));
    }

    private CompletionStage<Responses.Answer> layerSnapshot(String run, String layer, Optional<String> step,
                                                            Optional<String> lr, Optional<String> batch,
                                                            RequestEntity entity) {
        SnapshotParameters.Result query;
        try {
            checkNames(run, layer);
            query = parameters(run, layer, step, lr, batch);
            checkEntity(run, layer, entity);
        } catch (Refusal r) {
            return CompletableFuture.failedFuture(r);
        }
        return read(run, layer, entity)                                               // : ByteBuffer
                .thenCompose(body -> decode(run, layer, body))                        // : WeightMatrix
                .thenCompose(m -> admit(run, layer, m)                                // : LayerChannel
                        .thenCompose(channel -> deliver(channel, query, m)));         // : Answer
    }

    // ---- the steps -------------------------------------------------------------------------------

    private void checkNames(String run, String layer) {
        if (!LabelValues.isRunName(run)) {
            throw refuse(run, layer, "bad_name", 400, badName(run, false));
        }
        if (!LabelValues.isLayerName(layer)) {
            throw refuse(run, layer, "bad_name", 400, badName(layer, true));
        }
    }

    private SnapshotParameters.Result parameters(String run, String layer, Optional<String> step,
                                                 Optional<String> lr, Optional<String> batch) {
        SnapshotParameters.Result p = SnapshotParameters.parse(step, lr, batch);
        if (p.error() != null) {
            throw refuse(run, layer, p.reason(), 400, p.error());
        }
        return p;
    }

    private void checkEntity(String run, String layer, RequestEntity entity) {
        if (!BodyReader.acceptedContentType(entity.getContentType())) {
            throw refuse(run, layer, "bad_content_type", 415, "content type " + entity.getContentType()
                    + " is not accepted: send the .npy bytes as application/octet-stream");
        }
        long announced = entity.getContentLengthOption().orElse(0L);
        if (announced > options.maxBody()) {
            throw refuse(run, layer, "too_large", 413, "body of " + announced + " bytes is over the limit of "
                    + options.maxBody() + " bytes (--max-body)");
        }
    }

    private CompletionStage<ByteBuffer> read(String run, String layer, RequestEntity entity) {
        return bodies.read(entity, options.maxBody()).handle((body, failure) -> {
            if (failure == null) {
                return body;
            }
            if (Responses.tooLarge(failure)) {
                throw refuse(run, layer, "too_large", 413, "body is over the limit of " + options.maxBody()
                        + " bytes (--max-body)");
            }
            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
        });
    }

    /** Copy 2 of 2: the body's bytes into the matrix's array, off the HTTP threads when large. */
    private CompletionStage<WeightMatrix> decode(String run, String layer, ByteBuffer body) {
        if (body.remaining() < INLINE_DECODE_BYTES) {
            return CompletableFuture.completedFuture(decodeNow(run, layer, body));
        }
        return CompletableFuture.supplyAsync(() -> decodeNow(run, layer, body), decoders);
    }

    private WeightMatrix decodeNow(String run, String layer, ByteBuffer body) {
        try {
            return NpyDecoder.decode(body);
        } catch (NpyFormatException e) {
            throw refuse(run, layer, e.reason().label(), Responses.statusOf(e.reason()), e.getMessage());
        }
    }

    private CompletionStage<LayerChannel> admit(String run, String layer, WeightMatrix m) {
        return intake.admit(run, List.of(new ChannelDirectory.LayerShape(layer, m.rows(), m.cols())))
                .thenApply(admission -> {
                    if (admission instanceof SnapshotIntake.Refused refused) {
                        throw refuse(run, layer, refused.refusal().reason(), refused.refusal().status(),
                                refused.refusal().message());
                    }
                    return ((SnapshotIntake.Admitted) admission).channels().get(0);
                });
    }

    private CompletionStage<Responses.Answer> deliver(LayerChannel channel, SnapshotParameters.Result query,
                                                      WeightMatrix m) {
        return intake.deliver(List.of(channel), query.step(), List.of(m), query.learningRate(), query.batchSize(),
                        allPolicyTimeout)
                .thenApply(offers -> {
                    LayerChannel.Offer offer = offers.get(0);
                    if (offer == LayerChannel.Offer.FULL) {
                        return busy("layer " + channel.layer() + " of run " + channel.run());
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("run", channel.run());
                    body.put("layer", channel.layer());
                    body.put("step", query.step());
                    body.put("rows", m.rows());
                    body.put("cols", m.cols());
                    body.put("policy", channel.policy().label());
                    body.put("status", status(offer));
                    return Responses.Answer.of(StatusCodes.ACCEPTED, body);
                });
    }

    // ---- shared with the whole-model route ------------------------------------------------------

    /** 503 with Retry-After: under {@code all}, {@code what} had no free slot within the timeout. */
    Responses.Answer busy(String what) {
        long retry = Math.max(1, allPolicyTimeout.toSeconds() / 10);
        return new Responses.Answer(StatusCodes.SERVICE_UNAVAILABLE, Map.of("error", what + " is still busy after "
                + allPolicyTimeout.toSeconds() + " s (policy all): the snapshot was not queued; retry after "
                + retry + " s"), retry);
    }

    static String status(LayerChannel.Offer offer) {
        return offer == LayerChannel.Offer.QUEUED ? "queued" : offer == LayerChannel.Offer.DROPPED ? "dropped" : "not_queued";
    }

    /** Counts the rejection (received and rejected, under the run if it exists) and returns the refusal. */
    Refusal refuse(String run, String layer, String reason, int status, String message) {
        intake.countRejected(run, layer, reason);
        return new Refusal(status, reason, message);
    }

    static String badName(String name, boolean layer) {
        String shown = name.length() > 140 ? name.substring(0, 140) + "…" : name;
        return "name \"" + shown + "\" is not allowed: use " + LabelValues.nameRule(layer);
    }
}

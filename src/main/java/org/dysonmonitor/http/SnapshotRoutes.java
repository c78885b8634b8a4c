package org.dysonmonitor.http;

import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import org.dysonmonitor.ingest.NpyDecoder;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.metrics.LabelValues;
import org.dysonmonitor.monitor.ChannelDirectory;
import org.dysonmonitor.monitor.InflightBudget;
import org.dysonmonitor.monitor.LayerChannel;
import org.dysonmonitor.monitor.SnapshotIntake;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /api/v1/runs/{run}/layers/{layer}/snapshots?step=N[&lr=α][&batch=B]}: one layer as a
 * 2-D {@code .npy} body. The steps, in order: names and query → content type and announced size → the
 * body, bounded → what it declares (shape, dtype, data length; no value read) → admit the layer (name,
 * caps, shape, run finished: its channel from the directory; the registry only for a new layer) →
 * decode → deliver with the run's policy. A failing step throws a {@link Refusal}, counted where
 * it is thrown; {@link Responses#failure} answers every one.
 */
final class SnapshotRoutes extends AllDirectives {

    private final SnapshotSteps steps;

    SnapshotRoutes(SnapshotSteps steps) {
        this.steps = steps;
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
        InflightBudget.Reservation reservation;
        try {
            steps.checkRunName(run, layer);
            checkLayerName(run, layer);
            query = steps.parameters(run, layer, step, lr, batch);
            steps.checkEntity(run, layer, entity, "the .npy bytes");
            reservation = steps.reserve(run, layer, entity);
        } catch (Refusal r) {
            return steps.refusedBeforeRead(entity, r);
        }
        return steps.read(run, layer, entity, reservation).thenCompose(body -> {               // : ByteBuffer
                    NpyDecoder.Declared declared = steps.declared(run, layer, () -> NpyDecoder.header(body,
                            NpyDecoder.DEFAULT_MAX_ELEMENTS));                                  // : Declared
                    return admit(run, layer, declared)                                          // : LayerChannel
                            .thenCompose(channel -> steps.decode(run, layer, body,
                                            () -> NpyDecoder.decode(body, declared))            // : WeightMatrix
                                    .thenCompose(m -> {
                                        steps.holdDecoded(run, layer, reservation, InflightBudget.bytesOf(m));
                                        return deliver(channel, query, m, reservation);         // : Answer
                                    }));
                })
                .whenComplete((answer, failure) -> reservation.close()); // what no queue took over
    }

    private void checkLayerName(String run, String layer) {
        if (!LabelValues.isLayerName(layer)) {
            throw steps.refuse(run, layer, "bad_name", 400, SnapshotSteps.badName(layer, true));
        }
    }

    private CompletionStage<LayerChannel> admit(String run, String layer, NpyDecoder.Declared declared) {
        return steps.intake.admit(run, List.of(new ChannelDirectory.LayerShape(layer, declared.rows(), declared.cols())))
                .thenApply(admission -> {
                    if (admission instanceof SnapshotIntake.Refused refused) {
                        throw steps.refused(run, layer, refused);
                    }
                    return ((SnapshotIntake.Admitted) admission).channels().get(0);
                });
    }

    private CompletionStage<Responses.Answer> deliver(LayerChannel channel, SnapshotParameters.Result query,
                                                      WeightMatrix m, InflightBudget.Reservation reservation) {
        return steps.intake.deliver(List.of(channel), query.step(), List.of(m), query.learningRate(),
                        query.batchSize(), steps.allPolicyTimeout, reservation)
                .thenApply(offers -> {
                    LayerChannel.Offer offer = offers.get(0);
                    if (offer == LayerChannel.Offer.FULL) {
                        return steps.busy("layer " + channel.layer() + " of run " + channel.run() + " is", Map.of());
                    }
                    if (offer == LayerChannel.Offer.CLOSED) {
                        return steps.closed("layer " + channel.layer() + " of run " + channel.run(), Map.of());
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

    static String status(LayerChannel.Offer offer) {
        return switch (offer) {
            case QUEUED -> "queued";
            case FULL, CLOSED -> "not_queued";
        };
    }
}

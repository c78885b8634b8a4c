package org.dysonmonitor.http;

import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import org.dysonmonitor.ingest.ArrayHeader;
import org.dysonmonitor.ingest.DecodedModel;
import org.dysonmonitor.ingest.ModelDecoder;
import org.dysonmonitor.ingest.ModelHeader;
import org.dysonmonitor.ingest.ModelLimits;
import org.dysonmonitor.ingest.NamedMatrix;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.metrics.LabelValues;
import org.dysonmonitor.monitor.ChannelDirectory;
import org.dysonmonitor.monitor.InflightBudget;
import org.dysonmonitor.monitor.LayerChannel;
import org.dysonmonitor.monitor.SnapshotIntake;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /api/v1/runs/{run}/snapshots?step=N[&lr=α][&batch=B]}: a whole model as {@code .npz}
 * or safetensors (told apart by the first bytes); every array of two or more dimensions is a layer
 * named by its key, 0-D and 1-D arrays are skipped and listed. The steps, in order: run name and query
 * → content type and announced size → the body, bounded → what it declares (names, shapes, dtypes,
 * limits; no value read) → every layer name → admit every layer at once (caps, shapes, run finished)
 * → decode → deliver every layer with the run's policy.
 *
 * <p>All or nothing: a refusal at any step names the bad entry, and the model is counted once, as
 * received and rejected under the layer label {@code _model} of its run (or of {@code _invalid});
 * none of its layers counts anything, so received = processed + dropped + rejected stays exact for
 * every layer. Once delivered, each layer counts as one received snapshot of its own.
 */
final class ModelSnapshotRoute extends AllDirectives {

    private static final String LABEL = LabelValues.WHOLE_MODEL;

    private record Declared(ByteBuffer body, ModelHeader header) {
    }

    private record Admitted(Declared declared, List<LayerChannel> channels) {
    }

    private final SnapshotSteps steps;
    private final ModelLimits limits;

    ModelSnapshotRoute(SnapshotSteps steps) {
        this.steps = steps;
        // Bounded by --max-body however the body is compressed: at most maxBody / 2 elements (a float16
        // body's count), so decoded floats take at most 2 × --max-body, and at most 4 × --max-body inflated
        // (float64 entries of that many elements).
        ModelLimits d = ModelLimits.DEFAULT;
        long maxBody = steps.options.maxBody();
        long elements = Math.min(d.maxTotalElements(), Math.max(1, maxBody / 2));
        this.limits = new ModelLimits(d.maxEntries(), d.maxHeaderBytes(), elements,
                Math.min(elements, d.maxElementsPerArray()), Math.min(d.maxInflatedBytes(), 4 * maxBody),
                d.maxCompressionRatio());
    }

    Route model(String run) {
        return parameterOptional("step", step -> parameterOptional("lr", lr -> parameterOptional("batch", batch ->
                extractRequestEntity(entity -> onComplete(modelSnapshot(run, step, lr, batch, entity),
                        done -> done.isSuccess() ? Responses.answer(done.get()) : Responses.failure(done.failed().get()))))));
    }

    private CompletionStage<Responses.Answer> modelSnapshot(String run, Optional<String> step, Optional<String> lr,
                                                            Optional<String> batch, RequestEntity entity) {
        SnapshotParameters.Result query;
        InflightBudget.Reservation reservation;
        try {
            steps.checkRunName(run, LABEL);
            query = steps.parameters(run, LABEL, step, lr, batch);
            steps.checkEntity(run, LABEL, entity, "the .npz or safetensors bytes");
            reservation = steps.reserve(run, LABEL, entity);
        } catch (Refusal r) {
            return steps.refusedBeforeRead(entity, r);
        }
        return steps.read(run, LABEL, entity, reservation)                            // : ByteBuffer
                .thenApply(body -> declare(run, body))                                // : Declared
                .thenCompose(declared -> admit(run, declared))                        // : Admitted
                .thenCompose(admitted -> {
                    // A compressed archive decodes to more than its body: its declared values are
                    // reserved before they are inflated.
                    steps.reserveMore(run, LABEL, reservation, declaredBytes(admitted.declared().header()));
                    return steps.decode(run, LABEL, admitted.declared().body(),
                                    () -> ModelDecoder.decode(admitted.declared().body(), limits))
                            .thenCompose(model -> {
                                steps.holdDecoded(run, LABEL, reservation, model.layers().stream()
                                        .mapToLong(m -> InflightBudget.bytesOf(m.matrix())).sum());
                                return deliver(run, query, admitted, model, reservation); // : Answer
                            });
                })
                .whenComplete((answer, failure) -> reservation.close()); // what no queue took over
    }

    /** At most what the declared layers take decoded: 8 bytes a value. */
    private static long declaredBytes(ModelHeader header) {
        return header.layers().stream().mapToLong(a -> a.elements() * Double.BYTES).sum();
    }

    private Declared declare(String run, ByteBuffer body) {
        ModelHeader header = steps.declared(run, LABEL, () -> ModelDecoder.header(body, limits));
        for (ArrayHeader layer : header.layers()) {
            if (!LabelValues.isLayerName(layer.name())) {
                throw steps.refuse(run, LABEL, "bad_name", 400, "array '" + layer.name() + "': "
                        + SnapshotSteps.badName(layer.name(), true));
            }
        }
        return new Declared(body, header);
    }

    private CompletionStage<Admitted> admit(String run, Declared declared) {
        List<ChannelDirectory.LayerShape> shapes = declared.header().layers().stream()
                .map(a -> new ChannelDirectory.LayerShape(a.name(), a.rows(), a.cols())).toList();
        return steps.intake.admit(run, shapes).thenApply(admission -> {
            if (admission instanceof SnapshotIntake.Refused refused) {
                throw steps.refused(run, LABEL, refused);
            }
            return new Admitted(declared, ((SnapshotIntake.Admitted) admission).channels());
        });
    }

    private CompletionStage<Responses.Answer> deliver(String run, SnapshotParameters.Result query, Admitted admitted,
                                                      DecodedModel model, InflightBudget.Reservation reservation) {
        Map<String, WeightMatrix> byName = new LinkedHashMap<>();
        for (NamedMatrix m : model.layers()) {
            byName.put(m.name(), m.matrix());
        }
        List<WeightMatrix> matrices = admitted.channels().stream().map(c -> byName.get(c.layer())).toList();
        return steps.intake.deliver(admitted.channels(), query.step(), matrices, query.learningRate(),
                        query.batchSize(), steps.allPolicyTimeout, reservation)
                .thenApply(offers -> answer(run, query.step(), admitted, offers));
    }

    private Responses.Answer answer(String run, long step, Admitted admitted, List<LayerChannel.Offer> offers) {
        List<Map<String, Object>> layers = new ArrayList<>(offers.size());
        List<String> notQueued = new ArrayList<>();
        List<String> closed = new ArrayList<>();
        for (int i = 0; i < offers.size(); i++) {
            LayerChannel c = admitted.channels().get(i);
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("layer", c.layer());
            layer.put("rows", c.rows());
            layer.put("cols", c.cols());
            layer.put("status", SnapshotRoutes.status(offers.get(i)));
            layers.add(layer);
            if (offers.get(i) == LayerChannel.Offer.FULL) {
                notQueued.add(c.layer());
            } else if (offers.get(i) == LayerChannel.Offer.CLOSED) {
                closed.add(c.layer());
            }
        }
        if (!closed.isEmpty()) {
            return steps.closed("layers " + String.join(", ", closed) + " of run " + run, Map.of("layers", layers));
        }
        if (!notQueued.isEmpty()) {
            // The others are queued and count as received; these count as received and rejected (queue_full).
            return steps.busy("layers " + String.join(", ", notQueued) + " of run " + run + " are",
                    Map.of("layers", layers));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run", run);
        body.put("step", step);
        body.put("layers", layers);
        body.put("skipped", admitted.declared().header().skipped().stream().map(ArrayHeader::name).toList());
        return Responses.Answer.of(StatusCodes.ACCEPTED, body);
    }
}

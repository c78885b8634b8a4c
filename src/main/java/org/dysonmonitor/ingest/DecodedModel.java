package org.dysonmonitor.ingest;

import java.util.List;
import java.util.Map;

/**
 * A whole model, decoded all or nothing: every array of two or more dimensions as a layer, in the order of
 * the body, and the 0-D and 1-D arrays that were skipped.
 *
 * @param layers   the layers, at least one, names unique
 * @param skipped  the arrays that are not layers (biases, norms, counters), not decoded
 * @param metadata a safetensors file's {@code __metadata__} map (e.g. {@code "step"}), empty for
 *                 {@code .npz}
 */
public record DecodedModel(List<NamedMatrix> layers, List<ArrayHeader> skipped, Map<String, String> metadata) {

    public DecodedModel {
        layers = List.copyOf(layers);
        skipped = List.copyOf(skipped);
        metadata = Map.copyOf(metadata);
    }

    /** A model without metadata. */
    public DecodedModel(List<NamedMatrix> layers, List<ArrayHeader> skipped) {
        this(layers, skipped, Map.of());
    }
}

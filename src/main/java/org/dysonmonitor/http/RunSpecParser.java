package org.dysonmonitor.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.dysonmonitor.monitor.OverloadPolicy;
import org.dysonmonitor.monitor.RunSpec;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the body of {@code PUT /api/v1/runs/{run}}:
 * {@code {"learning_rate": 0.1, "batch_size": 16, "policy": "latest", "targets": {"W": [x_1, ...]},
 * "partial_above": 1024}},
 * every field optional. Unknown fields are refused rather than ignored, so a typo
 * ("learningrate") is reported instead of silently dropping the value.
 */
final class RunSpecParser {

    /** Either a spec or an error message. */
    record Result(RunSpec spec, String error) {
    }

    private static final Set<String> FIELDS = Set.of("learning_rate", "batch_size", "policy", "targets",
            "partial_above");

    private RunSpecParser() {
    }

    static Result parse(String body) {
        JsonNode root;
        try {
            root = body.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return fail("body is not valid JSON: " + e.getOriginalMessage());
        }
        if (!root.isObject()) {
            return fail("body must be a JSON object such as {\"learning_rate\": 0.1, \"batch_size\": 16}");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                return fail("unknown field \"" + field + "\": allowed are " + new java.util.TreeSet<>(FIELDS));
            }
        }
        double lr = Double.NaN;
        JsonNode lrNode = root.get("learning_rate");
        if (lrNode != null && !lrNode.isNull()) {
            if (!lrNode.isNumber() || !(lrNode.doubleValue() > 0) || !Double.isFinite(lrNode.doubleValue())) {
                return fail("learning_rate must be a positive number, got " + lrNode);
            }
            lr = lrNode.doubleValue();
        }
        int batch = 0;
        JsonNode batchNode = root.get("batch_size");
        if (batchNode != null && !batchNode.isNull()) {
            if (!batchNode.canConvertToInt() || !batchNode.isIntegralNumber() || batchNode.intValue() < 1) {
                return fail("batch_size must be a positive integer, got " + batchNode);
            }
            batch = batchNode.intValue();
        }
        int partialAbove = 0; // absent: the monitor's --partial-above
        JsonNode partialNode = root.get("partial_above");
        if (partialNode != null && !partialNode.isNull()) {
            if (!partialNode.isIntegralNumber() || !partialNode.canConvertToInt() || partialNode.intValue() < 1) {
                return fail("partial_above must be a positive integer (the smaller side from which a layer's top "
                        + "spectrum is tracked), got " + partialNode);
            }
            partialAbove = partialNode.intValue();
        }
        OverloadPolicy policy = null; // absent: the run keeps its policy (latest for a new run)
        JsonNode policyNode = root.get("policy");
        if (policyNode != null && !policyNode.isNull()) {
            try {
                policy = OverloadPolicy.parse(policyNode.asText());
            } catch (IllegalArgumentException e) {
                return fail(e.getMessage());
            }
        }
        Map<String, double[]> targets = new TreeMap<>();
        JsonNode targetsNode = root.get("targets");
        if (targetsNode != null && !targetsNode.isNull()) {
            if (!targetsNode.isObject()) {
                return fail("targets must be an object of layer name → array of eigenvalues");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = targetsNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!org.dysonmonitor.metrics.LabelValues.isLayerName(e.getKey())) {
                    return fail("target for layer \"" + e.getKey() + "\": not an allowed layer name");
                }
                double[] values = eigenvalues(e.getValue());
                if (values == null) {
                    return fail("target for layer " + e.getKey()
                            + " must be a non-empty array of finite numbers ≥ 0 (eigenvalues of WᵀW)");
                }
                java.util.Arrays.sort(values);
                targets.put(e.getKey(), values);
            }
        }
        return new Result(new RunSpec(lr, batch, policy, targets, partialAbove), null);
    }

    private static double[] eigenvalues(JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            return null;
        }
        double[] values = new double[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isNumber() || !Double.isFinite(v.doubleValue()) || v.doubleValue() < 0) {
                return null;
            }
            values[i] = v.doubleValue();
        }
        return values;
    }

    private static Result fail(String message) {
        return new Result(null, message);
    }
}

package org.dysonmonitor.ingest;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the model fuzz tests require of {@link ModelDecoder} for any bytes. */
final class ModelBodyChecks {

    /** 2^20 values: large enough for every seed, small enough that a lying header cannot exhaust the heap. */
    static final ModelLimits LIMITS = ModelLimits.DEFAULT.withElements(1 << 20, 1 << 20);

    private ModelBodyChecks() {
    }

    /**
     * Decodes {@code body}: a {@link NpyFormatException} is the one accepted failure; a decoded model
     * has layers exactly as {@link ModelDecoder#header} declared them (names and shapes, in order),
     * each finite and within the limits.
     */
    static void decodesOrRejects(byte[] body) {
        DecodedModel model;
        ModelHeader header;
        try {
            header = ModelDecoder.header(ByteBuffer.wrap(body), LIMITS);
            model = ModelDecoder.decode(ByteBuffer.wrap(body), LIMITS);
        } catch (NpyFormatException expected) {
            return;
        }
        List<ArrayHeader> declared = header.layers();
        assertEquals(declared.size(), model.layers().size(), "layers declared and decoded");
        long total = 0;
        for (int i = 0; i < declared.size(); i++) {
            NamedMatrix m = model.layers().get(i);
            ArrayHeader a = declared.get(i);
            assertEquals(a.name(), m.name());
            assertArrayEquals(new int[] {a.rows(), a.cols()}, new int[] {m.matrix().rows(), m.matrix().cols()}, m.name());
            total += (long) m.matrix().rows() * m.matrix().cols();
            WeightMatrix w = m.matrix();
            for (int r = 0; r < w.rows(); r++) {
                for (int c = 0; c < w.cols(); c++) {
                    assertTrue(Double.isFinite(w.get(r, c)), m.name() + " has a non-finite value at " + r + "," + c);
                }
            }
        }
        assertTrue(!model.layers().isEmpty() && total <= LIMITS.maxTotalElements(), "layers " + model.layers().size()
                + ", values " + total);
    }
}

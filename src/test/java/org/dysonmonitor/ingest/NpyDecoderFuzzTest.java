package org.dysonmonitor.ingest;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every body a client can send to {@code POST .../layers/{layer}/snapshots} goes through
 * {@link NpyDecoder}: whatever the bytes, it returns a finite 2-D matrix or throws
 * {@link NpyFormatException} (which the HTTP layer answers with a 4xx). Any other exception, a hang
 * or an allocation beyond the element limit is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the committed seed corpus under
 * {@code src/test/resources/org/dysonmonitor/ingest/NpyDecoderFuzzTestInputs/}; the build's
 * {@code fuzz-*} executions set it and fuzz for a fixed time.
 */
class NpyDecoderFuzzTest {

    /** 2^20 elements: large enough for every seed, small enough that a lying header cannot exhaust the heap. */
    private static final long MAX_ELEMENTS = 1 << 20;

    @FuzzTest(maxDuration = "20s")
    void decodesOrRejects(byte[] body) {
        WeightMatrix m;
        try {
            m = NpyDecoder.decode(ByteBuffer.wrap(body), MAX_ELEMENTS);
        } catch (NpyFormatException expected) {
            return;
        }
        assertTrue(m.rows() >= 1 && m.cols() >= 1 && (long) m.rows() * m.cols() <= MAX_ELEMENTS, m::toString);
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < m.cols(); c++) {
                assertTrue(Double.isFinite(m.get(r, c)), "decoded a non-finite value at " + r + "," + c);
            }
        }
    }
}

package org.dysonmonitor.ingest;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Every body a client can send to {@code POST /api/v1/runs/{run}/snapshots} as
 * a whole model as {@code .npz} (stored, deflated or zip64, from {@code numpy.savez} and {@code savez_compressed}) goes through {@link ModelDecoder}: whatever the bytes, it returns
 * finite 2-D layers within the limits, as its header declared them, or throws
 * {@link NpyFormatException} (which the HTTP layer answers with a 4xx). Any other exception, a hang
 * or an allocation beyond the limits is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the committed seed corpus (written by numpy) under
 * {@code src/test/resources/org/dysonmonitor/ingest/NpzDecoderFuzzTestInputs/}; the build's
 * {@code fuzz-*} executions set it and fuzz for a fixed time.
 */
class NpzDecoderFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void decodesOrRejects(byte[] body) {
        ModelBodyChecks.decodesOrRejects(body);
    }
}

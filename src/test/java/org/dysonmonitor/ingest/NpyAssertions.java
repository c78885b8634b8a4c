package org.dysonmonitor.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.dysonmonitor.ingest.NpyFormatException.Reason;

/** Assertions shared by the decoder tests. */
final class NpyAssertions {

    private NpyAssertions() {
    }

    /** Asserts that decoding {@code body} fails for {@code reason}, and returns the exception for its message. */
    static NpyFormatException assertRejected(Reason reason, byte[] body) {
        return assertRejected(reason, body, NpyDecoder.DEFAULT_MAX_ELEMENTS);
    }

    /** As {@link #assertRejected(Reason, byte[])}, with an element limit. */
    static NpyFormatException assertRejected(Reason reason, byte[] body, long maxElements) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> NpyDecoder.decode(body, maxElements));
        assertEquals(reason, e.reason(), () -> "wrong reason for: " + e.getMessage());
        return e;
    }

    /** Asserts that decoding {@code body} fails for {@code reason} with exactly {@code message}. */
    static void assertRejected(Reason reason, String message, byte[] body) {
        assertEquals(message, assertRejected(reason, body).getMessage());
    }
}

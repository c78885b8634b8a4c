package org.dysonmonitor.ingest;

import static org.dysonmonitor.ingest.NpyAssertions.assertRejected;
import static org.dysonmonitor.ingest.NpyBytes.floats;
import static org.dysonmonitor.ingest.NpyBytes.header;
import static org.dysonmonitor.ingest.NpyBytes.v1;
import static org.dysonmonitor.ingest.NpyBytes.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

import org.dysonmonitor.ingest.NpyFormatException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every way a body can be wrong, crafted byte by byte, with the reason and message it must produce. */
class NpyRejectionTest {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static byte[] validBody() {
        return NpyEncoder.encode(WeightMatrix.of(4, 5, new double[20], true), true, false, LE);
    }

    @Test
    void reasonLabelsAreStableSnakeCase() {
        assertEquals("empty_body bad_magic bad_header truncated size_mismatch bad_shape unsupported_dtype "
                        + "non_finite too_large bad_archive unsupported_archive duplicate_name bad_name "
                        + "too_many_entries zip_bomb no_layers",
                String.join(" ", Arrays.stream(Reason.values()).map(Reason::label).toList()));
        Set<String> labels = new HashSet<>();
        for (Reason r : Reason.values()) {
            assertTrue(r.label().matches("[a-z]+(_[a-z]+)*"), r.label());
            assertEquals(r.label(), r.toString());
            assertTrue(labels.add(r.label()));
        }
    }

    @Test
    void emptyBody() {
        assertRejected(Reason.EMPTY_BODY, "request body is empty: send one 2-D array saved with numpy.save",
                new byte[0]);
        ByteBuffer consumed = ByteBuffer.wrap(validBody());
        consumed.position(consumed.limit());
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> NpyDecoder.decode(consumed));
        assertEquals(Reason.EMPTY_BODY, e.reason());
    }

    @Test
    void badMagic() {
        assertRejected(Reason.BAD_MAGIC, "body is not an NPY file: it must start with \\x93NUMPY, as numpy.save "
                + "writes, but starts with b'hello wo'...", "hello world".getBytes(StandardCharsets.US_ASCII));
        byte[] lowercase = validBody();
        lowercase[1] = 'n';
        assertRejected(Reason.BAD_MAGIC, lowercase);
    }

    @Test
    void badMagicNamesTheFormatsPeopleSendByMistake() {
        byte[] zip = {'P', 'K', 3, 4, 20, 0, 0, 0};
        assertTrue(assertRejected(Reason.BAD_MAGIC, zip).getMessage()
                .endsWith("starts with b'PK\\x03\\x04\\x14\\x00\\x00\\x00' (a ZIP archive: numpy.savez or "
                        + "torch.save? send one array written by numpy.save)"));
        byte[] pickle = {(byte) 0x80, 4, (byte) 0x95};
        assertTrue(assertRejected(Reason.BAD_MAGIC, pickle).getMessage().contains("(a Python pickle?"));
        byte[] json = "[[1.0, 2.0]]".getBytes(StandardCharsets.US_ASCII);
        assertTrue(assertRejected(Reason.BAD_MAGIC, json).getMessage().contains("(JSON?"));
    }

    @Test
    void truncatedPreamble() {
        byte[] body = validBody();
        for (int length : new int[] {1, 3, 6, 7, 8, 9}) {
            NpyFormatException e = assertRejected(Reason.TRUNCATED, Arrays.copyOf(body, length));
            assertEquals("body ends after " + length + " bytes, inside the NPY preamble (magic, version, header length)",
                    e.getMessage());
        }
        byte[] v2 = NpyBytes.file(2, 0, header("<f4", false, "(1, 1)").getBytes(StandardCharsets.US_ASCII), zeros(4));
        assertRejected(Reason.TRUNCATED, Arrays.copyOf(v2, 11));
    }

    @Test
    void truncatedHeader() {
        assertRejected(Reason.TRUNCATED, "body ends inside the NPY header: the header declares 118 bytes but "
                + "only 40 follow the preamble", Arrays.copyOf(validBody(), 50));
    }

    @Test
    void truncatedData() {
        byte[] body = validBody();
        assertRejected(Reason.SIZE_MISMATCH, "declared shape (4, 5) float32 needs 80 bytes of data, body has 73 "
                + "(7 bytes missing: was the upload cut short?)", Arrays.copyOf(body, body.length - 7));
        assertRejected(Reason.SIZE_MISMATCH, Arrays.copyOf(body, 128));
    }

    @Test
    void headerThatOverstatesTheSize() {
        assertRejected(Reason.SIZE_MISMATCH, "declared shape (64, 64) float32 needs 16384 bytes of data, body has "
                + "16000 (384 bytes missing: was the upload cut short?)",
                v1(header("<f4", false, "(64, 64)"), zeros(16000)));
    }

    @Test
    void headerThatUnderstatesTheSize() {
        assertRejected(Reason.SIZE_MISMATCH, "declared shape (2, 2) float64 needs 32 bytes of data, body has 40 "
                + "(8 bytes too many)", v1(header(">f8", true, "(2, 2)"), zeros(40)));
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "1, 2", "4, 0", "0, 0", "255, 0", "2, 1"})
    void unsupportedVersions(int major, int minor) {
        byte[] body = NpyBytes.file(major, minor, header("<f4", false, "(1, 1)").getBytes(StandardCharsets.US_ASCII),
                zeros(4));
        assertRejected(Reason.BAD_HEADER, "NPY format version " + major + "." + minor + " is not supported: send "
                + "version 1.0, 2.0 or 3.0 (what numpy.save writes)", body);
    }

    @Test
    void headerLongerThanNumpyAllows() {
        String padded = header("<f4", false, "(1, 1)") + " ".repeat(10_001);
        NpyFormatException e = assertRejected(Reason.BAD_HEADER, NpyBytes.file(2, 0,
                padded.getBytes(StandardCharsets.US_ASCII), zeros(4)));
        assertTrue(e.getMessage().endsWith("more than the 10000 allowed for a 2-D array's header"), e.getMessage());
        // A v2 length field claiming 4 GiB is refused before anything is read or allocated.
        byte[] lying = NpyBytes.file(2, 0, new byte[0], zeros(16));
        lying[8] = lying[9] = lying[10] = lying[11] = (byte) 0xff;
        assertTrue(assertRejected(Reason.BAD_HEADER, lying).getMessage().startsWith("NPY header declares 4294967295 bytes"));
    }

    @Test
    void notTwoDimensional() {
        assertRejected(Reason.BAD_SHAPE, "array must be 2-D, got shape (10,)", v1(header("<f4", false, "(10,)"), zeros(40)));
        assertRejected(Reason.BAD_SHAPE, "array must be 2-D, got a 0-D scalar, shape ()", v1(header("<f8", false, "()"), zeros(8)));
        assertRejected(Reason.BAD_SHAPE, "array must be 2-D, got 3-D shape (2, 3, 4); flatten it first, e.g. "
                + "w.reshape(w.shape[0], -1) for a convolution kernel", v1(header("<f4", false, "(2, 3, 4)"), zeros(96)));
    }

    @Test
    void zeroAndNegativeDimensions() {
        assertRejected(Reason.BAD_SHAPE, "array must have at least 1 row and 1 column, got shape (0, 5)",
                v1(header("<f4", false, "(0, 5)"), zeros(0)));
        assertRejected(Reason.BAD_SHAPE, "array must have at least 1 row and 1 column, got shape (5, 0)",
                v1(header("<f4", false, "(5, 0)"), zeros(0)));
        assertRejected(Reason.BAD_SHAPE, "shape (-2, -3) has a negative dimension",
                v1(header("<f4", false, "(-2, -3)"), zeros(24)));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", quoteCharacter = '"', value = {
        "<c16 => dtype '<c16' (complex128) is not supported: send float32 or float64",
        "<c8  => dtype '<c8' (complex64) is not supported: send float32 or float64",
        "<i4  => dtype '<i4' (int32) is not supported: send float32 or float64",
        ">i8  => dtype '>i8' (int64) is not supported: send float32 or float64",
        "|u1  => dtype '|u1' (uint8) is not supported: send float32 or float64",
        "|b1  => dtype '|b1' (bool) is not supported: send float32 or float64",
        "|f2  => dtype '|f2' has no byte order ('|'): send '<f2' or '>f2'",
        "<f16 => dtype '<f16' (long double) is not supported: send float32 or float64",
        "|O   => dtype '|O' (Python objects, stored as a pickle) is not supported: the monitor never unpickles; send float32 or float64",
        "<U8  => dtype '<U8' (unicode strings) is not supported: send float32 or float64",
        "|S8  => dtype '|S8' (byte strings) is not supported: send float32 or float64",
        "|V8  => dtype '|V8' (raw bytes) is not supported: send float32 or float64",
        "<M8[s] => dtype '<M8[s]' (datetime64) is not supported: send float32 or float64",
        "|f4  => dtype '|f4' has no byte order ('|'): send '<f4' or '>f4'",
        "float32 => dtype 'float32' is not supported: send float32 or float64",
        "<F4  => dtype '<F4' is not supported: send float32 or float64",
    })
    void unsupportedDtypes(String descr, String message) {
        assertRejected(Reason.UNSUPPORTED_DTYPE, message, v1(header(descr, false, "(2, 2)"), zeros(64)));
    }

    @Test
    void longHeaderValuesAreNotEchoedWhole() {
        String longText = "x".repeat(5000);
        NpyFormatException dtype = assertRejected(Reason.UNSUPPORTED_DTYPE,
                v1(header(longText, false, "(2, 2)"), zeros(16)));
        assertTrue(dtype.getMessage().length() < 200, dtype.getMessage());
        assertTrue(dtype.getMessage().startsWith("dtype 'xxxx"), dtype.getMessage());
        NpyFormatException key = assertRejected(Reason.BAD_HEADER,
                v1("{'" + longText + "': 1, 'descr': '<f4', 'fortran_order': False, 'shape': (2, 2)}", zeros(16)));
        assertTrue(key.getMessage().length() < 250, key.getMessage());
    }

    @Test
    void dtypeIsCheckedBeforeShapeSoObjectVectorsSayObject() {
        NpyFormatException e = assertRejected(Reason.UNSUPPORTED_DTYPE, v1(header("|O", false, "(3,)"), zeros(40)));
        assertTrue(e.getMessage().startsWith("dtype '|O'"), e.getMessage());
    }

    @Test
    void structuredDtype() {
        String h = "{'descr': [('a', '<f4'), ('b', '<i4', (2,))], 'fortran_order': False, 'shape': (2, 2), }";
        assertRejected(Reason.UNSUPPORTED_DTYPE, "structured dtype [('a', '<f4'), ('b', '<i4', (2,))] is not "
                + "supported: send a plain 2-D float32 or float64 array", v1(h, zeros(48)));
    }

    @Test
    void nonFiniteValuesNameTheFirstPositionInRowMajorOrder() {
        for (boolean float32 : new boolean[] {true, false}) {
            for (boolean fortran : new boolean[] {false, true}) {
                for (ByteOrder order : new ByteOrder[] {LE, ByteOrder.BIG_ENDIAN}) {
                    double[] v = new double[5 * 9];
                    v[3 * 9 + 7] = Double.NaN;
                    // Earlier in column-major memory, later in row-major order: must not be the one reported.
                    v[4 * 9 + 0] = Double.POSITIVE_INFINITY;
                    byte[] body = NpyEncoder.encode(WeightMatrix.of(5, 9, v, float32), float32, fortran, order);
                    assertRejected(Reason.NON_FINITE, "value at row 3, col 7 is NaN (has training diverged?)", body);
                }
            }
        }
    }

    @Test
    void infinitiesCarryTheirSign() {
        byte[] plus = v1(header("<f4", false, "(2, 2)"), floats(LE, 1, 2, 3, Float.POSITIVE_INFINITY));
        assertRejected(Reason.NON_FINITE, "value at row 1, col 1 is +Inf (has training diverged?)", plus);
        byte[] minus = v1(header(">f8", false, "(1, 3)"), NpyBytes.doubles(ByteOrder.BIG_ENDIAN, 0, Double.NEGATIVE_INFINITY, 0));
        assertRejected(Reason.NON_FINITE, "value at row 0, col 1 is -Inf (has training diverged?)", minus);
    }

    @Test
    void declaredShapeOverElementLimit() {
        assertEquals("declared shape (11, 10) has 110 elements, more than the limit of 100",
                assertRejected(Reason.TOO_LARGE, v1(header("<f4", false, "(11, 10)"), zeros(440)), 100).getMessage());
        assertEquals(100, assertDecodes(v1(header("<f4", false, "(10, 10)"), zeros(400)), 100).size());
    }

    @Test
    void declaredShapeWhoseProductOverflows() {
        // 2**32 * 2**32 wraps to 0 in a long, and 2**31 * 2 wraps to a negative int.
        assertRejected(Reason.TOO_LARGE, "declared shape (4294967296, 4294967296) has 18446744073709551616 "
                + "elements, more than the limit of 67108864", v1(header("<f4", false, "(4294967296, 4294967296)"), zeros(4)));
        assertRejected(Reason.TOO_LARGE, v1(header("<f4", false, "(2147483648, 2)"), zeros(4)),
                NpyDecoder.MAX_ELEMENTS_LIMIT);
        assertRejected(Reason.TOO_LARGE, v1(header("<f8", false, "(1, 1" + "0".repeat(40) + ")"), zeros(8)));
        assertRejected(Reason.TOO_LARGE, v1(header("<f8", false, "(65536, 65536)"), zeros(8)),
                NpyDecoder.MAX_ELEMENTS_LIMIT);
    }

    @Test
    void limitMustBeUsable() {
        byte[] body = validBody();
        assertThrows(IllegalArgumentException.class, () -> NpyDecoder.decode(body, 0));
        assertThrows(IllegalArgumentException.class, () -> NpyDecoder.decode(body, NpyDecoder.MAX_ELEMENTS_LIMIT + 1));
        assertThrows(NullPointerException.class, () -> NpyDecoder.decode((byte[]) null));
    }

    @Test
    void everyReasonIsReachable() {
        Set<Reason> seen = EnumSet.noneOf(Reason.class);
        byte[][] bodies = {
            new byte[0],
            "x".getBytes(StandardCharsets.US_ASCII),
            v1("nope", zeros(0)),
            Arrays.copyOf(validBody(), 3),
            Arrays.copyOf(validBody(), 130),
            v1(header("<f4", false, "(3,)"), zeros(12)),
            v1(header("<i4", false, "(1, 1)"), zeros(4)),
            v1(header("<f4", false, "(1, 1)"), floats(LE, Float.NaN)),
            v1(header("<f4", false, "(100000, 100000)"), zeros(4)),
        };
        for (byte[] body : bodies) {
            seen.add(assertThrows(NpyFormatException.class, () -> NpyDecoder.decode(body)).reason());
        }
        // The reasons a lone .npy body can have; ModelRejectionTest reaches the rest with model bodies.
        assertEquals(EnumSet.range(Reason.EMPTY_BODY, Reason.TOO_LARGE), seen);
    }

    private static WeightMatrix assertDecodes(byte[] body, long maxElements) {
        try {
            return NpyDecoder.decode(body, maxElements);
        } catch (NpyFormatException e) {
            throw new AssertionError("expected to decode, got " + e.reason() + ": " + e.getMessage(), e);
        }
    }
}

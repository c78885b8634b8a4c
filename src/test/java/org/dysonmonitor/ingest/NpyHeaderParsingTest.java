package org.dysonmonitor.ingest;

import static org.dysonmonitor.ingest.NpyAssertions.assertRejected;
import static org.dysonmonitor.ingest.NpyBytes.floats;
import static org.dysonmonitor.ingest.NpyBytes.header;
import static org.dysonmonitor.ingest.NpyBytes.v1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.dysonmonitor.ingest.NpyFormatException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The header grammar: what a strict parser must accept, and the crafted headers it must refuse. */
class NpyHeaderParsingTest {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final byte[] SIX_FLOATS = floats(LE, 1, 2, 3, 4, 5, 6);
    private static final WeightMatrix TWO_BY_THREE =
            WeightMatrix.of(2, 3, new double[] {1, 2, 3, 4, 5, 6}, true);

    private static WeightMatrix decode(String header, byte[] data) throws NpyFormatException {
        return NpyDecoder.decode(v1(header, data));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
        "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
        "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 3)}",
        "  {\t'descr' :'<f4' ,\n 'fortran_order':False,'shape':( 2 ,3 , ) ,}  \n",
        "{'descr': '=f4', 'fortran_order': False, 'shape': (2, 3)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (+2, 3), }",
        "{'descr': '\\x3cf4', 'fortran_order': False, 'shape': (2, 3), }",
    })
    void acceptsEveryFormOfTheDictThatPythonReadsTheSame(String header) throws NpyFormatException {
        assertEquals(TWO_BY_THREE, decode(header, SIX_FLOATS));
    }

    @Test
    void nativeOrderFloat64IsLittleEndian() throws NpyFormatException {
        WeightMatrix m = decode(header("=f8", false, "(1, 2)"), NpyBytes.doubles(LE, 0.25, -8));
        assertEquals(WeightMatrix.of(1, 2, new double[] {0.25, -8}, false), m);
    }

    @Test
    void fortranOrderIsTransposedToRowMajor() throws NpyFormatException {
        // Column-major 2x3: columns (1, 4), (2, 5), (3, 6).
        byte[] data = floats(ByteOrder.BIG_ENDIAN, 1, 4, 2, 5, 3, 6);
        assertEquals(TWO_BY_THREE, decode(header(">f4", true, "(2, 3)"), data));
    }

    @Test
    void acceptsUnpaddedAndUnalignedHeaders() throws NpyFormatException {
        // numpy aligns data to 64 bytes, but a reader must not depend on it.
        assertEquals(TWO_BY_THREE, decode("{'descr':'<f4','fortran_order':False,'shape':(2,3)}", SIX_FLOATS));
    }

    @Test
    void acceptsVersion2And3Headers() throws NpyFormatException {
        byte[] h = (header("<f4", false, "(2, 3)") + "\n").getBytes(StandardCharsets.UTF_8);
        assertEquals(TWO_BY_THREE, NpyDecoder.decode(NpyBytes.file(2, 0, h, SIX_FLOATS)));
        assertEquals(TWO_BY_THREE, NpyDecoder.decode(NpyBytes.file(3, 0, h, SIX_FLOATS)));
    }

    @Test
    void version3HeadersAreUtf8() {
        byte[] h = "{'descr': '<f4\u00e9', 'fortran_order': False, 'shape': (2, 3)}".getBytes(StandardCharsets.UTF_8);
        NpyFormatException e = assertRejected(Reason.UNSUPPORTED_DTYPE, NpyBytes.file(3, 0, h, SIX_FLOATS));
        assertTrue(e.getMessage().startsWith("dtype '<f4\u00e9'"), e.getMessage());
    }

    @Test
    void rejectsInvalidUtf8InVersion3() {
        byte[] h = (header("<f4", false, "(2, 3)") + "\u00ff").getBytes(StandardCharsets.ISO_8859_1);
        assertRejected(Reason.BAD_HEADER, "NPY version 3.0 header is not valid UTF-8", NpyBytes.file(3, 0, h, SIX_FLOATS));
    }

    /**
     * Each row is a header and a fragment of the message it must produce. All are BAD_HEADER: headers a
     * regular expression might accept, or that try to smuggle in code, a second key or a second dict.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "hello                                                          | must be a Python dict literal such as {'descr'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3),      | expected a quoted key or '}', got the end of the header",
        "{'descr': '<f4', 'fortran_order': False 'shape': (2, 3)}       | expected ',' or '}', got '''",
        "{'descr' '<f4', 'fortran_order': False, 'shape': (2, 3)}       | expected ':' after key 'descr', got '''",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'shape': (1, 1)} | duplicate key 'shape'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}{'shape': (1, 1)} | unexpected '{' after the closing '}'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}      | unknown key 'extra'",
        "{'descr': '<f4', 'fortran_order': False}                       | the header has no 'shape' key",
        "{'descr': '<f4', 'shape': (2, 3)}                              | the header has no 'fortran_order' key",
        "{'fortran_order': False, 'shape': (2, 3)}                      | the header has no 'descr' key",
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3)}          | 'fortran_order' must be True or False, got 0",
        "{'descr': '<f4', 'fortran_order': 'False', 'shape': (2, 3)}    | 'fortran_order' must be True or False, got 'False'",
        "{'descr': '<f4', 'fortran_order': None, 'shape': (2, 3)}       | 'fortran_order' must be True or False, got None",
        "{'descr': '<f4', 'fortran_order': false, 'shape': (2, 3)}      | unexpected name 'false'",
        "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3]}      | 'shape' must be a tuple of integers such as (3, 4), got [2, 3]",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (6)}         | 'shape' must be a tuple of integers such as (3, 4), got 6",
        "{'descr': '<f4', 'fortran_order': False, 'shape': ('2', 3)}    | 'shape' must be a tuple of integers such as (3, 4), got ('2', 3)",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (True, 3)}   | 'shape' must be a tuple of integers such as (3, 4), got (True, 3)",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2.0, 3)}    | unexpected '.' after an integer",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (0x2, 3)}    | unexpected 'x' after an integer",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (02, 3)}     | integer with a leading zero",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,, 3)}     | expected a value",
        "{'descr': 3, 'fortran_order': False, 'shape': (2, 3)}          | 'descr' must be a dtype string such as '<f4', got 3",
        "{'descr': __import__('os').system('rm -rf /'), 'shape': (2, 3)} | unexpected name '__import__'",
        "{'descr': '<f4, 'fortran_order': False, 'shape': (2, 3)}       | expected ',' or '}', got 'f' at character 17",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': '}     | string starting here is never closed",
        "{'descr': '<f\\q4', 'fortran_order': False, 'shape': (2, 3)}   | unsupported escape '\\q'",
        "{'descr': b'<f4', 'fortran_order': False, 'shape': (2, 3)}     | unexpected name 'b'",
        "{1: '<f4'}                                                     | expected a quoted key or '}', got '1'",
        "{'descr': {'a': 1}, 'fortran_order': False, 'shape': (2, 3)}   | expected a value",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} #    | unexpected '#' after the closing '}'",
    })
    void rejectsMalformedAndCraftedHeaders(String header, String fragment) {
        NpyFormatException e = assertRejected(Reason.BAD_HEADER, v1(header, SIX_FLOATS));
        assertTrue(e.getMessage().contains(fragment), () -> "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n"})
    void rejectsAnEmptyHeader(String header) {
        NpyFormatException e = assertRejected(Reason.BAD_HEADER, v1(header, SIX_FLOATS));
        assertTrue(e.getMessage().contains("but it starts with the end of the header"), e.getMessage());
    }

    @Test
    void aKeyHiddenInAStringIsJustAString() {
        // A regex looking for 'shape': (...) would find (1, 1) first; the parser sees a descr string.
        String header = "{'descr': \"<f4', 'shape': (1, 1), 'x': '\", 'fortran_order': False, 'shape': (2, 3)}";
        NpyFormatException e = assertRejected(Reason.UNSUPPORTED_DTYPE, v1(header, SIX_FLOATS));
        assertEquals("dtype '<f4\\', \\'shape\\': (1, 1), \\'x\\': \\'' is not supported: send float32 or float64",
                e.getMessage());
    }

    @Test
    void rejectsDeepNestingWithoutExhaustingTheStack() {
        String header = "{'descr': " + "(".repeat(3000) + "1" + ")".repeat(3000) + "}";
        NpyFormatException e = assertRejected(Reason.BAD_HEADER, v1(header, SIX_FLOATS));
        assertTrue(e.getMessage().contains("nested more than 16 levels"), e.getMessage());
    }

    @Test
    void showsInvisibleCharactersEscaped() {
        NpyFormatException e = assertRejected(Reason.BAD_HEADER,
                v1("{'descr': '<f4', 'fortran_order': False,\u00e9 'shape': (2, 3)}", SIX_FLOATS));
        assertTrue(e.getMessage().contains("got character \\u00e9 at character 40"), e.getMessage());
        NpyFormatException nul = assertRejected(Reason.BAD_HEADER,
                v1("{'descr': '<f4\u0000', 'fortran_order': False, 'shape': (2, 3)}", SIX_FLOATS));
        assertTrue(nul.getMessage().contains("control character \\x00 inside a string"), nul.getMessage());
    }

    @Test
    void messagesPointAtTheProblem() {
        assertRejected(Reason.BAD_HEADER,
                "NPY header is not a valid dict literal: expected ':' after key 'fortran_order', got 'F' at "
                        + "character 33 (near \"...4', 'fortran_order' False, 'shape': (2, ...\")",
                v1("{'descr': '<f4', 'fortran_order' False, 'shape': (2, 3)}", SIX_FLOATS));
    }
}

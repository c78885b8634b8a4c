package org.dysonmonitor.ingest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import org.dysonmonitor.ingest.NpyFormatException.Reason;

/**
 * Decodes one NPY file (what {@code numpy.save} writes) holding a 2-D float16, float32 or float64 array
 * into a {@link WeightMatrix} (float32 and float16 into floats, float64 into doubles), rejecting anything
 * else with an {@link NpyFormatException} whose message tells the sender what to fix.
 *
 * <p>Layout: the magic string {@code \x93NUMPY}, a major and a minor version byte (1.0, 2.0 or 3.0), the
 * header length as a little-endian uint16 (version 1) or uint32 (versions 2 and 3), the header, a Python
 * dict literal such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }} padded with
 * spaces and a newline (Latin-1 in versions 1 and 2, UTF-8 in version 3), and then exactly
 * {@code rows * cols * itemsize} bytes of data, row-major or, if {@code fortran_order} is True,
 * column-major.
 *
 * <p>Bodies come from the network, so nothing in them is trusted: the header is parsed by a strict
 * grammar ({@link PyLiteralParser}), never evaluated; object arrays are refused without reading their
 * pickle; the declared shape is checked against a caller's element limit before anything is allocated;
 * the data length must match the shape exactly; and every value must be finite.
 *
 * <p>Decoding ({@link MatrixReader}) is one bulk pass from the bytes through a typed buffer view with the
 * data's byte order, without boxing or per-element calls into the header logic; a float32 body is never
 * widened to double. The class is stateless and thread-safe.
 */
public final class NpyDecoder {

    /**
     * The largest element count any limit may allow: the longest {@code double[]} every JVM can allocate
     * (the same margin below {@code Integer.MAX_VALUE} that {@code ArrayList} keeps for array headers).
     */
    public static final long MAX_ELEMENTS_LIMIT = Integer.MAX_VALUE - 8;

    /**
     * The element limit of the overloads without one: 2<sup>26</sup> elements, such as 8192 × 8192,
     * which decode into 256 MiB of floats or 512 MiB of doubles. Callers that know their memory budget
     * should pass their own.
     */
    public static final long DEFAULT_MAX_ELEMENTS = 1L << 26;

    /**
     * The longest header accepted, as numpy's own reader limits it ({@code max_header_size}): a 2-D float
     * header is about 120 bytes, and a long one could only be a structured dtype or an attack.
     */
    static final int MAX_HEADER_BYTES = 10_000;

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private NpyDecoder() {
    }

    /** Decodes a whole body with the {@linkplain #DEFAULT_MAX_ELEMENTS default element limit}. */
    public static WeightMatrix decode(byte[] body) throws NpyFormatException {
        return decode(body, DEFAULT_MAX_ELEMENTS);
    }

    /**
     * Decodes a whole body.
     *
     * @param body        the NPY bytes; not modified
     * @param maxElements the largest {@code rows * cols} accepted, between 1 and {@link #MAX_ELEMENTS_LIMIT}
     * @throws NpyFormatException       if the body is not a valid NPY file of a finite 2-D float32/float64
     *                                  array within the limit
     * @throws IllegalArgumentException if {@code maxElements} is out of range
     */
    public static WeightMatrix decode(byte[] body, long maxElements) throws NpyFormatException {
        return decode(ByteBuffer.wrap(Objects.requireNonNull(body, "body")), maxElements);
    }

    /** Decodes the remaining bytes of {@code body} with the default element limit; see {@link #decode(ByteBuffer, long)}. */
    public static WeightMatrix decode(ByteBuffer body) throws NpyFormatException {
        return decode(body, DEFAULT_MAX_ELEMENTS);
    }

    /**
     * Decodes the bytes between {@code body}'s position and limit. The buffer may be heap, direct or
     * read-only (as from Akka's {@code ByteString.asByteBuffer()}); its position, limit and byte order are
     * left unchanged.
     *
     * @param body        the NPY bytes; not modified
     * @param maxElements the largest {@code rows * cols} accepted, between 1 and {@link #MAX_ELEMENTS_LIMIT}
     * @throws NpyFormatException       if the body is not a valid NPY file of a finite 2-D float32/float64
     *                                  array within the limit
     * @throws IllegalArgumentException if {@code maxElements} is out of range
     */
    public static WeightMatrix decode(ByteBuffer body, long maxElements) throws NpyFormatException {
        ByteBuffer in = littleEndianView(body, maxElements);
        Checked checked = check(in, maxElements);
        NpyHeader header = checked.header();
        ByteBuffer data = in.slice(checked.dataStart(), (int) header.dataBytes());
        return MatrixReader.read(null, data, header.type(), header.dtype().order(), header.fortranOrder(),
                header.shape());
    }

    /**
     * What a whole {@code .npy} body declares, read without a value ({@link #header}), so that a service
     * can admit the layer's shape before it pays for the decoding ({@link #decode(ByteBuffer, Declared)},
     * which does not parse the header again).
     */
    public static final class Declared {
        private final NpyHeader header;
        private final int dataStart;

        private Declared(NpyHeader header, int dataStart) {
            this.header = header;
            this.dataStart = dataStart;
        }

        /** The matrix's rows, {@code shape[0]}. */
        public int rows() {
            return header.rows();
        }

        /** The matrix's columns, {@code shape[1]}. */
        public int cols() {
            return header.cols();
        }

        /** The element type (float16, float32 or float64). */
        public ElementType dtype() {
            return header.type();
        }
    }

    /**
     * Reads and checks everything {@link #decode(ByteBuffer, long)} checks except the values: magic,
     * version, header, 2-D float dtype, shape, element limit, and that the data section has exactly the
     * declared length. A body accepted here can only fail {@code decode} on a non-finite value.
     *
     * @param body        the NPY bytes between position and limit; not modified
     * @param maxElements the largest {@code rows * cols} accepted, between 1 and {@link #MAX_ELEMENTS_LIMIT}
     * @throws NpyFormatException if the header or the data length is not that of a valid 2-D float array
     */
    public static Declared header(ByteBuffer body, long maxElements) throws NpyFormatException {
        Checked c = check(littleEndianView(body, maxElements), maxElements);
        return new Declared(c.header(), c.dataStart());
    }

    /**
     * Decodes the values of a body whose header {@link #header} has read (the same bytes: the header is
     * not parsed again).
     *
     * @throws NpyFormatException if a value is not finite
     */
    public static WeightMatrix decode(ByteBuffer body, Declared declared) throws NpyFormatException {
        ByteBuffer in = body.slice().order(ByteOrder.LITTLE_ENDIAN);
        NpyHeader h = declared.header;
        ByteBuffer data = in.slice(declared.dataStart, (int) h.dataBytes());
        return MatrixReader.read(null, data, h.type(), h.dtype().order(), h.fortranOrder(), h.shape());
    }

    /** A checked header and where its data starts. */
    private record Checked(NpyHeader header, int dataStart) {
    }

    // slice(): indices from 0 and our own byte order, without touching the caller's buffer.
    private static ByteBuffer littleEndianView(ByteBuffer body, long maxElements) {
        Objects.requireNonNull(body, "body");
        if (maxElements < 1 || maxElements > MAX_ELEMENTS_LIMIT) {
            throw new IllegalArgumentException(
                    "maxElements must be between 1 and " + MAX_ELEMENTS_LIMIT + ", got " + maxElements);
        }
        return body.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static Checked check(ByteBuffer in, long maxElements) throws NpyFormatException {
        int length = in.remaining();
        if (length == 0) {
            throw new NpyFormatException(Reason.EMPTY_BODY,
                    "request body is empty: send one 2-D array saved with numpy.save");
        }
        checkMagic(in, length);
        Preamble preamble = preamble(in, length);
        NpyHeader header = NpyHeader.parse(preamble.headerText(), maxElements);
        long dataBytes = length - preamble.dataStart();
        if (dataBytes != header.dataBytes()) {
            throw sizeMismatch(header, dataBytes);
        }
        return new Checked(header, preamble.dataStart());
    }

    /** The header text of an NPY file and where its data starts. */
    record Preamble(String headerText, int dataStart) {
    }

    /**
     * Reads the version, header length and header text of an NPY file whose magic has been checked.
     *
     * @param in     the file from index 0, little-endian
     * @param length how many bytes of it are present (for an {@code .npz} entry being admitted, possibly
     *               only a prefix)
     */
    static Preamble preamble(ByteBuffer in, int length) throws NpyFormatException {
        if (length < MAGIC.length + 2) {
            throw truncatedPreamble(length);
        }
        int major = in.get(6) & 0xff;
        int minor = in.get(7) & 0xff;
        if (minor != 0 || major < 1 || major > 3) {
            throw new NpyFormatException(Reason.BAD_HEADER, "NPY format version " + major + "." + minor
                    + " is not supported: send version 1.0, 2.0 or 3.0 (what numpy.save writes)");
        }
        int preamble = major == 1 ? 10 : 12;
        if (length < preamble) {
            throw truncatedPreamble(length);
        }
        long headerLength = major == 1 ? in.getShort(8) & 0xffffL : in.getInt(8) & 0xffff_ffffL;
        if (headerLength > MAX_HEADER_BYTES) {
            throw new NpyFormatException(Reason.BAD_HEADER, "NPY header declares " + headerLength
                    + " bytes, more than the " + MAX_HEADER_BYTES + " allowed for a 2-D array's header");
        }
        int dataStart = preamble + (int) headerLength;
        if (length < dataStart) {
            throw new NpyFormatException(Reason.TRUNCATED, "body ends inside the NPY header: the header declares "
                    + headerLength + " bytes but only " + (length - preamble) + " follow the preamble");
        }
        return new Preamble(headerText(in, preamble, (int) headerLength, major), dataStart);
    }

    /** The data section is not exactly what the header's shape and dtype need. */
    static NpyFormatException sizeMismatch(NpyHeader header, long dataBytes) {
        long diff = dataBytes - header.dataBytes();
        String hint = diff < 0
                ? " (" + -diff + " bytes missing: was the upload cut short?)"
                : " (" + diff + " bytes too many)";
        return new NpyFormatException(Reason.SIZE_MISMATCH, "declared shape " + header.shapeRepr() + " "
                + header.type().typeName() + " needs " + header.dataBytes() + " bytes of data, body has "
                + dataBytes + hint);
    }

    private static void checkMagic(ByteBuffer in, int length) throws NpyFormatException {
        int n = Math.min(length, MAGIC.length);
        for (int i = 0; i < n; i++) {
            if (in.get(i) != MAGIC[i]) {
                throw new NpyFormatException(Reason.BAD_MAGIC, "body is not an NPY file: it must start with "
                        + "\\x93NUMPY, as numpy.save writes, but starts with " + describeStart(in, length)
                        + guessFormat(in, length));
            }
        }
        if (length < MAGIC.length) {
            throw truncatedPreamble(length);
        }
    }

    /** Whether the bytes from index 0 start with the NPY magic string. */
    static boolean hasMagic(ByteBuffer in, int length) {
        if (length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (in.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static NpyFormatException truncatedPreamble(int length) {
        return new NpyFormatException(Reason.TRUNCATED,
                "body ends after " + length + " bytes, inside the NPY preamble (magic, version, header length)");
    }

    /** The first bytes as a Python bytes literal, e.g. {@code b'PK\x03\x04'}, so a sender can recognise them. */
    static String describeStart(ByteBuffer in, int length) {
        StringBuilder sb = new StringBuilder("b'");
        for (int i = 0; i < Math.min(length, 8); i++) {
            int b = in.get(i) & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '\'' && b != '\\') {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b));
            }
        }
        return sb.append(length > 8 ? "'..." : "'").toString();
    }

    /** A hint for the formats people most often send by mistake. */
    private static String guessFormat(ByteBuffer in, int length) {
        if (length >= 4 && in.getInt(0) == 0x04034b50) {
            return " (a ZIP archive: numpy.savez or torch.save? send one array written by numpy.save)";
        }
        if ((in.get(0) & 0xff) == 0x80) {
            return " (a Python pickle? send one array written by numpy.save)";
        }
        int first = in.get(0);
        if (first == '{' || first == '[') {
            return " (JSON? send the binary output of numpy.save)";
        }
        return "";
    }

    /**
     * The header as text: Latin-1 for versions 1 and 2, which maps every byte to a character, and strict
     * UTF-8 for version 3, so that an invalid sequence is reported instead of silently replaced.
     */
    private static String headerText(ByteBuffer in, int start, int length, int major) throws NpyFormatException {
        ByteBuffer bytes = in.slice(start, length);
        if (major < 3) {
            return StandardCharsets.ISO_8859_1.decode(bytes).toString();
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new NpyFormatException(Reason.BAD_HEADER, "NPY version 3.0 header is not valid UTF-8");
        }
    }
}

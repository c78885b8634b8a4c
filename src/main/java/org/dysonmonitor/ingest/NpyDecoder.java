package org.dysonmonitor.ingest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import org.dysonmonitor.ingest.NpyFormatException.Reason;

/**
 * Decodes one NPY file (what {@code numpy.save} writes) holding a 2-D float32 or float64 array into a
 * {@link WeightMatrix}, rejecting anything else with an {@link NpyFormatException} whose message tells the
 * sender what to fix.
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
 * <p>Decoding is a bulk copy through a typed buffer view with the data's byte order, without boxing or
 * per-element calls into the header logic: a 4096 × 4096 float32 body (64 MiB) decodes in about 15-20 ms
 * row-major and 35-40 ms column-major ({@code NpyDecodeBenchmark} in the tests, on a 2-core AMD EPYC),
 * most of it spent filling the 128 MiB result. The class is stateless and thread-safe.
 */
public final class NpyDecoder {

    /**
     * The largest element count any limit may allow: the longest {@code double[]} every JVM can allocate
     * (the same margin below {@code Integer.MAX_VALUE} that {@code ArrayList} keeps for array headers).
     */
    public static final long MAX_ELEMENTS_LIMIT = Integer.MAX_VALUE - 8;

    /**
     * The element limit of the overloads without one: 2<sup>26</sup> elements, such as 8192 × 8192,
     * which decode into 512 MiB of doubles. Callers that know their memory budget should pass their own.
     */
    public static final long DEFAULT_MAX_ELEMENTS = 1L << 26;

    /**
     * The longest header accepted, as numpy's own reader limits it ({@code max_header_size}): a 2-D float
     * header is about 120 bytes, and a long one could only be a structured dtype or an attack.
     */
    static final int MAX_HEADER_BYTES = 10_000;

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** Elements converted per bulk read of float32 data: 32 KiB of floats stays in the L1/L2 cache. */
    private static final int CHUNK = 8192;

    /** Columns per transpose panel: 16 doubles are two whole cache lines of each output row. */
    private static final int PANEL_COLS = 16;

    /** Rows per transpose panel, so that a panel (16 × 1024 doubles, 128 KiB) stays in the L2 cache. */
    private static final int PANEL_ROWS = 1024;

    /** Padding of the panel's column stride, so that its columns do not all map to the same cache sets. */
    private static final int PANEL_PAD = 8;

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
        Objects.requireNonNull(body, "body");
        if (maxElements < 1 || maxElements > MAX_ELEMENTS_LIMIT) {
            throw new IllegalArgumentException(
                    "maxElements must be between 1 and " + MAX_ELEMENTS_LIMIT + ", got " + maxElements);
        }
        // slice(): indices from 0 and our own byte order, without touching the caller's buffer.
        ByteBuffer in = body.slice().order(ByteOrder.LITTLE_ENDIAN);
        int length = in.remaining();
        if (length == 0) {
            throw new NpyFormatException(Reason.EMPTY_BODY,
                    "request body is empty: send one 2-D array saved with numpy.save");
        }
        checkMagic(in, length);
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
        NpyHeader header = NpyHeader.parse(headerText(in, preamble, (int) headerLength, major), maxElements);

        long dataBytes = length - dataStart;
        if (dataBytes != header.dataBytes()) {
            long diff = dataBytes - header.dataBytes();
            String hint = diff < 0
                    ? " (" + -diff + " bytes missing: was the upload cut short?)"
                    : " (" + diff + " bytes too many)";
            throw new NpyFormatException(Reason.SIZE_MISMATCH, "declared shape " + header.shapeRepr() + " "
                    + header.dtype().typeName() + " needs " + header.dataBytes() + " bytes of data, body has "
                    + dataBytes + hint);
        }
        ByteBuffer data = in.slice(dataStart, (int) dataBytes).order(header.dtype().order());
        double[] values = header.fortranOrder()
                ? readColumnMajor(data, header)
                : readRowMajor(data, header);
        return WeightMatrix.adopt(header.rows(), header.cols(), values, header.dtype().float32());
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

    private static NpyFormatException truncatedPreamble(int length) {
        return new NpyFormatException(Reason.TRUNCATED,
                "body ends after " + length + " bytes, inside the NPY preamble (magic, version, header length)");
    }

    /** The first bytes as a Python bytes literal, e.g. {@code b'PK\x03\x04'}, so a sender can recognise them. */
    private static String describeStart(ByteBuffer in, int length) {
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

    /** Row-major data is copied in order: float64 in one bulk read, float32 in cached chunks widened to double. */
    private static double[] readRowMajor(ByteBuffer data, NpyHeader header) throws NpyFormatException {
        int n = (int) header.size();
        double[] out = new double[n];
        boolean finite = true;
        if (header.dtype().float32()) {
            FloatBuffer src = data.asFloatBuffer();
            float[] chunk = new float[Math.min(n, CHUNK)];
            for (int off = 0; off < n; off += chunk.length) {
                int len = Math.min(chunk.length, n - off);
                src.get(off, chunk, 0, len);
                for (int i = 0; i < len; i++) {
                    double v = chunk[i];
                    out[off + i] = v;
                    // Non-short-circuit AND keeps the loop branch-free; the position is found later if needed.
                    finite &= Math.abs(v) <= Double.MAX_VALUE;
                }
            }
        } else {
            data.asDoubleBuffer().get(0, out);
            for (double v : out) {
                finite &= Math.abs(v) <= Double.MAX_VALUE;
            }
        }
        if (!finite) {
            throw nonFinite(out, header.cols());
        }
        return out;
    }

    /**
     * Column-major data is transposed through a small panel: for {@value #PANEL_COLS} columns at a time and
     * up to {@value #PANEL_ROWS} rows, each column's segment is one contiguous bulk read, and each row of the
     * panel is then written as {@value #PANEL_COLS} adjacent doubles. Both sides touch whole cache lines,
     * and the panel's column stride is padded away from a power of two, because a naive transpose of a
     * 4096-wide matrix strides by exactly 32 KiB and evicts its own lines from every cache set.
     */
    private static double[] readColumnMajor(ByteBuffer data, NpyHeader header) throws NpyFormatException {
        int rows = header.rows();
        int cols = header.cols();
        double[] out = new double[rows * cols];
        FloatBuffer floats = header.dtype().float32() ? data.asFloatBuffer() : null;
        DoubleBuffer doubles = floats == null ? data.asDoubleBuffer() : null;
        int panelRows = Math.min(rows, PANEL_ROWS);
        int stride = panelRows + PANEL_PAD;
        double[] panel = new double[PANEL_COLS * stride];
        float[] segment = floats == null ? null : new float[panelRows];
        boolean finite = true;
        for (int c0 = 0; c0 < cols; c0 += PANEL_COLS) {
            int width = Math.min(PANEL_COLS, cols - c0);
            for (int r0 = 0; r0 < rows; r0 += panelRows) {
                int height = Math.min(panelRows, rows - r0);
                for (int j = 0; j < width; j++) {
                    // Element (r0, c0 + j) of a column-major matrix; below rows * cols, so no overflow.
                    int src = (c0 + j) * rows + r0;
                    if (floats != null) {
                        floats.get(src, segment, 0, height);
                        for (int r = 0, p = j * stride; r < height; r++, p++) {
                            panel[p] = segment[r];
                        }
                    } else {
                        doubles.get(src, panel, j * stride, height);
                    }
                }
                for (int r = 0; r < height; r++) {
                    int o = (r0 + r) * cols + c0;
                    for (int j = 0; j < width; j++) {
                        double v = panel[j * stride + r];
                        out[o + j] = v;
                        finite &= Math.abs(v) <= Double.MAX_VALUE;
                    }
                }
            }
        }
        if (!finite) {
            throw nonFinite(out, cols);
        }
        return out;
    }

    /** Reports the first non-finite value in row-major order, which is how the sender indexes w[row, col]. */
    private static NpyFormatException nonFinite(double[] rowMajor, int cols) {
        for (int i = 0; i < rowMajor.length; i++) {
            double v = rowMajor[i];
            if (!Double.isFinite(v)) {
                String what = Double.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
                return new NpyFormatException(Reason.NON_FINITE,
                        "value at row " + i / cols + ", col " + i % cols + " is " + what
                                + " (has training diverged?)");
            }
        }
        throw new IllegalStateException("nonFinite called on finite values");
    }
}

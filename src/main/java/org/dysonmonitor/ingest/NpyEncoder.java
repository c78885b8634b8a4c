package org.dysonmonitor.ingest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes a {@link WeightMatrix} as an NPY version 1.0 file that {@code numpy.load} reads, in any of the
 * layouts {@link NpyDecoder} accepts: used by tests, benchmarks and Java clients.
 *
 * <p>The header is written as numpy writes it, {@code {'descr': '<f4', 'fortran_order': False, 'shape':
 * (3, 4), }}, padded with spaces and ended with {@code '\n'} so that the data starts at a multiple of 64
 * bytes, which lets a reader map the data with aligned loads. Stateless and thread-safe.
 */
public final class NpyEncoder {

    /** numpy's {@code ARRAY_ALIGN}: the data offset is a multiple of this. */
    static final int ALIGN = 64;

    /** Magic (6), version (2) and uint16 header length (2) of a version 1.0 file. */
    private static final int PREAMBLE = 10;

    private NpyEncoder() {
    }

    /**
     * Encodes {@code m} in its own precision, row-major, little-endian: the form {@code numpy.save} gives
     * on every common platform.
     */
    public static byte[] encode(WeightMatrix m) {
        return encode(m, m.float32(), false, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Encodes {@code m} as an NPY version 1.0 file.
     *
     * @param m            the matrix; not modified
     * @param float32      write {@code f4} elements (each value rounded to the nearest float, which is exact
     *                     when {@code m.float32()}) or, if false, {@code f8}
     * @param fortranOrder write the data column-major with {@code 'fortran_order': True}, else row-major
     * @param order        byte order of the elements, written as {@code '<'} or {@code '>'} in the descr
     * @return a new array holding the complete file
     * @throws IllegalArgumentException if the file would be larger than a Java array can hold
     */
    public static byte[] encode(WeightMatrix m, boolean float32, boolean fortranOrder, ByteOrder order) {
        Objects.requireNonNull(m, "m");
        Objects.requireNonNull(order, "order");
        NpyDtype dtype = NpyDtype.of(float32, order);
        NpyHeader header = new NpyHeader(dtype, fortranOrder, m.rows(), m.cols());
        byte[] dict = header.toDictLiteral().getBytes(StandardCharsets.US_ASCII);
        // Pad with spaces so that preamble + header, including its final '\n', is a multiple of ALIGN.
        int headerLength = dict.length + 1;
        headerLength += (ALIGN - (PREAMBLE + headerLength) % ALIGN) % ALIGN;
        long total = PREAMBLE + headerLength + header.dataBytes();
        if (total > NpyDecoder.MAX_ELEMENTS_LIMIT) {
            throw new IllegalArgumentException(m + " encodes to " + total + " bytes, more than a byte[] holds");
        }
        byte[] file = new byte[(int) total];
        ByteBuffer out = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        out.put(NpyDecoder.MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength).put(dict);
        while (out.position() < PREAMBLE + headerLength - 1) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        ByteBuffer data = out.slice().order(dtype.order());
        if (fortranOrder) {
            writeColumnMajor(m, data, float32);
        } else {
            writeRowMajor(m, data, float32);
        }
        return file;
    }

    private static void writeRowMajor(WeightMatrix m, ByteBuffer data, boolean float32) {
        if (float32) {
            FloatBuffer dst = data.asFloatBuffer();
            m.read((values, rows, cols) -> dst.put(values), (values, rows, cols) -> {
                for (double v : values) {
                    dst.put((float) v);
                }
                return dst;
            });
        } else {
            DoubleBuffer dst = data.asDoubleBuffer();
            m.read((values, rows, cols) -> {
                for (float v : values) {
                    dst.put(v);
                }
                return dst;
            }, (values, rows, cols) -> dst.put(values));
        }
    }

    private static void writeColumnMajor(WeightMatrix m, ByteBuffer data, boolean float32) {
        int rows = m.rows();
        int cols = m.cols();
        FloatBuffer floats = float32 ? data.asFloatBuffer() : null;
        DoubleBuffer doubles = float32 ? null : data.asDoubleBuffer();
        // Written in output order (down each column); the encoder is not on the hot path, so no tiling.
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                double v = m.get(r, c);
                if (floats != null) {
                    floats.put((float) v);
                } else {
                    doubles.put(v);
                }
            }
        }
    }
}

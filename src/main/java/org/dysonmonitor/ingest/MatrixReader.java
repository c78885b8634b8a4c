package org.dysonmonitor.ingest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.function.IntFunction;

import org.dysonmonitor.ingest.NpyFormatException.Reason;

/**
 * Reads the data section of one array of two or more dimensions into a {@link WeightMatrix} of
 * {@code shape[0]} rows and {@code shape[1] · … · shape[n-1]} columns, numpy's {@code w.reshape(w.shape[0],
 * -1)}, in one pass over the bytes: float32 into a {@code float[]}, float16 and bfloat16 widened exactly into
 * a {@code float[]}, float64 into a {@code double[]}; and checks that every value is finite.
 *
 * <p>Row-major (C order) data is the reshaped matrix already, read in chunks of {@value #CHUNK} elements
 * that are checked while still in the cache. Column-major (Fortran order) data of shape (d0, …, dk) puts
 * element (i0, …, ik) at {@code i0 + d0·f} where f is the Fortran index of (i1, …, ik): it is the
 * column-major (d0 × R) matrix whose column f is output column c = C index of (i1, …, ik). It is transposed
 * through a panel, reading each source column's segment as one bulk read; for k ≥ 2 a table maps each
 * output column c to its source column f.
 */
final class MatrixReader {

    /** Elements per bulk read of row-major data: 32 KiB of floats stays in the L1/L2 cache. */
    private static final int CHUNK = 8192;

    /** Columns per transpose panel: 16 doubles are two whole cache lines of each output row. */
    private static final int PANEL_COLS = 16;

    /** Rows per transpose panel, so that a panel (16 × 1024 doubles, 128 KiB) stays in the L2 cache. */
    private static final int PANEL_ROWS = 1024;

    /** Padding of the panel's column stride, so that its columns do not all map to the same cache sets. */
    private static final int PANEL_PAD = 8;

    /** Reads {@code len} consecutive elements starting at element {@code index} into a float[] or double[]. */
    private interface Source<A> {
        void get(int index, A dst, int off, int len);
    }

    /**
     * The loops over the elements of one precision: the walk over chunks and panels ({@link #rowMajor},
     * {@link #columnMajor}) is written once, while these stay on primitive float[] / double[] arrays (a
     * shared element loop would box every value); each is called once per chunk, column segment or panel
     * row, not per element.
     */
    private record Elements<A>(IntFunction<A> array, Finite<A> finite, Gather<A> gather) {
    }

    private interface Finite<A> {
        boolean all(A values, int off, int len);
    }

    private interface Gather<A> {
        void row(A panel, int stride, int r, A out, int o, int width);
    }

    private static final Elements<float[]> FLOATS =
            new Elements<>(float[]::new, MatrixReader::allFinite, MatrixReader::gather);
    private static final Elements<double[]> DOUBLES =
            new Elements<>(double[]::new, MatrixReader::allFinite, MatrixReader::gather);

    private MatrixReader() {
    }

    /**
     * @param name    the array's name for messages, or null for a lone {@code .npy} body
     * @param data    exactly {@code product(shape) · type.itemSize()} bytes from position 0; not modified
     * @param type    a floating element type
     * @param order   byte order of the elements
     * @param fortran whether the data is column-major
     * @param shape   at least 2 dimensions, each at least 1, with a product of at most
     *                {@link NpyDecoder#MAX_ELEMENTS_LIMIT} (checked by the caller)
     * @throws NpyFormatException {@link Reason#NON_FINITE} naming the first NaN or infinity
     */
    static WeightMatrix read(String name, ByteBuffer data, ElementType type, ByteOrder order, boolean fortran,
            long[] shape) throws NpyFormatException {
        int rows = (int) shape[0];
        int cols = (int) (ArrayHeader.elementCount(shape) / rows);
        int[] columnOrder = fortran && shape.length > 2 ? fortranColumns(shape, cols) : null;
        ByteBuffer in = data.slice().order(order);
        if (type == ElementType.FLOAT64) {
            Source<double[]> source = in.asDoubleBuffer()::get;
            double[] out = fortran
                    ? columnMajor(source, rows, cols, columnOrder, DOUBLES)
                    : rowMajor(source, rows * cols, DOUBLES);
            if (out == null) {
                throw nonFinite(name, shape, in, type, fortran, rows, cols, columnOrder);
            }
            return WeightMatrix.adopt(rows, cols, out);
        }
        Source<float[]> source = floatSource(in, type, Math.min(rows * cols, Math.max(CHUNK, PANEL_ROWS)));
        float[] out = fortran
                ? columnMajor(source, rows, cols, columnOrder, FLOATS)
                : rowMajor(source, rows * cols, FLOATS);
        if (out == null) {
            throw nonFinite(name, shape, in, type, fortran, rows, cols, columnOrder);
        }
        return WeightMatrix.adopt(rows, cols, out);
    }

    /** IEEE 754 binary16 bits to the float of equal value (every half is exactly a float). */
    static float halfToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0) {
            // Zero or subnormal: mantissa · 2^-24, exact in float (at most 10 significant bits).
            float v = mantissa * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exponent == 31) {
            return Float.intBitsToFloat(sign | 0x7f80_0000 | mantissa << 13);
        }
        // Rebias the exponent from 15 to 127 and left-align the 10 mantissa bits in float's 23.
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
    }

    /** bfloat16 bits to the float of equal value: they are that float's upper 16 bits. */
    static float bfloat16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    private static Source<float[]> floatSource(ByteBuffer in, ElementType type, int scratchLength) {
        if (type == ElementType.FLOAT32) {
            FloatBuffer floats = in.asFloatBuffer();
            return floats::get;
        }
        ShortBuffer halves = in.asShortBuffer();
        short[] scratch = new short[scratchLength];
        boolean bfloat = type == ElementType.BFLOAT16;
        return (index, dst, off, len) -> {
            halves.get(index, scratch, 0, len);
            for (int i = 0; i < len; i++) {
                dst[off + i] = bfloat ? bfloat16ToFloat(scratch[i]) : halfToFloat(scratch[i]);
            }
        };
    }

    /** Row-major data, each chunk checked while still in the cache; null if a value is not finite. */
    private static <A> A rowMajor(Source<A> src, int n, Elements<A> elements) {
        A out = elements.array().apply(n);
        boolean finite = true;
        for (int off = 0; off < n; off += CHUNK) {
            int len = Math.min(CHUNK, n - off);
            src.get(off, out, off, len);
            finite &= elements.finite().all(out, off, len);
        }
        return finite ? out : null;
    }

    /**
     * Column-major data transposed through a panel: for {@value #PANEL_COLS} columns at a time and up to
     * {@value #PANEL_ROWS} rows, each column's segment is one contiguous bulk read (checked while in the
     * cache), and each row of the panel is then written as {@value #PANEL_COLS} adjacent values. Both sides
     * touch whole cache lines, and the panel's column stride is padded away from a power of two, because a
     * naive transpose of a 4096-wide matrix strides by exactly 32 KiB and evicts its own lines from every
     * cache set. Null if a value is not finite.
     */
    private static <A> A columnMajor(Source<A> src, int rows, int cols, int[] columnOrder, Elements<A> elements) {
        A out = elements.array().apply(rows * cols);
        int panelRows = Math.min(rows, PANEL_ROWS);
        int stride = panelRows + PANEL_PAD;
        A panel = elements.array().apply(PANEL_COLS * stride);
        boolean finite = true;
        for (int c0 = 0; c0 < cols; c0 += PANEL_COLS) {
            int width = Math.min(PANEL_COLS, cols - c0);
            for (int r0 = 0; r0 < rows; r0 += panelRows) {
                int height = Math.min(panelRows, rows - r0);
                for (int j = 0; j < width; j++) {
                    int column = columnOrder == null ? c0 + j : columnOrder[c0 + j];
                    // Element (r0, column) of the column-major source; below rows * cols, so no overflow.
                    src.get(column * rows + r0, panel, j * stride, height);
                    finite &= elements.finite().all(panel, j * stride, height);
                }
                for (int r = 0; r < height; r++) {
                    elements.gather().row(panel, stride, r, out, (r0 + r) * cols + c0, width);
                }
            }
        }
        return finite ? out : null;
    }

    private static boolean allFinite(float[] a, int off, int len) {
        boolean finite = true;
        for (int i = off; i < off + len; i++) {
            // Non-short-circuit AND keeps the loop branch-free; the position is found later if needed.
            finite &= Math.abs(a[i]) <= Float.MAX_VALUE;
        }
        return finite;
    }

    private static boolean allFinite(double[] a, int off, int len) {
        boolean finite = true;
        for (int i = off; i < off + len; i++) {
            finite &= Math.abs(a[i]) <= Double.MAX_VALUE;
        }
        return finite;
    }

    /** Row r of the panel's first {@code width} columns (column stride {@code stride}) to out[o …]. */
    private static void gather(float[] panel, int stride, int r, float[] out, int o, int width) {
        for (int j = 0; j < width; j++) {
            out[o + j] = panel[j * stride + r];
        }
    }

    private static void gather(double[] panel, int stride, int r, double[] out, int o, int width) {
        for (int j = 0; j < width; j++) {
            out[o + j] = panel[j * stride + r];
        }
    }

    /**
     * For shape (d0, d1, …, dk), k ≥ 2: entry c is the Fortran index {@code i1 + d1·i2 + d1·d2·i3 + …} of
     * the trailing multi-index whose C index is c, walked as an odometer with the last axis fastest.
     */
    private static int[] fortranColumns(long[] shape, int cols) {
        int k = shape.length - 1;
        int[] dims = new int[k];
        int[] strides = new int[k];
        int stride = 1;
        for (int a = 0; a < k; a++) {
            dims[a] = (int) shape[a + 1];
            strides[a] = stride;
            stride *= dims[a];
        }
        int[] order = new int[cols];
        int[] index = new int[k];
        int f = 0;
        for (int c = 0; c < cols; c++) {
            order[c] = f;
            for (int a = k - 1; a >= 0; a--) {
                if (++index[a] < dims[a]) {
                    f += strides[a];
                    break;
                }
                index[a] = 0;
                f -= strides[a] * (dims[a] - 1);
            }
        }
        return order;
    }

    /**
     * Finds the first non-finite value again from the bytes, in row-major order (how the sender indexes
     * {@code w[i, j, ...]}): only on the error path, so a simple per-element walk.
     */
    private static NpyFormatException nonFinite(String name, long[] shape, ByteBuffer in, ElementType type,
            boolean fortran, int rows, int cols, int[] columnOrder) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int column = columnOrder == null ? c : columnOrder[c];
                // Below the element count, and times the item size below the buffer's int capacity.
                int i = fortran ? column * rows + r : r * cols + c;
                double v = switch (type) {
                    case FLOAT64 -> in.getDouble(i * 8);
                    case FLOAT32 -> in.getFloat(i * 4);
                    case FLOAT16 -> halfToFloat(in.getShort(i * 2));
                    default -> bfloat16ToFloat(in.getShort(i * 2));
                };
                if (!Double.isFinite(v)) {
                    String what = Double.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
                    String prefix = name == null ? "" : "array '" + name + "': ";
                    return new NpyFormatException(Reason.NON_FINITE, prefix + position(shape, (long) r * cols + c)
                            + " is " + what + " (has training diverged?)");
                }
            }
        }
        throw new IllegalStateException("no non-finite value after all");
    }

    /** "value at row r, col c" for a matrix, "value at index (i, j, k, l)" for a higher-dimensional array. */
    private static String position(long[] shape, long rowMajorIndex) {
        long[] index = new long[shape.length];
        long rest = rowMajorIndex;
        for (int a = shape.length - 1; a >= 0; a--) {
            index[a] = rest % shape[a];
            rest /= shape[a];
        }
        if (shape.length == 2) {
            return "value at row " + index[0] + ", col " + index[1];
        }
        StringBuilder sb = new StringBuilder("value at index (");
        for (int a = 0; a < index.length; a++) {
            sb.append(a == 0 ? "" : ", ").append(index[a]);
        }
        return sb.append(')').toString();
    }
}

package org.dysonmonitor.ingest;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable dense matrix of layer weights, {@code rows × cols}, stored row-major in the precision of its
 * source: float32 data (and float16 or bfloat16, widened exactly) in a {@code float[]}, float64 data in a
 * {@code double[]}. Nothing is widened to double and narrowed back on the way to a solver.
 *
 * <p><b>Copies between socket and solver.</b> A snapshot body exists twice: (1) the HTTP body bytes, which
 * the decoders read in place through a {@link java.nio.ByteBuffer} view, and (2) this matrix's backing
 * array, which {@link NpyDecoder} or {@link ModelDecoder} fills in one pass from those bytes and which a
 * solver reads through {@link #read(FloatValues, DoubleValues)} without a further copy (the native solver's
 * {@code dsyrk} only reads it). A deflated {@code .npz} entry adds one transient copy, its inflated bytes;
 * a memory-mapped checkpoint file replaces (1) by the page cache.
 *
 * <p>{@link #float32()} records the precision: when true every value is exactly a {@code float}.
 *
 * <p>The values themselves are not checked for finiteness here, so that tests can build bad matrices on
 * purpose; the decoders guarantee that every matrix they return is finite, and say so ({@link #checkedFinite()}),
 * so that no one scans it again.
 */
public final class WeightMatrix {

    /** Receives the backing float32 array of a matrix, lent read-only for the duration of the call. */
    @FunctionalInterface
    public interface FloatValues<R> {
        /**
         * @param rowMajor the backing array, element (r, c) at {@code r * cols + c}; must be neither modified
         *                 nor retained after the call returns
         */
        R apply(float[] rowMajor, int rows, int cols);
    }

    /** Receives the backing float64 array of a matrix, lent read-only for the duration of the call. */
    @FunctionalInterface
    public interface DoubleValues<R> {
        /**
         * @param rowMajor the backing array, element (r, c) at {@code r * cols + c}; must be neither modified
         *                 nor retained after the call returns
         */
        R apply(double[] rowMajor, int rows, int cols);
    }

    private final int rows;
    private final int cols;
    /** Row-major values of a float32 matrix, else null. */
    private final float[] floats;
    /** Row-major values of a float64 matrix, else null. */
    private final double[] doubles;
    /** Whether every value was found finite where the matrix was made (by a decoder). */
    private final boolean checkedFinite;

    private WeightMatrix(int rows, int cols, float[] floats, double[] doubles, boolean checkedFinite) {
        this.rows = rows;
        this.cols = cols;
        this.floats = floats;
        this.doubles = doubles;
        this.checkedFinite = checkedFinite;
    }

    /**
     * A matrix holding a copy of {@code rowMajor}, where element (r, c) is {@code rowMajor[r * cols + c]}.
     *
     * @param rows     number of rows, at least 1
     * @param cols     number of columns, at least 1
     * @param rowMajor exactly {@code rows * cols} values; not modified and not retained
     * @param float32  whether the values came from float32 data; if true every value must be exactly
     *                 representable as a {@code float} (NaN and infinities are), and the matrix stores floats
     * @throws IllegalArgumentException if a dimension is below 1, {@code rows * cols} exceeds
     *                                  {@code Integer.MAX_VALUE}, the length is wrong, or a value is not a
     *                                  float although {@code float32} is true
     */
    public static WeightMatrix of(int rows, int cols, double[] rowMajor, boolean float32) {
        Objects.requireNonNull(rowMajor, "rowMajor");
        int size = checkedSize(rows, cols, rowMajor.length);
        if (!float32) {
            return new WeightMatrix(rows, cols, null, rowMajor.clone(), false);
        }
        float[] narrowed = new float[size];
        for (int i = 0; i < size; i++) {
            double v = rowMajor[i];
            // NaN != NaN, so test NaN separately; it is a valid float.
            if ((double) (float) v != v && !Double.isNaN(v)) {
                throw new IllegalArgumentException("value " + v + " at index " + i
                        + " is not representable as float32, but float32 was declared");
            }
            narrowed[i] = (float) v;
        }
        return new WeightMatrix(rows, cols, narrowed, null, false);
    }

    /**
     * A float32 matrix holding a copy of {@code rowMajor}.
     *
     * @param rowMajor exactly {@code rows * cols} values; not modified and not retained
     * @throws IllegalArgumentException as {@link #of(int, int, double[], boolean)}
     */
    public static WeightMatrix of(int rows, int cols, float[] rowMajor) {
        Objects.requireNonNull(rowMajor, "rowMajor");
        checkedSize(rows, cols, rowMajor.length);
        return new WeightMatrix(rows, cols, rowMajor.clone(), null, false);
    }

    /**
     * Takes ownership of {@code rowMajor} without copying: for the decoders, which have just allocated the
     * array, checked every value finite, and must not pay for a second copy. Callers must not keep or modify
     * the array afterwards.
     */
    static WeightMatrix adopt(int rows, int cols, float[] rowMajor) {
        checkedSize(rows, cols, rowMajor.length);
        return new WeightMatrix(rows, cols, rowMajor, null, true);
    }

    /** As {@link #adopt(int, int, float[])} for float64 values. */
    static WeightMatrix adopt(int rows, int cols, double[] rowMajor) {
        checkedSize(rows, cols, rowMajor.length);
        return new WeightMatrix(rows, cols, null, rowMajor, true);
    }

    /**
     * Whether every value is known to be finite: a decoder checked each while it read it. False for a
     * matrix built with {@code of} (a trainer's, a test's), which may hold NaN or infinities.
     */
    public boolean checkedFinite() {
        return checkedFinite;
    }

    private static int checkedSize(int rows, int cols, int length) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(
                    "a weight matrix needs at least 1 row and 1 column, got " + rows + "x" + cols);
        }
        long size = (long) rows * cols;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(rows + "x" + cols + " has more elements than a Java array holds");
        }
        if (length != size) {
            throw new IllegalArgumentException(
                    "a " + rows + "x" + cols + " matrix needs " + size + " values, got " + length);
        }
        return (int) size;
    }

    /** Number of rows, at least 1. */
    public int rows() {
        return rows;
    }

    /** Number of columns, at least 1. */
    public int cols() {
        return cols;
    }

    /** Number of elements, {@code rows() * cols()}. */
    public int size() {
        return floats != null ? floats.length : doubles.length;
    }

    /** Whether the values are stored as float32 (and so are exactly representable as floats). */
    public boolean float32() {
        return floats != null;
    }

    /**
     * Element (r, c), widened exactly to double if the matrix is float32.
     *
     * @throws IndexOutOfBoundsException if {@code r} or {@code c} is out of range
     */
    public double get(int r, int c) {
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        int i = r * cols + c;
        return floats != null ? floats[i] : doubles[i];
    }

    /**
     * Lends the backing array to exactly one of the two consumers, without copying: {@code f} for a float32
     * matrix, {@code d} for a float64 one. This is how a solver reads a snapshot with no copy of its own;
     * the consumer must only read the array, and only during the call (the matrix is shared between
     * threads as an immutable value).
     *
     * @return what the called consumer returns
     */
    public <R> R read(FloatValues<R> f, DoubleValues<R> d) {
        return floats != null ? f.apply(floats, rows, cols) : d.apply(doubles, rows, cols);
    }

    /** A fresh row-major copy of the values, widened exactly to double; modifying it does not affect this matrix. */
    public double[] toRowMajor() {
        double[] out = new double[size()];
        copyRowMajor(out);
        return out;
    }

    /**
     * Copies the values, row-major and widened exactly to double, into the first {@link #size()} elements of
     * {@code into}; the rest of {@code into} is left untouched, so a larger workspace can be reused.
     *
     * @param into destination, modified; its length must be at least {@link #size()}
     * @throws IllegalArgumentException if {@code into} is too short
     */
    public void copyRowMajor(double[] into) {
        checkRoom(Objects.requireNonNull(into, "into").length);
        if (doubles != null) {
            System.arraycopy(doubles, 0, into, 0, doubles.length);
        } else {
            for (int i = 0; i < floats.length; i++) {
                into[i] = floats[i];
            }
        }
    }

    /**
     * Copies the values, row-major, into the first {@link #size()} elements of {@code into}: exact for a
     * float32 matrix; a float64 matrix's values are rounded to the nearest float.
     *
     * @param into destination, modified; its length must be at least {@link #size()}
     * @throws IllegalArgumentException if {@code into} is too short
     */
    public void copyRowMajor(float[] into) {
        checkRoom(Objects.requireNonNull(into, "into").length);
        if (floats != null) {
            System.arraycopy(floats, 0, into, 0, floats.length);
        } else {
            for (int i = 0; i < doubles.length; i++) {
                into[i] = (float) doubles[i];
            }
        }
    }

    private void checkRoom(int length) {
        if (length < size()) {
            throw new IllegalArgumentException("destination holds " + length + " values, need " + size());
        }
    }

    /**
     * Equal when shape, precision and every value match; values are compared bit-wise, as
     * {@link Arrays#equals(float[], float[])} does.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof WeightMatrix m
                && rows == m.rows && cols == m.cols
                && Arrays.equals(floats, m.floats) && Arrays.equals(doubles, m.doubles);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * rows + cols) + Arrays.hashCode(floats)) + Arrays.hashCode(doubles);
    }

    /** Shape and precision only: a matrix can hold millions of values, which do not belong in a log line. */
    @Override
    public String toString() {
        return "WeightMatrix[" + rows + "x" + cols + (float32() ? " float32]" : " float64]");
    }
}

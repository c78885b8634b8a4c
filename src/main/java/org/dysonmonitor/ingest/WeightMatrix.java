package org.dysonmonitor.ingest;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable dense matrix of layer weights, {@code rows × cols}, stored row-major as doubles.
 *
 * <p>{@link #float32()} records the precision of the source: when true, every value is exactly
 * representable as a {@code float}, so encoding the matrix back to float32 loses nothing.
 *
 * <p>The values themselves are not checked for finiteness here, so that tests can build bad matrices on
 * purpose; {@link NpyDecoder} guarantees that every matrix it returns is finite.
 *
 * <p>The internal array is never handed out: {@link #toRowMajor()} returns a copy and
 * {@link #copyRowMajor(double[])} fills a caller-owned buffer, which lets a consumer that keeps a
 * workspace (a spectrum solver) avoid allocating per snapshot.
 */
public final class WeightMatrix {

    private final int rows;
    private final int cols;
    private final boolean float32;
    private final double[] values;

    private WeightMatrix(int rows, int cols, double[] values, boolean float32) {
        this.rows = rows;
        this.cols = cols;
        this.values = values;
        this.float32 = float32;
    }

    /**
     * A matrix holding a copy of {@code rowMajor}, where element (r, c) is {@code rowMajor[r * cols + c]}.
     *
     * @param rows     number of rows, at least 1
     * @param cols     number of columns, at least 1
     * @param rowMajor exactly {@code rows * cols} values; not modified and not retained
     * @param float32  whether the values came from float32 data; if true every value must be exactly
     *                 representable as a {@code float} (NaN and infinities are)
     * @throws IllegalArgumentException if a dimension is below 1, {@code rows * cols} exceeds
     *                                  {@code Integer.MAX_VALUE}, the length is wrong, or a value is not a
     *                                  float although {@code float32} is true
     */
    public static WeightMatrix of(int rows, int cols, double[] rowMajor, boolean float32) {
        Objects.requireNonNull(rowMajor, "rowMajor");
        int size = checkedSize(rows, cols);
        if (rowMajor.length != size) {
            throw new IllegalArgumentException(
                    "a " + rows + "x" + cols + " matrix needs " + size + " values, got " + rowMajor.length);
        }
        double[] copy = rowMajor.clone();
        if (float32) {
            for (int i = 0; i < size; i++) {
                double v = copy[i];
                // NaN != NaN, so test NaN separately; it is a valid float.
                if ((double) (float) v != v && !Double.isNaN(v)) {
                    throw new IllegalArgumentException("value " + v + " at index " + i
                            + " is not representable as float32, but float32 was declared");
                }
            }
        }
        return new WeightMatrix(rows, cols, copy, float32);
    }

    /**
     * Takes ownership of {@code rowMajor} without copying: used by {@link NpyDecoder}, which has just
     * allocated the array and must not pay for a second copy of a 128 MiB matrix. Callers in this package
     * must not keep or modify the array afterwards, and must have checked the length.
     */
    static WeightMatrix adopt(int rows, int cols, double[] rowMajor, boolean float32) {
        assert rowMajor.length == checkedSize(rows, cols);
        return new WeightMatrix(rows, cols, rowMajor, float32);
    }

    private static int checkedSize(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(
                    "a weight matrix needs at least 1 row and 1 column, got " + rows + "x" + cols);
        }
        long size = (long) rows * cols;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(rows + "x" + cols + " has more elements than a Java array holds");
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
        return values.length;
    }

    /** Whether the values came from float32 data (and so are exactly representable as floats). */
    public boolean float32() {
        return float32;
    }

    /**
     * Element (r, c).
     *
     * @throws IndexOutOfBoundsException if {@code r} or {@code c} is out of range
     */
    public double get(int r, int c) {
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        return values[r * cols + c];
    }

    /** A fresh row-major copy of the values; modifying it does not affect this matrix. */
    public double[] toRowMajor() {
        return values.clone();
    }

    /**
     * Copies the values, row-major, into the first {@link #size()} elements of {@code into}; the rest of
     * {@code into} is left untouched, so a workspace larger than this matrix can be reused.
     *
     * @param into destination, modified; its length must be at least {@link #size()}
     * @throws IllegalArgumentException if {@code into} is too short
     */
    public void copyRowMajor(double[] into) {
        Objects.requireNonNull(into, "into");
        if (into.length < values.length) {
            throw new IllegalArgumentException(
                    "destination holds " + into.length + " values, need " + values.length);
        }
        System.arraycopy(values, 0, into, 0, values.length);
    }

    /**
     * The internal array, for {@link NpyEncoder} only: it reads it to write a body without copying a large
     * matrix first. Never modified and never passed outside this package.
     */
    double[] sharedValues() {
        return values;
    }

    /** Equal when shape, source precision and every value (compared bit-wise, as {@link Arrays#equals}) match. */
    @Override
    public boolean equals(Object o) {
        return o instanceof WeightMatrix m
                && rows == m.rows && cols == m.cols && float32 == m.float32
                && Arrays.equals(values, m.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * rows + cols) + Boolean.hashCode(float32)) + Arrays.hashCode(values);
    }

    /** Shape and precision only: a matrix can hold millions of values, which do not belong in a log line. */
    @Override
    public String toString() {
        return "WeightMatrix[" + rows + "x" + cols + (float32 ? " float32]" : " float64]");
    }
}

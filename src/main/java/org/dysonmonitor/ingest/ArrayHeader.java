package org.dysonmonitor.ingest;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a model body says about one of its arrays before any value is read: its name, shape, element type
 * and data size. Read by {@link ModelDecoder#headers} so that a service can admit names, caps and shapes
 * before decoding.
 *
 * <p>The matrix view: an array of two or more dimensions is a layer of {@code shape[0]} rows and
 * {@code shape[1] · … · shape[n-1]} columns, so a convolution kernel (out, in, kh, kw) is the matrix
 * (out, in·kh·kw), numpy's {@code w.reshape(w.shape[0], -1)}; a 0-D or 1-D array (a bias, a norm's scale,
 * a counter) is not a layer and is skipped.
 *
 * @param name     the array's name, as the layer is called (an npz key without {@code .npy}, or a
 *                 safetensors tensor name)
 * @param shape    the dimensions, each at least 1; copied in and out, so the record stays immutable
 * @param dtype    the element type
 * @param byteSize bytes of data, {@code elements() · dtype.itemSize()}
 */
public record ArrayHeader(String name, long[] shape, ElementType dtype, long byteSize) {

    public ArrayHeader {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements, the product of the dimensions (1 for a 0-D scalar). */
    public long elements() {
        return elementCount(shape);
    }

    /** Whether the array has two or more dimensions, and so is a layer rather than skipped. */
    public boolean isLayer() {
        return shape.length >= 2;
    }

    /**
     * Rows of the layer's matrix, {@code shape[0]}.
     *
     * @throws IllegalStateException if this is not a {@linkplain #isLayer() layer}
     */
    public int rows() {
        requireLayer();
        return (int) shape[0];
    }

    /**
     * Columns of the layer's matrix, {@code shape[1] · … · shape[n-1]}.
     *
     * @throws IllegalStateException if this is not a {@linkplain #isLayer() layer}
     */
    public int cols() {
        requireLayer();
        return (int) (elements() / shape[0]);
    }

    /** The shape as Python prints it, e.g. {@code (64, 3, 3, 3)} or {@code (10,)}. */
    public String shapeRepr() {
        return shapeRepr(shape);
    }

    private void requireLayer() {
        if (!isLayer()) {
            throw new IllegalStateException(name + " has shape " + shapeRepr() + ", which is not a layer");
        }
    }

    /** Product of the dimensions; the decoders have checked it against their limits, so it cannot overflow. */
    static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    static String shapeRepr(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArrayHeader h && name.equals(h.name) && Arrays.equals(shape, h.shape)
                && dtype == h.dtype && byteSize == h.byteSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), dtype, byteSize);
    }

    @Override
    public String toString() {
        return "ArrayHeader[" + name + " " + shapeRepr() + " " + dtype.typeName() + "]";
    }
}

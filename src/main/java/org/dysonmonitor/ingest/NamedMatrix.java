package org.dysonmonitor.ingest;

import java.util.Arrays;
import java.util.Objects;

/**
 * One layer of a decoded model: its name, its matrix, and the shape it had in the body (a convolution
 * kernel (out, in, kh, kw) is the matrix (out, in·kh·kw)).
 *
 * @param name          the array's name, which is the layer's name
 * @param matrix        the values, {@code originalShape[0]} rows
 * @param originalShape the array's dimensions, at least 2; copied in and out
 */
public record NamedMatrix(String name, WeightMatrix matrix, long[] originalShape) {

    public NamedMatrix {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(matrix, "matrix");
        originalShape = originalShape.clone();
    }

    @Override
    public long[] originalShape() {
        return originalShape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamedMatrix m && name.equals(m.name) && matrix.equals(m.matrix)
                && Arrays.equals(originalShape, m.originalShape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, matrix, Arrays.hashCode(originalShape));
    }

    @Override
    public String toString() {
        return "NamedMatrix[" + name + " " + ArrayHeader.shapeRepr(originalShape) + " as " + matrix + "]";
    }
}

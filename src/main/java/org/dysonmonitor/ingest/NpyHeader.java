package org.dysonmonitor.ingest;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dysonmonitor.ingest.NpyFormatException.Reason;

/**
 * The validated content of an NPY header for a 2-D float array: element type, memory order and shape.
 *
 * @param dtype        element type and byte order
 * @param fortranOrder true if the data is column-major
 * @param rows         first dimension, at least 1
 * @param cols         second dimension, at least 1
 */
record NpyHeader(NpyDtype dtype, boolean fortranOrder, int rows, int cols) {

    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    /** Number of elements. */
    long size() {
        return (long) rows * cols;
    }

    /** Exact length of the data section in bytes. */
    long dataBytes() {
        return size() * dtype.itemSize();
    }

    /** Shape as Python prints it, e.g. {@code (64, 64)}. */
    String shapeRepr() {
        return "(" + rows + ", " + cols + ")";
    }

    /**
     * The header dict exactly as numpy writes it (keys sorted, trailing comma), without padding:
     * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}.
     */
    String toDictLiteral() {
        return "{'descr': '" + dtype.descr() + "', 'fortran_order': " + (fortranOrder ? "True" : "False")
                + ", 'shape': " + shapeRepr() + ", }";
    }

    /**
     * Parses and validates header text. Checks run from form to meaning, so the reason reported is the most
     * basic thing wrong: the dict and the types of its values ({@link Reason#BAD_HEADER}), then the dtype
     * ({@link Reason#UNSUPPORTED_DTYPE}), then the number of dimensions and their signs
     * ({@link Reason#BAD_SHAPE}), then the element count ({@link Reason#TOO_LARGE}).
     *
     * @param text        the header text after the preamble
     * @param maxElements the largest accepted {@code rows * cols}
     */
    static NpyHeader parse(String text, long maxElements) throws NpyFormatException {
        Map<String, PyLiteral> dict = PyLiteralParser.parseDict(text);
        for (String key : dict.keySet()) {
            if (!KEYS.contains(key)) {
                throw badHeader("unknown key " + new PyLiteral.Str(key).briefRepr()
                        + ": an NPY header has exactly the keys 'descr', 'fortran_order' and 'shape'");
            }
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw badHeader("the header has no '" + key + "' key");
            }
        }
        PyLiteral descr = dict.get("descr");
        PyLiteral fortran = dict.get("fortran_order");
        PyLiteral shape = dict.get("shape");
        if (!(descr instanceof PyLiteral.Str) && !(descr instanceof PyLiteral.PyList)) {
            throw badHeader("'descr' must be a dtype string such as '<f4', got " + descr.briefRepr());
        }
        if (!(fortran instanceof PyLiteral.Bool fortranOrder)) {
            throw badHeader("'fortran_order' must be True or False, got " + fortran.briefRepr());
        }
        if (!(shape instanceof PyLiteral.Tuple tuple)
                || !tuple.items().stream().allMatch(PyLiteral.Int.class::isInstance)) {
            throw badHeader("'shape' must be a tuple of integers such as (3, 4), got " + shape.briefRepr());
        }

        if (descr instanceof PyLiteral.PyList fields) {
            throw new NpyFormatException(Reason.UNSUPPORTED_DTYPE, "structured dtype " + fields.briefRepr()
                    + " is not supported: send a plain 2-D float32 or float64 array");
        }
        NpyDtype dtype = NpyDtype.forDescr(((PyLiteral.Str) descr).value());

        List<BigInteger> dims = tuple.items().stream().map(d -> ((PyLiteral.Int) d).value()).toList();
        String shapeText = tuple.briefRepr();
        if (dims.size() != 2) {
            throw new NpyFormatException(Reason.BAD_SHAPE, wrongDimensions(dims.size(), shapeText));
        }
        for (BigInteger d : dims) {
            if (d.signum() < 0) {
                throw new NpyFormatException(Reason.BAD_SHAPE, "shape " + shapeText + " has a negative dimension");
            }
            if (d.signum() == 0) {
                throw new NpyFormatException(Reason.BAD_SHAPE,
                        "array must have at least 1 row and 1 column, got shape " + shapeText);
            }
        }
        // BigInteger, so that a crafted shape such as (2**40, 2**40) cannot wrap around to a small product.
        BigInteger elements = dims.get(0).multiply(dims.get(1));
        if (elements.compareTo(BigInteger.valueOf(maxElements)) > 0) {
            throw new NpyFormatException(Reason.TOO_LARGE, "declared shape " + shapeText + " has " + elements
                    + " elements, more than the limit of " + maxElements);
        }
        // Both dimensions are now at most maxElements, which the decoder keeps below Integer.MAX_VALUE.
        return new NpyHeader(dtype, fortranOrder.value(), dims.get(0).intValueExact(), dims.get(1).intValueExact());
    }

    private static String wrongDimensions(int ndim, String shapeText) {
        if (ndim == 0) {
            return "array must be 2-D, got a 0-D scalar, shape ()";
        }
        if (ndim == 1) {
            return "array must be 2-D, got shape " + shapeText;
        }
        return "array must be 2-D, got " + ndim + "-D shape " + shapeText
                + "; flatten it first, e.g. w.reshape(w.shape[0], -1) for a convolution kernel";
    }

    private static NpyFormatException badHeader(String what) {
        return new NpyFormatException(Reason.BAD_HEADER, "NPY header is invalid: " + what);
    }
}

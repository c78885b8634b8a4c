package org.dysonmonitor.ingest;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dysonmonitor.ingest.NpyFormatException.Reason;

/**
 * The validated content of an NPY header: element type, memory order and shape. {@link #parse} accepts
 * only a 2-D float array (a lone {@code .npy} snapshot); {@link #parseArray} any shape, as an entry of an
 * {@code .npz} model, where 0-D and 1-D arrays are skipped.
 *
 * @param type         element type
 * @param dtype        the floating dtype with its byte order, or null if {@code type} is an integer or bool
 *                     type (allowed only for a skipped 0-D or 1-D array)
 * @param fortranOrder true if the data is column-major
 * @param shape        the dimensions, each at least 1
 */
record NpyHeader(ElementType type, NpyDtype dtype, boolean fortranOrder, long[] shape) {

    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    /** A 2-D float header, as the encoder writes it. */
    NpyHeader(NpyDtype dtype, boolean fortranOrder, int rows, int cols) {
        this(dtype.type(), dtype, fortranOrder, new long[] {rows, cols});
    }

    /** First dimension of a 2-D header. */
    int rows() {
        return (int) shape[0];
    }

    /** Second dimension of a 2-D header. */
    int cols() {
        return (int) shape[1];
    }

    /** Number of elements. */
    long size() {
        return ArrayHeader.elementCount(shape);
    }

    /** Exact length of the data section in bytes. */
    long dataBytes() {
        return size() * type.itemSize();
    }

    /** Shape as Python prints it, e.g. {@code (64, 64)}. */
    String shapeRepr() {
        return ArrayHeader.shapeRepr(shape);
    }

    /**
     * The header dict exactly as numpy writes it (keys sorted, trailing comma), without padding:
     * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}.
     */
    String toDictLiteral() {
        return "{'descr': '" + dtype.descr() + "', 'fortran_order': " + (fortranOrder ? "True" : "False")
                + ", 'shape': " + shapeRepr() + ", }";
    }

    /** The three values of a well-formed header dict, types checked, meaning not yet. */
    private record Fields(PyLiteral descr, boolean fortranOrder, List<BigInteger> dims, String shapeText) {
    }

    private static Fields fields(String text) throws NpyFormatException {
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
        List<BigInteger> dims = tuple.items().stream().map(d -> ((PyLiteral.Int) d).value()).toList();
        return new Fields(descr, fortranOrder.value(), dims, tuple.briefRepr());
    }

    /**
     * Parses and validates the header of one array of an {@code .npz} model, of any number of dimensions:
     * the form ({@link Reason#BAD_HEADER}), then the dtype ({@link Reason#UNSUPPORTED_DTYPE}: a float type,
     * or for a 0-D or 1-D array also a plain integer or bool type), then the dimensions
     * ({@link Reason#BAD_SHAPE}: none may be 0 or negative), then the element count
     * ({@link Reason#TOO_LARGE}).
     *
     * @param text        the header text after the preamble
     * @param maxElements the largest accepted element count, at most {@link NpyDecoder#MAX_ELEMENTS_LIMIT}
     */
    static NpyHeader parseArray(String text, long maxElements) throws NpyFormatException {
        Fields f = fields(text);
        if (f.descr() instanceof PyLiteral.PyList list) {
            throw new NpyFormatException(Reason.UNSUPPORTED_DTYPE, "structured dtype " + list.briefRepr()
                    + " is not supported: send plain float32 or float64 arrays");
        }
        String descr = ((PyLiteral.Str) f.descr()).value();
        ElementType plain = NpyDtype.plainNonFloat(descr);
        NpyDtype dtype = plain != null && f.dims().size() < 2 ? null : NpyDtype.forDescr(descr);
        BigInteger elements = BigInteger.ONE;
        for (BigInteger d : f.dims()) {
            if (d.signum() <= 0) {
                throw new NpyFormatException(Reason.BAD_SHAPE, "shape " + f.shapeText() + " has a "
                        + (d.signum() < 0 ? "negative" : "zero") + " dimension");
            }
            elements = elements.multiply(d);
        }
        if (elements.compareTo(BigInteger.valueOf(maxElements)) > 0) {
            throw new NpyFormatException(Reason.TOO_LARGE, "declared shape " + f.shapeText() + " has "
                    + elements + " elements, more than the limit of " + maxElements);
        }
        // Every dimension is at most the product, which is at most maxElements < Integer.MAX_VALUE.
        long[] shape = f.dims().stream().mapToLong(BigInteger::longValueExact).toArray();
        return new NpyHeader(dtype == null ? plain : dtype.type(), dtype, f.fortranOrder(), shape);
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
        Fields f = fields(text);
        if (f.descr() instanceof PyLiteral.PyList list) {
            throw new NpyFormatException(Reason.UNSUPPORTED_DTYPE, "structured dtype " + list.briefRepr()
                    + " is not supported: send a plain 2-D float32 or float64 array");
        }
        NpyDtype dtype = NpyDtype.forDescr(((PyLiteral.Str) f.descr()).value());

        List<BigInteger> dims = f.dims();
        String shapeText = f.shapeText();
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
        return new NpyHeader(dtype, f.fortranOrder(), dims.get(0).intValueExact(), dims.get(1).intValueExact());
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

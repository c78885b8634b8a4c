package org.dysonmonitor.ingest;

import java.nio.ByteOrder;

import org.dysonmonitor.ingest.NpyFormatException.Reason;

/**
 * The floating-point element types an NPY array may have for its values to be decoded: float16, float32
 * or float64, little- or big-endian, named by their NPY {@code descr} strings.
 *
 * <p>{@code '=f4'} and {@code '=f8'} (the writer's native order) are read as little-endian: numpy itself
 * always writes an explicit {@code '<'} or {@code '>'}, so {@code '='} only comes from hand-made writers,
 * and every platform that trains networks today (x86-64, AArch64, little-endian POWER) is little-endian.
 * {@code '|'} ("byte order not applicable") is rejected, since for a multi-byte float it is meaningless.
 */
enum NpyDtype {
    FLOAT16_LE("<f2", ElementType.FLOAT16, ByteOrder.LITTLE_ENDIAN),
    FLOAT16_BE(">f2", ElementType.FLOAT16, ByteOrder.BIG_ENDIAN),
    FLOAT32_LE("<f4", ElementType.FLOAT32, ByteOrder.LITTLE_ENDIAN),
    FLOAT32_BE(">f4", ElementType.FLOAT32, ByteOrder.BIG_ENDIAN),
    FLOAT64_LE("<f8", ElementType.FLOAT64, ByteOrder.LITTLE_ENDIAN),
    FLOAT64_BE(">f8", ElementType.FLOAT64, ByteOrder.BIG_ENDIAN);

    private final String descr;
    private final ElementType type;
    private final ByteOrder order;

    NpyDtype(String descr, ElementType type, ByteOrder order) {
        this.descr = descr;
        this.type = type;
        this.order = order;
    }

    /** The NPY {@code descr} this writer uses, e.g. {@code "<f4"}. */
    String descr() {
        return descr;
    }

    /** The element type. */
    ElementType type() {
        return type;
    }

    /** Bytes per element: 2, 4 or 8. */
    int itemSize() {
        return type.itemSize();
    }

    /** Byte order of the elements in the data section. */
    ByteOrder order() {
        return order;
    }

    /** Short name for messages: "float16", "float32" or "float64". */
    String typeName() {
        return type.typeName();
    }

    /** The float32 ({@code float32} true) or float64 dtype with this byte order, as the encoder writes. */
    static NpyDtype of(boolean float32, ByteOrder order) {
        boolean little = ByteOrder.LITTLE_ENDIAN.equals(order);
        if (float32) {
            return little ? FLOAT32_LE : FLOAT32_BE;
        }
        return little ? FLOAT64_LE : FLOAT64_BE;
    }

    /**
     * The integer or boolean type named by a plain {@code descr} such as {@code '<i8'} or {@code '|b1'}, or
     * null for anything else: arrays of these are never decoded, only skipped when they are 0-D or 1-D.
     */
    static ElementType plainNonFloat(String descr) {
        if (descr.length() != 3 || "<>|=".indexOf(descr.charAt(0)) < 0) {
            return null;
        }
        return switch (descr.substring(1)) {
            case "b1" -> ElementType.BOOL;
            case "i1" -> ElementType.INT8;
            case "u1" -> ElementType.UINT8;
            case "i2" -> ElementType.INT16;
            case "u2" -> ElementType.UINT16;
            case "i4" -> ElementType.INT32;
            case "u4" -> ElementType.UINT32;
            case "i8" -> ElementType.INT64;
            case "u8" -> ElementType.UINT64;
            default -> null;
        };
    }

    /**
     * The dtype named by a {@code descr} string from a header.
     *
     * @throws NpyFormatException with {@link Reason#UNSUPPORTED_DTYPE} and a message that names the type
     *                            the sender used, for anything but the nine accepted strings
     */
    static NpyDtype forDescr(String descr) throws NpyFormatException {
        switch (descr) {
            case "<f2", "=f2":
                return FLOAT16_LE;
            case ">f2":
                return FLOAT16_BE;
            case "<f4", "=f4":
                return FLOAT32_LE;
            case ">f4":
                return FLOAT32_BE;
            case "<f8", "=f8":
                return FLOAT64_LE;
            case ">f8":
                return FLOAT64_BE;
            default:
                throw unsupported(descr);
        }
    }

    private static NpyFormatException unsupported(String descr) {
        String quoted = new PyLiteral.Str(descr).briefRepr();
        if (descr.equals("|f2") || descr.equals("|f4") || descr.equals("|f8")) {
            return new NpyFormatException(Reason.UNSUPPORTED_DTYPE, "dtype " + quoted
                    + " has no byte order ('|'): send '<" + descr.substring(1) + "' or '>" + descr.substring(1) + "'");
        }
        String kind = describeKind(descr);
        String what = kind == null ? "" : " (" + kind + ")";
        String advice = descr.endsWith("O")
                ? ": the monitor never unpickles; send float32 or float64"
                : ": send float32 or float64";
        return new NpyFormatException(Reason.UNSUPPORTED_DTYPE, "dtype " + quoted + what + " is not supported" + advice);
    }

    /**
     * A human name for a numpy type string such as {@code '<c16'} (complex128) or {@code '|b1'} (bool), or
     * null if the string does not look like one.
     */
    private static String describeKind(String descr) {
        String s = descr;
        if (!s.isEmpty() && "<>|=".indexOf(s.charAt(0)) >= 0) {
            s = s.substring(1);
        }
        if (s.isEmpty()) {
            return null;
        }
        char kind = s.charAt(0);
        String size = s.substring(1);
        int bytes = size.matches("[0-9]{1,3}") ? Integer.parseInt(size) : -1;
        switch (kind) {
            case 'f':
                return bytes > 8 ? "long double" : null;
            case 'c':
                return bytes > 0 ? "complex" + bytes * 8 : "complex";
            case 'i':
                return bytes > 0 ? "int" + bytes * 8 : "integer";
            case 'u':
                return bytes > 0 ? "uint" + bytes * 8 : "unsigned integer";
            case 'b':
                return "bool";
            case 'O':
                return "Python objects, stored as a pickle";
            case 'U':
                return "unicode strings";
            case 'S':
            case 'a':
                return "byte strings";
            case 'V':
                return "raw bytes";
            case 'M':
                return "datetime64";
            case 'm':
                return "timedelta64";
            default:
                return null;
        }
    }
}

package org.dysonmonitor.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds NPY files byte by byte, including invalid ones, so that tests can state exactly which part of a
 * body is wrong: a version, a header text, a header length field that lies, or a data section.
 */
final class NpyBytes {

    private NpyBytes() {
    }

    /** A version 1.0 file with {@code header} (Latin-1, not padded) followed by {@code data}. */
    static byte[] v1(String header, byte[] data) {
        return file(1, 0, header.getBytes(StandardCharsets.ISO_8859_1), data);
    }

    /**
     * A file of any version with raw header bytes; the length field is uint16 for major version 1 and
     * uint32 otherwise, and always states the true header length.
     */
    static byte[] file(int major, int minor, byte[] header, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, (byte) minor});
        ByteBuffer length = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            length.putShort((short) header.length);
        } else {
            length.putInt(header.length);
        }
        out.writeBytes(length.array());
        out.writeBytes(header);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** A header dict as numpy writes it, e.g. {@code header("<f4", false, "(3, 4)")}. */
    static String header(String descr, boolean fortranOrder, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': " + (fortranOrder ? "True" : "False")
                + ", 'shape': " + shape + ", }";
    }

    /** {@code values} as float32 in the given byte order. */
    static byte[] floats(ByteOrder order, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(order);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    /** {@code values} as float64 in the given byte order. */
    static byte[] doubles(ByteOrder order, double... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(order);
        b.asDoubleBuffer().put(values);
        return b.array();
    }

    /** {@code count} zero bytes. */
    static byte[] zeros(int count) {
        return new byte[count];
    }
}

package org.dysonmonitor.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A DER encoder (ITU-T X.690 §10) of the few ASN.1 types a certificate needs: every method returns one
 * complete tag-length-value. Lengths are definite and minimal, as DER requires.
 */
public final class Der {

    static final int BOOLEAN = 0x01;
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int UTF8_STRING = 0x0c;
    static final int UTC_TIME = 0x17;
    static final int GENERALIZED_TIME = 0x18;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private static final DateTimeFormatter UTC_TIME_FORMAT =
            DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GENERALIZED_TIME_FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    /** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050 on. */
    private static final Instant GENERALIZED_FROM = Instant.parse("2050-01-01T00:00:00Z");

    private Der() {
    }

    /** One element: the tag, the length (short form below 128, else long form), the contents. */
    public static byte[] tlv(int tag, byte[]... contents) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] c : contents) {
            body.writeBytes(c);
        }
        byte[] value = body.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int length = value.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    public static byte[] sequence(byte[]... elements) {
        return tlv(SEQUENCE, elements);
    }

    /** A SET OF; DER sorts its elements, so callers pass one element (as every RDN here has). */
    public static byte[] set(byte[] element) {
        return tlv(SET, element);
    }

    /** Two's complement, minimal: BigInteger.toByteArray is exactly X.690 §8.3. */
    public static byte[] integer(BigInteger value) {
        return tlv(INTEGER, value.toByteArray());
    }

    public static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    public static byte[] bool(boolean value) {
        return tlv(BOOLEAN, new byte[] {(byte) (value ? 0xff : 0x00)});
    }

    public static byte[] nullValue() {
        return tlv(NULL);
    }

    public static byte[] octetString(byte[] value) {
        return tlv(OCTET_STRING, value);
    }

    /** A BIT STRING of whole bytes (a key, a signature): no unused bits. */
    public static byte[] bitString(byte[] value) {
        return tlv(BIT_STRING, new byte[] {0}, value);
    }

    /**
     * A named-bit BIT STRING (X.690 §11.2.2: trailing zero bits removed), bit 0 the most significant bit of
     * the first byte, as RFC 5280's KeyUsage numbers them.
     */
    public static byte[] namedBits(int... bits) {
        int highest = -1;
        for (int b : bits) {
            highest = Math.max(highest, b);
        }
        if (highest < 0) {
            return tlv(BIT_STRING, new byte[] {0});
        }
        byte[] value = new byte[highest / 8 + 1];
        for (int b : bits) {
            value[b / 8] |= (byte) (0x80 >>> (b % 8));
        }
        int unused = 7 - highest % 8;
        return tlv(BIT_STRING, new byte[] {(byte) unused}, value);
    }

    /** An OBJECT IDENTIFIER from its dotted form, e.g. 2.5.4.3 (X.690 §8.19: base-128 arcs). */
    public static byte[] oid(String dotted) {
        String[] parts = dotted.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("an OID has at least two arcs: " + dotted);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, new BigInteger(parts[0]).multiply(BigInteger.valueOf(40)).add(new BigInteger(parts[1])));
        for (int i = 2; i < parts.length; i++) {
            base128(out, new BigInteger(parts[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, BigInteger arc) {
        int groups = Math.max(1, (arc.bitLength() + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) {
            int seven = arc.shiftRight(7 * i).intValue() & 0x7f;
            out.write(i > 0 ? seven | 0x80 : seven);
        }
    }

    public static byte[] utf8(String text) {
        return tlv(UTF8_STRING, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A certificate validity time, to the second (RFC 5280 §4.1.2.5). */
    public static byte[] time(Instant when) {
        Instant seconds = Instant.ofEpochSecond(when.getEpochSecond());
        if (seconds.isBefore(GENERALIZED_FROM)) {
            return tlv(UTC_TIME, UTC_TIME_FORMAT.format(seconds).getBytes(StandardCharsets.US_ASCII));
        }
        return tlv(GENERALIZED_TIME, GENERALIZED_TIME_FORMAT.format(seconds).getBytes(StandardCharsets.US_ASCII));
    }

    /** [n] EXPLICIT: a constructed context tag around one complete element. */
    public static byte[] explicit(int n, byte[] element) {
        return tlv(0xa0 | n, element);
    }

    /** [n] IMPLICIT on a primitive type: the contents of that type under a context tag. */
    public static byte[] implicitPrimitive(int n, byte[] contents) {
        return tlv(0x80 | n, contents);
    }
}

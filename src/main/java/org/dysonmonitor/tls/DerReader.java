package org.dysonmonitor.tls;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Reads DER elements one after another from a byte range: enough to find the algorithm of a key and the
 * curve of an EC key. Anything that is not well-formed DER (a length past the end, an indefinite length)
 * is a {@link TlsFormatException}.
 */
final class DerReader {

    /** One element: its tag and its contents. */
    record Element(int tag, byte[] contents) {

        DerReader children() {
            return new DerReader(contents);
        }

        /** The dotted form of an OBJECT IDENTIFIER's contents. */
        String oid() throws TlsFormatException {
            if (tag != Der.OID || contents.length == 0) {
                throw new TlsFormatException("expected an object identifier");
            }
            StringBuilder dotted = new StringBuilder();
            BigInteger arc = BigInteger.ZERO;
            boolean first = true;
            for (byte b : contents) {
                arc = arc.shiftLeft(7).or(BigInteger.valueOf(b & 0x7f));
                if ((b & 0x80) == 0) {
                    if (first) {
                        int top = arc.compareTo(BigInteger.valueOf(80)) >= 0 ? 2 : arc.intValue() / 40;
                        dotted.append(top).append('.').append(arc.subtract(BigInteger.valueOf(40L * top)));
                        first = false;
                    } else {
                        dotted.append('.').append(arc);
                    }
                    arc = BigInteger.ZERO;
                }
            }
            return dotted.toString();
        }
    }

    private final byte[] data;
    private int position;

    DerReader(byte[] data) {
        this.data = data;
    }

    boolean hasNext() {
        return position < data.length;
    }

    Element next() throws TlsFormatException {
        if (position + 2 > data.length) {
            throw new TlsFormatException("the data ends inside an element's header");
        }
        int tag = data[position++] & 0xff;
        if ((tag & 0x1f) == 0x1f) {
            throw new TlsFormatException("multi-byte tags are not used by keys or certificates");
        }
        int first = data[position++] & 0xff;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int bytes = first & 0x7f;
            if (bytes == 0 || bytes > 4) {
                throw new TlsFormatException(bytes == 0 ? "indefinite lengths are not DER" : "an element over 4 GiB");
            }
            if (position + bytes > data.length) {
                throw new TlsFormatException("the data ends inside an element's length");
            }
            length = 0;
            for (int i = 0; i < bytes; i++) {
                length = (length << 8) | (data[position++] & 0xff);
            }
        }
        if (length > data.length - position) {
            throw new TlsFormatException("an element's length (" + length + " bytes) runs past the end of the data");
        }
        byte[] contents = Arrays.copyOfRange(data, position, position + (int) length);
        position += (int) length;
        return new Element(tag, contents);
    }

    /** The next element, which must have {@code tag}. */
    Element next(int tag, String what) throws TlsFormatException {
        Element e = next();
        if (e.tag() != tag) {
            throw new TlsFormatException(String.format("expected %s (tag 0x%02x), found tag 0x%02x", what, tag, e.tag()));
        }
        return e;
    }

    /** The single element that fills all of {@code der}, nothing after it. */
    static Element only(byte[] der, int tag, String what) throws TlsFormatException {
        DerReader reader = new DerReader(der);
        Element e = reader.next(tag, what);
        if (reader.hasNext()) {
            throw new TlsFormatException("bytes after the end of " + what);
        }
        return e;
    }
}

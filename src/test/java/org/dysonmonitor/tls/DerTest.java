package org.dysonmonitor.tls;

import org.ietf.jgss.GSSException;
import org.ietf.jgss.Oid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.time.Instant;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The DER encoder against the JDK's own encoders (GSS-API's Oid, BigInteger) and X.690's worked examples. */
class DerTest {

    private static final HexFormat HEX = HexFormat.of();

    @ParameterizedTest
    @ValueSource(strings = {"2.5.4.3", "1.2.840.113549.1.1.11", "1.3.6.1.5.5.7.3.2", "1.2.840.10045.3.1.7",
            "2.999.3", "1.3.101.112", "2.25.329800735698586629295641978511506172918"})
    void anOidEncodesAsTheJdksGssOidDoesAndReadsBack(String dotted) throws GSSException, TlsFormatException {
        byte[] ours = Der.oid(dotted);
        assertArrayEquals(new Oid(dotted).getDER(), ours);
        assertEquals(dotted, DerReader.only(ours, Der.OID, "an OID").oid());
    }

    @Test
    void lengthsUseTheShortFormBelow128AndTheMinimalLongFormAbove() throws TlsFormatException {
        assertEquals("047f", HEX.formatHex(Der.octetString(new byte[127])).substring(0, 4));
        assertEquals("048180", HEX.formatHex(Der.octetString(new byte[128])).substring(0, 6));
        assertEquals("04820100", HEX.formatHex(Der.octetString(new byte[256])).substring(0, 8));
        assertEquals("0483010000", HEX.formatHex(Der.octetString(new byte[65536])).substring(0, 10));
        assertEquals(65536, DerReader.only(Der.octetString(new byte[65536]), Der.OCTET_STRING, "x").contents().length);
    }

    @Test
    void integersAreMinimalTwosComplement() {
        assertEquals("020100", HEX.formatHex(Der.integer(0)));
        assertEquals("02017f", HEX.formatHex(Der.integer(127)));
        assertEquals("02020080", HEX.formatHex(Der.integer(128))); // a leading 0: 128 is positive
        assertEquals("0201ff", HEX.formatHex(Der.integer(-1)));
        assertEquals("0209010000000000000000", HEX.formatHex(Der.integer(BigInteger.ONE.shiftLeft(64))));
    }

    @Test
    void namedBitStringsDropTrailingZeroBits() {
        // RFC 5280 KeyUsage: digitalSignature (0) + keyEncipherment (2) = 101 → 0xa0 with 5 unused bits.
        assertEquals("030205a0", HEX.formatHex(Der.namedBits(0, 2)));
        // keyCertSign (5) + cRLSign (6) = 0000011 → 0x06 with 1 unused bit.
        assertEquals("03020106", HEX.formatHex(Der.namedBits(5, 6)));
        // decipherOnly (8) spills into a second byte.
        assertEquals("0303070080", HEX.formatHex(Der.namedBits(8)));
    }

    @Test
    void timesAreUtcTimeBefore2050AndGeneralizedTimeFrom2050() {
        assertEquals("170d3236313230323031303230335a", HEX.formatHex(Der.time(Instant.parse("2026-12-02T01:02:03.999Z"))));
        assertEquals("180f32303530303130313030303030305a", HEX.formatHex(Der.time(Instant.parse("2050-01-01T00:00:00Z"))));
    }

    @Test
    void malformedDerIsRefusedWithTheReason() {
        assertEquals("an element's length (5 bytes) runs past the end of the data", assertThrows(TlsFormatException.class,
                () -> DerReader.only(HEX.parseHex("0405aabb"), Der.OCTET_STRING, "x")).getMessage());
        assertEquals("indefinite lengths are not DER", assertThrows(TlsFormatException.class,
                () -> DerReader.only(HEX.parseHex("308000000000"), Der.SEQUENCE, "x")).getMessage());
        assertEquals("bytes after the end of x", assertThrows(TlsFormatException.class,
                () -> DerReader.only(HEX.parseHex("05000500"), Der.NULL, "x")).getMessage());
    }
}

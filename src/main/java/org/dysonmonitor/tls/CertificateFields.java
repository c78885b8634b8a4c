package org.dysonmonitor.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The contents of an X.509 v3 certificate (RFC 5280 §4.1) that we issue, and their DER encoding and
 * signature with SHA-256 and RSA (sha256WithRSAEncryption, RFC 4055 §5: NULL parameters).
 *
 * <p>Extensions: basicConstraints (critical; a CA with pathLenConstraint 0, so that it signs only
 * end-entity certificates), keyUsage (critical; keyCertSign and cRLSign for a CA, digitalSignature and
 * keyEncipherment for a node), extendedKeyUsage serverAuth and clientAuth for a node (it is a TLS server
 * and, between cluster nodes, a TLS client), subjectAltName, and the subject and authority key
 * identifiers (RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits) that chain builders use.
 *
 * @param serial     positive, at most 20 bytes (§4.1.2.2)
 * @param issuer     the issuer's name, DER
 * @param subject    the subject's name, DER
 * @param subjectKey the certified public key
 * @param issuerKey  the issuer's public key (the subject's own for a self-signed CA)
 * @param ca         whether this is a CA certificate
 * @param altNames   the subject's alternative names (none for a CA)
 */
public record CertificateFields(BigInteger serial, byte[] issuer, byte[] subject, Instant notBefore, Instant notAfter,
                                PublicKey subjectKey, PublicKey issuerKey, boolean ca, SubjectAltNames altNames) {

    static final String SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
    static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    public CertificateFields {
        if (serial.signum() <= 0 || serial.toByteArray().length > 20) {
            throw new IllegalArgumentException("a serial number is positive and at most 20 bytes");
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("a certificate must end after it begins");
        }
    }

    /** A Name of CN and, when given, OU: {@code SEQUENCE OF SET OF AttributeTypeAndValue}, UTF8String values. */
    public static byte[] name(String commonName, String organizationalUnit) {
        List<byte[]> rdns = new ArrayList<>();
        if (organizationalUnit != null) {
            rdns.add(Der.set(Der.sequence(Der.oid("2.5.4.11"), Der.utf8(organizationalUnit))));
        }
        rdns.add(Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8(commonName))));
        return Der.sequence(rdns.toArray(byte[][]::new));
    }

    /** The signed certificate, parsed back by the JDK (which also proves the encoding well-formed). */
    public X509Certificate sign(PrivateKey issuerPrivateKey) throws GeneralSecurityException, TlsFormatException {
        byte[] algorithm = Der.sequence(Der.oid(SHA256_WITH_RSA), Der.nullValue());
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(2)), // version v3
                Der.integer(serial),
                algorithm,
                issuer,
                Der.sequence(Der.time(notBefore), Der.time(notAfter)),
                subject,
                subjectKey.getEncoded(), // SubjectPublicKeyInfo, as X.509 defines it
                Der.explicit(3, Der.sequence(extensions())));
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(issuerPrivateKey);
        signer.update(tbs);
        return Certificates.fromDer(Der.sequence(tbs, algorithm, Der.bitString(signer.sign())));
    }

    private byte[][] extensions() throws TlsFormatException {
        List<byte[]> extensions = new ArrayList<>();
        extensions.add(extension("2.5.29.19", true, ca
                ? Der.sequence(Der.bool(true), Der.integer(0))
                : Der.sequence()));
        extensions.add(extension("2.5.29.15", true, ca ? Der.namedBits(5, 6) : Der.namedBits(0, 2)));
        if (!ca) {
            extensions.add(extension("2.5.29.37", false, Der.sequence(Der.oid(SERVER_AUTH), Der.oid(CLIENT_AUTH))));
        }
        if (!altNames.isEmpty()) {
            extensions.add(extension("2.5.29.17", false, altNames.encode()));
        }
        extensions.add(extension("2.5.29.14", false, Der.octetString(keyIdentifier(subjectKey))));
        extensions.add(extension("2.5.29.35", false, Der.sequence(Der.implicitPrimitive(0, keyIdentifier(issuerKey)))));
        return extensions.toArray(byte[][]::new);
    }

    /** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE (omitted when false, as DER requires), extnValue }. */
    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    /** SHA-1 of the BIT STRING subjectPublicKey inside SubjectPublicKeyInfo (without its unused-bits byte). */
    static byte[] keyIdentifier(PublicKey key) throws TlsFormatException {
        DerReader info = DerReader.only(key.getEncoded(), Der.SEQUENCE, "a SubjectPublicKeyInfo").children();
        info.next(Der.SEQUENCE, "the key's AlgorithmIdentifier");
        byte[] bits = info.next(Der.BIT_STRING, "the subject public key").contents();
        try {
            return MessageDigest.getInstance("SHA-1").digest(java.util.Arrays.copyOfRange(bits, 1, bits.length));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}

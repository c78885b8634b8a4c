package org.dysonmonitor.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * A small CA for a test or a small deployment: an RSA key and a self-signed certificate, which issues
 * node certificates. RSA because Akka's PEM-reading SSL engine provider (akka-pki) reads RSA keys only.
 *
 * @param key         the CA's private key
 * @param certificate its self-signed certificate
 */
public record CertificateAuthority(PrivateKey key, X509Certificate certificate) {

    /** A node's key and its certificate, issued by this CA. */
    public record Issued(KeyPair keys, X509Certificate certificate) {
    }

    /** Certificates start this much before now, so that a peer whose clock is a little behind accepts them. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    public static CertificateAuthority create(String name, Duration validity, int keyBits, Instant now, SecureRandom random)
            throws GeneralSecurityException, TlsFormatException {
        KeyPair keys = rsa(keyBits, random);
        byte[] subject = CertificateFields.name(name, null);
        X509Certificate certificate = new CertificateFields(serial(random), subject, subject, now.minus(CLOCK_SKEW),
                now.plus(validity), keys.getPublic(), keys.getPublic(), true, SubjectAltNames.parse(java.util.List.of()))
                .sign(keys.getPrivate());
        return new CertificateAuthority(keys.getPrivate(), certificate);
    }

    /**
     * A node certificate: subject {@code CN=commonName, OU=node}, valid for {@code altNames}, for both
     * server and client authentication.
     */
    public Issued issue(String commonName, String node, SubjectAltNames altNames, Duration validity, int keyBits,
                        Instant now, SecureRandom random) throws GeneralSecurityException, TlsFormatException {
        KeyPair keys = rsa(keyBits, random);
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            notAfter = certificate.getNotAfter().toInstant(); // never beyond the CA itself
        }
        X509Certificate issued = new CertificateFields(serial(random),
                certificate.getSubjectX500Principal().getEncoded(), CertificateFields.name(commonName, node),
                now.minus(CLOCK_SKEW), notAfter, keys.getPublic(), certificate.getPublicKey(), false, altNames)
                .sign(key);
        return new Issued(keys, issued);
    }

    private static KeyPair rsa(int bits, SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits, random);
        return generator.generateKeyPair();
    }

    /** 159 random bits: positive and within RFC 5280's 20 octets, unpredictable (CA/B Forum asks for ≥ 64). */
    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(159, random).setBit(0);
    }
}

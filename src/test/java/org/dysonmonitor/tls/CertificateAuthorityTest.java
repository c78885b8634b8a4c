package org.dysonmonitor.tls;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Certificates our encoder writes, judged by the JDK's CertificateFactory and PKIX CertPathValidator and by
 * {@code openssl verify}: a node chain validates against its CA and not against another, with the SANs,
 * key usages and constraints asked for.
 */
class CertificateAuthorityTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static CertificateAuthority ca;
    private static CertificateAuthority otherCa;
    private static CertificateAuthority.Issued node;

    @TempDir
    static Path dir;

    @BeforeAll
    static void issue() throws Exception {
        Instant now = Instant.now();
        ca = CertificateAuthority.create("Test CA", Duration.ofDays(30), 2048, now, RANDOM);
        otherCa = CertificateAuthority.create("Test CA", Duration.ofDays(30), 2048, now, RANDOM); // same name, other key
        node = ca.issue("dyson-monitor", "node1", NodeRequest.parse("node1,10.0.0.5,::1,Node1.Example.org").altNames(),
                Duration.ofDays(7), 2048, now, RANDOM);
        Files.writeString(dir.resolve("ca.crt"), Pem.encode("CERTIFICATE", ca.certificate().getEncoded()));
        Files.writeString(dir.resolve("other.crt"), Pem.encode("CERTIFICATE", otherCa.certificate().getEncoded()));
        Files.writeString(dir.resolve("node1.crt"), Pem.encode("CERTIFICATE", node.certificate().getEncoded()));
    }

    @Test
    void theJdkParsesTheNodeCertificateWithTheFieldsAskedFor() throws Exception {
        X509Certificate c = node.certificate();
        assertEquals(3, c.getVersion());
        assertEquals("CN=dyson-monitor,OU=node1", c.getSubjectX500Principal().getName());
        assertEquals("CN=Test CA", c.getIssuerX500Principal().getName());
        assertEquals(-1, c.getBasicConstraints(), "not a CA");
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), c.getExtendedKeyUsage());
        boolean[] usage = c.getKeyUsage();
        assertTrue(usage[0] && usage[2] && !usage[5], "digitalSignature and keyEncipherment, not keyCertSign");
        assertEquals(Set.of("2.5.29.15", "2.5.29.19"), c.getCriticalExtensionOIDs());
        Collection<List<?>> names = c.getSubjectAlternativeNames();
        assertEquals(List.of(List.of(2, "node1"), List.of(2, "node1.example.org"), List.of(7, "10.0.0.5"),
                List.of(7, "0:0:0:0:0:0:0:1")), List.copyOf(names));
        assertTrue(Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant()).compareTo(Duration.ofDays(7)) > 0);
        c.verify(ca.certificate().getPublicKey());
        assertEquals("SHA256withRSA", c.getSigAlgName());
    }

    @Test
    void theCaIsSelfSignedAndMayOnlySignEndEntities() throws Exception {
        X509Certificate c = ca.certificate();
        c.verify(c.getPublicKey());
        assertEquals(0, c.getBasicConstraints(), "CA with pathLenConstraint 0");
        boolean[] usage = c.getKeyUsage();
        assertTrue(usage[5] && usage[6] && !usage[0], "keyCertSign and cRLSign only");
        assertNotEquals(ca.certificate().getSerialNumber(), otherCa.certificate().getSerialNumber());
        // The authority key identifier of the node is the CA's subject key identifier (RFC 5280 §4.2.1.1).
        byte[] ski = java.util.Arrays.copyOfRange(c.getExtensionValue("2.5.29.14"), 4, 24);
        byte[] aki = java.util.Arrays.copyOfRange(node.certificate().getExtensionValue("2.5.29.35"), 6, 26);
        assertArrayEquals(ski, aki);
    }

    @Test
    void theJdksPkixValidatorAcceptsTheChainWithItsCaAndRefusesItWithAnother() throws Exception {
        validate(ca.certificate());
        CertPathValidatorException e = assertThrows(CertPathValidatorException.class, () -> validate(otherCa.certificate()));
        assertTrue(e.getMessage().contains("signature check failed") || e.getMessage().contains("Path does not chain"),
                e.getMessage());
    }

    private static void validate(X509Certificate anchor) throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
        parameters.setRevocationEnabled(false); // a private CA publishes no CRL or OCSP
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(node.certificate())), parameters);
    }

    @Test
    void opensslVerifiesTheNodeForServerAndClientUseAgainstItsCaOnly() throws Exception {
        for (String purpose : List.of("sslserver", "sslclient")) {
            assertEquals("node1.crt: OK", OpenSsl.ok(dir, "verify", "-CAfile", "ca.crt", "-purpose", purpose, "node1.crt").strip());
        }
        assertEquals(0, OpenSsl.run(dir, "verify", "-CAfile", "ca.crt", "-verify_hostname", "node1.example.org", "node1.crt").exitCode());
        assertEquals(0, OpenSsl.run(dir, "verify", "-CAfile", "ca.crt", "-verify_ip", "10.0.0.5", "node1.crt").exitCode());
        assertNotEquals(0, OpenSsl.run(dir, "verify", "-CAfile", "ca.crt", "-verify_hostname", "node2", "node1.crt").exitCode());
        OpenSsl.Result other = OpenSsl.run(dir, "verify", "-CAfile", "other.crt", "node1.crt");
        assertNotEquals(0, other.exitCode(), other.output());
        assertTrue(other.output().contains("certificate signature failure") || other.output().contains("unable to get"),
                other.output());
        // openssl parses our DER without complaint: asn1parse walks every element.
        OpenSsl.ok(dir, "asn1parse", "-in", "node1.crt", "-strictpem");
    }

    @Test
    void aCaKeyWrittenAsPkcs8PemReadsBack() throws Exception {
        Path key = dir.resolve("ca.key");
        Files.writeString(key, Pem.encode("PRIVATE KEY", ca.key().getEncoded()));
        // openssl reads it as an RSA key (the form Akka's PEM engine provider requires) ...
        assertTrue(OpenSsl.ok(dir, "pkey", "-in", "ca.key", "-noout", "-text").contains("Private-Key: (2048 bit"));
        // ... and so do we.
        assertEquals(ca.key(), PrivateKeys.fromPem(Pem.parse(Files.readString(key))));
    }

    @Test
    void badSansAreRefusedSayingWhichOne() {
        assertEquals("\"10.0.0.300\" is not an IPv4 address", assertThrows(IllegalArgumentException.class,
                () -> NodeRequest.parse("n1,10.0.0.300")).getMessage());
        assertEquals("\"bad_name\" is neither an IP address nor a DNS name", assertThrows(IllegalArgumentException.class,
                () -> NodeRequest.parse("n1,bad_name")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeRequest.parse("../n1")).getMessage()
                .contains("must be 1 to 63 characters"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeRequest.parse("n1,,x")).getMessage()
                .contains("has an empty entry"));
    }
}

package org.dysonmonitor.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keys and certificates as openssl writes them (the forms certbot and corporate CAs issue): each key form
 * loads, and its certificate's public key verifies what it signs; mismatches and unusable files are
 * refused with a message that names the file and the fix.
 */
class ServerCredentialsTest {

    @TempDir
    Path dir;

    /** A key of {@code form} by openssl, and a self-signed certificate for it. */
    private void keyAndCertificate(String form) throws Exception {
        switch (form) {
            case "pkcs8-rsa" -> OpenSsl.ok(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "key.pem");
            case "pkcs1-rsa" -> OpenSsl.ok(dir, "genrsa", "-traditional", "-out", "key.pem", "2048");
            case "sec1-ec" -> OpenSsl.ok(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", "key.pem");
            case "pkcs8-ec" -> OpenSsl.ok(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "key.pem");
            case "pkcs8-ed25519" -> OpenSsl.ok(dir, "genpkey", "-algorithm", "ED25519", "-out", "key.pem");
            default -> throw new IllegalArgumentException(form);
        }
        OpenSsl.ok(dir, "req", "-new", "-x509", "-key", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost");
    }

    @ParameterizedTest
    @CsvSource({"pkcs8-rsa, PRIVATE KEY, RSA", "pkcs1-rsa, RSA PRIVATE KEY, RSA", "sec1-ec, EC PRIVATE KEY, EC",
            "pkcs8-ec, PRIVATE KEY, EC", "pkcs8-ed25519, PRIVATE KEY, EdDSA"})
    void eachKeyFormLoadsAndMatchesItsCertificate(String form, String label, String algorithm) throws Exception {
        keyAndCertificate(form);
        assertTrue(Files.readString(dir.resolve("key.pem")).contains("-----BEGIN " + label + "-----"), "openssl wrote " + label);
        ServerCredentials c = ServerCredentials.load(dir.resolve("cert.pem"), dir.resolve("key.pem"), Instant.now());
        assertEquals(algorithm, c.key().getAlgorithm());
        assertEquals("CN=localhost", c.leaf().getSubjectX500Principal().getName());
        // load() checked key against certificate with a signature; the pair must also be one the JDK's TLS takes.
        TlsContexts.server(c);
    }

    @Test
    void aPkcs1KeyIsTheSameKeyOpensslConvertsToPkcs8() throws Exception {
        OpenSsl.ok(dir, "genrsa", "-traditional", "-out", "pkcs1.pem", "2048");
        OpenSsl.ok(dir, "pkcs8", "-topk8", "-nocrypt", "-in", "pkcs1.pem", "-out", "pkcs8.pem");
        RSAPrivateCrtKey ours = (RSAPrivateCrtKey) PrivateKeys.fromPem(Pem.parse(Files.readString(dir.resolve("pkcs1.pem"))));
        RSAPrivateCrtKey theirs = (RSAPrivateCrtKey) PrivateKeys.fromPem(Pem.parse(Files.readString(dir.resolve("pkcs8.pem"))));
        assertEquals(theirs.getModulus(), ours.getModulus());
        assertEquals(theirs.getPrivateExponent(), ours.getPrivateExponent());
        assertEquals(theirs.getCrtCoefficient(), ours.getCrtCoefficient());
    }

    @Test
    void aChainLoadsLeafFirst() throws Exception {
        OpenSsl.ok(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=Test Root", "-addext", "basicConstraints=critical,CA:TRUE");
        OpenSsl.ok(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
        OpenSsl.ok(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "2");
        Files.writeString(dir.resolve("fullchain.pem"), Files.readString(dir.resolve("server.crt")) + Files.readString(dir.resolve("ca.crt")));
        ServerCredentials c = ServerCredentials.load(dir.resolve("fullchain.pem"), dir.resolve("server.key"), Instant.now());
        assertEquals(List.of("CN=localhost", "CN=Test Root"),
                c.chain().stream().map(x -> x.getSubjectX500Principal().getName()).toList());

        Files.writeString(dir.resolve("reversed.pem"), Files.readString(dir.resolve("ca.crt")) + Files.readString(dir.resolve("server.crt")));
        String reversed = assertThrows(CredentialsException.class, () -> ServerCredentials.load(dir.resolve("reversed.pem"),
                dir.resolve("ca.key"), Instant.now())).getMessage();
        assertTrue(reversed.contains("is not issued by the next one") && reversed.contains("in order"), reversed);
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedNamingBothFiles() throws Exception {
        keyAndCertificate("pkcs8-rsa");
        OpenSsl.ok(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "other.pem");
        String message = assertThrows(CredentialsException.class,
                () -> ServerCredentials.load(dir.resolve("cert.pem"), dir.resolve("other.pem"), Instant.now())).getMessage();
        assertEquals("--tls-key " + dir.resolve("other.pem") + " is not the key of the certificate in --tls-cert "
                + dir.resolve("cert.pem") + " (CN=localhost): the two files do not match", message);
    }

    @Test
    void unusableFilesAreRefusedWithTheFix() throws Exception {
        keyAndCertificate("pkcs8-rsa");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        OpenSsl.ok(dir, "pkcs8", "-topk8", "-in", "key.pem", "-out", "encrypted.pem", "-passout", "pass:secret");
        OpenSsl.ok(dir, "x509", "-in", "cert.pem", "-outform", "DER", "-out", "cert.der");
        Files.writeString(dir.resolve("truncated.pem"), Files.readString(key).replace("-----END PRIVATE KEY-----", ""));
        Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN PRIVATE KEY-----\nMIIB!!!\n-----END PRIVATE KEY-----\n");

        assertTrue(message(cert, dir.resolve("encrypted.pem")).contains("the private key is encrypted; decrypt it first: openssl pkcs8"));
        assertTrue(message(dir.resolve("cert.der"), key).contains("no PEM block (-----BEGIN ...-----) found: the file must be PEM, not DER"));
        assertTrue(message(cert, dir.resolve("truncated.pem")).contains("has no -----END PRIVATE KEY----- line"));
        assertTrue(message(cert, dir.resolve("garbage.pem")).contains("is not valid base64"));
        assertTrue(message(cert, cert).contains("no private key in it"));
        assertTrue(message(key, key).contains("it holds a private key: give the key with --tls-key"));
        assertTrue(message(dir.resolve("missing.pem"), key).startsWith("cannot read --tls-cert " + dir.resolve("missing.pem")));
        String expired = message(cert, key, Instant.now().plusSeconds(10 * 86400));
        assertTrue(expired.contains("is valid from") && expired.contains(", not now"), expired);
    }

    private static String message(Path cert, Path key) {
        return message(cert, key, Instant.now());
    }

    private static String message(Path cert, Path key, Instant now) {
        return assertThrows(CredentialsException.class, () -> ServerCredentials.load(cert, key, now)).getMessage();
    }

    @Test
    void pemEncodingRoundTripsThroughOpenssl() throws Exception {
        keyAndCertificate("pkcs8-rsa");
        ServerCredentials c = ServerCredentials.load(dir.resolve("cert.pem"), dir.resolve("key.pem"), Instant.now());
        Files.writeString(dir.resolve("ours.pem"), Pem.encode("CERTIFICATE", c.leaf().getEncoded()));
        String modulus = OpenSsl.ok(dir, "x509", "-in", "ours.pem", "-noout", "-modulus").strip();
        assertEquals("Modulus=" + ((RSAPublicKey) c.leaf().getPublicKey()).getModulus().toString(16).toUpperCase(), modulus);
    }
}

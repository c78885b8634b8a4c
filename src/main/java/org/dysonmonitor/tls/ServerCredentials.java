package org.dysonmonitor.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * What a TLS server presents: its private key and its certificate chain, leaf first (as certbot's
 * {@code fullchain.pem} and a corporate CA's bundle are ordered). Loading checks what would otherwise
 * fail only at the first handshake: the key belongs to the leaf certificate, each certificate is issued
 * by the next, and the leaf is valid now.
 *
 * @param key   the leaf certificate's private key
 * @param chain the leaf certificate, then the intermediates (the root may follow)
 */
public record ServerCredentials(PrivateKey key, List<X509Certificate> chain) {

    public ServerCredentials {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain has at least the server's certificate");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** Reads and checks a PEM certificate chain and a PEM private key. */
    public static ServerCredentials load(Path certificateFile, Path keyFile, Instant now) throws CredentialsException {
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = Certificates.fromPem(Pem.parse(read(certificateFile, "--tls-cert")));
        } catch (TlsFormatException e) {
            throw new CredentialsException("--tls-cert " + certificateFile + ": " + e.getMessage());
        }
        try {
            key = PrivateKeys.fromPem(Pem.parse(read(keyFile, "--tls-key")));
        } catch (TlsFormatException e) {
            throw new CredentialsException("--tls-key " + keyFile + ": " + e.getMessage());
        }
        ServerCredentials credentials = new ServerCredentials(key, chain);
        credentials.check(certificateFile, keyFile, now);
        return credentials;
    }

    private void check(Path certificateFile, Path keyFile, Instant now) throws CredentialsException {
        if (!belongsTo(key, leaf().getPublicKey())) {
            throw new CredentialsException("--tls-key " + keyFile + " is not the key of the certificate in --tls-cert "
                    + certificateFile + " (" + leaf().getSubjectX500Principal().getName() + "): the two files do not match");
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate child = chain.get(i);
            X509Certificate parent = chain.get(i + 1);
            if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal())) {
                throw new CredentialsException("--tls-cert " + certificateFile + ": certificate " + (i + 1) + " ("
                        + child.getSubjectX500Principal().getName() + ") is not issued by the next one ("
                        + parent.getSubjectX500Principal().getName() + "): the chain must go from the server's "
                        + "certificate to its CA, in order");
            }
        }
        Date date = Date.from(now);
        if (date.before(leaf().getNotBefore()) || date.after(leaf().getNotAfter())) {
            throw new CredentialsException("--tls-cert " + certificateFile + " is valid from " + leaf().getNotBefore().toInstant()
                    + " to " + leaf().getNotAfter().toInstant() + ", not now (" + now + ")");
        }
    }

    /** Whether {@code key} signs what {@code publicKey} verifies: a random challenge, any key type. */
    static boolean belongsTo(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448 name their own signature
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String read(Path file, String option) throws CredentialsException {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new CredentialsException("cannot read " + option + " " + file + ": " + e);
        }
    }
}

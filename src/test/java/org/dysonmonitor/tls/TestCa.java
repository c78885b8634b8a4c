package org.dysonmonitor.tls;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A test CA and a server certificate for 127.0.0.1 and localhost, as PEM files in a directory
 * ({@code ca.crt}, {@code server.crt}, {@code server.key}), and a second CA ({@code other-ca.crt}) that
 * signed nothing of ours: a client trusting only it must fail the handshake.
 */
public final class TestCa {

    private final Path dir;
    private final CertificateAuthority ca;
    private final CertificateAuthority other;

    private TestCa(Path dir, CertificateAuthority ca, CertificateAuthority other) {
        this.dir = dir;
        this.ca = ca;
        this.other = other;
    }

    public static TestCa create(Path dir) throws IOException, GeneralSecurityException, TlsFormatException {
        SecureRandom random = new SecureRandom();
        Instant now = Instant.now();
        CertificateAuthority ca = CertificateAuthority.create("Test CA", Duration.ofDays(2), 2048, now, random);
        CertificateAuthority other = CertificateAuthority.create("Other CA", Duration.ofDays(2), 2048, now, random);
        CertificateAuthority.Issued server = ca.issue("dyson-monitor", "server",
                SubjectAltNames.parse(List.of("localhost", "127.0.0.1")), Duration.ofDays(1), 2048, now, random);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("ca.crt"), Pem.encode("CERTIFICATE", ca.certificate().getEncoded()));
        Files.writeString(dir.resolve("other-ca.crt"), Pem.encode("CERTIFICATE", other.certificate().getEncoded()));
        Files.writeString(dir.resolve("server.crt"), Pem.encode("CERTIFICATE", server.certificate().getEncoded()));
        Files.writeString(dir.resolve("server.key"), Pem.encode("PRIVATE KEY", server.keys().getPrivate().getEncoded()));
        return new TestCa(dir, ca, other);
    }

    public Path caFile() {
        return dir.resolve("ca.crt");
    }

    public Path otherCaFile() {
        return dir.resolve("other-ca.crt");
    }

    public Path certFile() {
        return dir.resolve("server.crt");
    }

    public Path keyFile() {
        return dir.resolve("server.key");
    }

    /** The server's context, loaded from the PEM files as {@code serve --tls-cert --tls-key} loads them. */
    public SSLContext serverContext() throws CredentialsException, GeneralSecurityException {
        return TlsContexts.server(ServerCredentials.load(certFile(), keyFile(), Instant.now()));
    }

    /** A client context trusting this CA only. */
    public SSLContext clientContext() throws GeneralSecurityException {
        return TlsContexts.trusting(List.of(ca.certificate()));
    }

    /** A client context trusting only the other CA. */
    public SSLContext otherClientContext() throws GeneralSecurityException {
        return TlsContexts.trusting(List.of(other.certificate()));
    }
}

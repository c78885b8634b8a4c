package org.dysonmonitor.bench;

import org.dysonmonitor.tls.CertificateAuthority;
import org.dysonmonitor.tls.Pem;
import org.dysonmonitor.tls.SubjectAltNames;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A throw-away cluster CA and two node certificates in a temporary directory, as {@code certs}
 * makes them (RSA 2048, one common name for every node), for measuring the cluster's transport over
 * mutual TLS against plain TCP in the same run.
 */
final class ClusterTlsFiles {

    /** PEM files of one node: certificate, key, and the cluster CA. */
    record Node(Path cert, Path key, Path ca) {
    }

    private ClusterTlsFiles() {
    }

    static List<Node> make(Path dir, int nodes) throws IOException, GeneralSecurityException,
            org.dysonmonitor.tls.TlsFormatException {
        SecureRandom random = new SecureRandom();
        Instant now = Instant.now();
        CertificateAuthority ca = CertificateAuthority.create("bench CA", Duration.ofDays(1), 2048, now, random);
        Path caFile = dir.resolve("ca.crt");
        Files.writeString(caFile, Pem.encode("CERTIFICATE", ca.certificate().getEncoded()), StandardCharsets.US_ASCII);
        List<Node> out = new java.util.ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            CertificateAuthority.Issued issued = ca.issue("dyson-monitor", "node" + i,
                    new SubjectAltNames(List.of("localhost"), List.of(InetAddress.getLoopbackAddress())),
                    Duration.ofDays(1), 2048, now, random);
            Path cert = dir.resolve("node" + i + ".crt");
            Path key = dir.resolve("node" + i + ".key");
            Files.writeString(cert, Pem.encode("CERTIFICATE", issued.certificate().getEncoded()), StandardCharsets.US_ASCII);
            Files.writeString(key, Pem.encode("PRIVATE KEY", issued.keys().getPrivate().getEncoded()), StandardCharsets.US_ASCII);
            out.add(new Node(cert, key, caFile));
        }
        return out;
    }
}

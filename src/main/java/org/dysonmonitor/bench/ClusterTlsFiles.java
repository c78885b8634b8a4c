package org.dysonmonitor.bench;

import org.dysonmonitor.tls.CertificateAuthority;
import org.dysonmonitor.tls.NodeRequest;
import org.dysonmonitor.tls.Pem;
import org.dysonmonitor.tls.TlsFormatException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throw-away cluster CA and node certificates in a temporary directory, made as {@code certs --node
 * nodeI,127.0.0.1} makes them (RSA 2048, the common name {@code dyson-monitor} of every node, which
 * Akka's PEM engine requires peers to share), for the cluster's transport over mutual TLS in a bench.
 * Closing deletes the directory.
 */
record ClusterTlsFiles(Path dir, List<Node> nodes) implements AutoCloseable {

    /** PEM files of one node: certificate, key, and the cluster CA. */
    record Node(Path cert, Path key, Path ca) {
    }

    static ClusterTlsFiles temporary(int nodes) throws IOException, GeneralSecurityException, TlsFormatException {
        Path dir = Files.createTempDirectory("dyson-bench-tls");
        try {
            SecureRandom random = new SecureRandom();
            Instant now = Instant.now();
            CertificateAuthority ca = CertificateAuthority.create("dyson-monitor bench CA", Duration.ofDays(1), 2048,
                    now, random);
            Path caFile = dir.resolve("ca.crt");
            Files.writeString(caFile, Pem.encode("CERTIFICATE", ca.certificate().getEncoded()), StandardCharsets.US_ASCII);
            List<Node> out = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                NodeRequest request = NodeRequest.parse("node" + i + ",127.0.0.1");
                CertificateAuthority.Issued issued = ca.issue("dyson-monitor", request.name(), request.altNames(),
                        Duration.ofDays(1), 2048, now, random);
                Path cert = dir.resolve(request.name() + ".crt");
                Path key = dir.resolve(request.name() + ".key");
                Files.writeString(cert, Pem.encode("CERTIFICATE", issued.certificate().getEncoded()),
                        StandardCharsets.US_ASCII);
                Files.writeString(key, Pem.encode("PRIVATE KEY", issued.keys().getPrivate().getEncoded()),
                        StandardCharsets.US_ASCII);
                out.add(new Node(cert, key, caFile));
            }
            return new ClusterTlsFiles(dir, List.copyOf(out));
        } catch (IOException | GeneralSecurityException | TlsFormatException | RuntimeException e) {
            new ClusterTlsFiles(dir, List.of()).close();
            throw e;
        }
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A temporary directory left behind: nothing of the measurement depends on it.
        }
    }
}

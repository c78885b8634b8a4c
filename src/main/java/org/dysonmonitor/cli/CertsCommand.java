package org.dysonmonitor.cli;

import org.dysonmonitor.tls.CertificateAuthority;
import org.dysonmonitor.tls.Certificates;
import org.dysonmonitor.tls.NodeRequest;
import org.dysonmonitor.tls.Pem;
import org.dysonmonitor.tls.PrivateKeys;
import org.dysonmonitor.tls.TlsFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code certs}: a CA and node certificates signed by it, for HTTPS and the cluster's mutual TLS of a
 * test or small deployment, made with the JDK's own crypto. Keys are PKCS#8 PEM readable by the owner
 * only; an existing CA in DIR is reused, so that nodes can be added later.
 */
@Command(name = "certs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make a CA (ca.crt, ca.key) and node certificates signed by it (NAME.crt, NAME.key) in DIR, "
                + "for serve --tls-cert/--tls-key and the cluster. RSA keys in PKCS#8 PEM (mode 0600); node "
                + "certificates are for server and client authentication, valid for the node's name and its SANs.",
                "Example: dyson-monitor certs --out certs --node node1,10.0.0.11,node1.example.org --node node2,10.0.0.12"})
final class CertsCommand extends CheckedCommand {

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Directory of the files (created if missing; an existing ca.crt and ca.key there are reused).")
    Path out;

    @Option(names = "--node", paramLabel = "NAME[,SAN...]",
            description = "A node certificate (repeatable): NAME (also a DNS SAN when it is a host name), then DNS "
                    + "names and IP addresses it is reached at, e.g. node1,10.0.0.11,node1.example.org.")
    List<String> nodes = new ArrayList<>();

    @Option(names = "--ca-name", defaultValue = "dyson-monitor CA", description = "The CA's common name (default: ${DEFAULT-VALUE}).")
    String caName;

    @Option(names = "--cluster-name", defaultValue = "dyson-monitor",
            description = "Common name of every node certificate (default: ${DEFAULT-VALUE}): Akka's PEM SSL engine "
                    + "admits a peer only when it shares a subject name with the node itself.")
    String clusterName;

    @Option(names = "--days", defaultValue = "365", description = "Validity of node certificates in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--ca-days", defaultValue = "3650", description = "Validity of a new CA in days (default: ${DEFAULT-VALUE}).")
    int caDays;

    @Option(names = "--key-bits", defaultValue = "2048", description = "RSA key size, 2048 to 8192 (default: ${DEFAULT-VALUE}).")
    int keyBits;

    @Override
    int call(CommandLine cmd) throws Exception {
        MonitorOptions.require(cmd, days > 0 && caDays > 0, "--days and --ca-days must be positive");
        MonitorOptions.require(cmd, keyBits >= 2048 && keyBits <= 8192, "--key-bits must be in 2048..8192");
        MonitorOptions.require(cmd, !caName.isBlank() && !clusterName.isBlank(), "--ca-name and --cluster-name must not be empty");
        List<NodeRequest> requests = new ArrayList<>();
        for (String node : nodes) {
            NodeRequest request;
            try {
                request = NodeRequest.parse(node);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, "--node " + node + ": " + e.getMessage());
            }
            MonitorOptions.require(cmd, requests.stream().noneMatch(r -> r.name().equals(request.name())),
                    "--node " + node + ": the node " + request.name() + " is named twice");
            Path key = out.resolve(request.name() + ".key");
            MonitorOptions.require(cmd, !Files.exists(key), "--node " + node + ": " + key
                    + " exists; remove it (and its .crt) to issue a new one");
            requests.add(request);
        }
        Files.createDirectories(out);
        SecureRandom random = new SecureRandom();
        Instant now = Instant.now();
        CertificateAuthority ca = authority(cmd, random, now);
        for (NodeRequest r : requests) {
            CertificateAuthority.Issued issued = ca.issue(clusterName, r.name(), r.altNames(), Duration.ofDays(days),
                    keyBits, now, random);
            writeKey(out.resolve(r.name() + ".key"), issued.keys().getPrivate().getEncoded());
            writeCertificate(out.resolve(r.name() + ".crt"), issued.certificate());
            cmd.getOut().println("node " + r.name() + ": " + out.resolve(r.name() + ".crt") + ", " + out.resolve(r.name() + ".key")
                    + " (DNS " + r.altNames().dnsNames() + ", IP " + r.altNames().ipAddresses().stream()
                    .map(a -> a.getHostAddress()).toList() + ", until " + issued.certificate().getNotAfter().toInstant() + ")");
        }
        cmd.getOut().println("serve with: --tls-cert " + out.resolve("NAME.crt") + " --tls-key " + out.resolve("NAME.key")
                + "; clients trust " + out.resolve("ca.crt"));
        cmd.getOut().flush();
        return 0;
    }

    /** The CA in DIR, or a new one written there. */
    private CertificateAuthority authority(CommandLine cmd, SecureRandom random, Instant now)
            throws IOException, GeneralSecurityException, TlsFormatException {
        Path caCert = out.resolve("ca.crt");
        Path caKey = out.resolve("ca.key");
        if (Files.exists(caCert) || Files.exists(caKey)) {
            MonitorOptions.require(cmd, Files.exists(caCert) && Files.exists(caKey),
                    out + " has only one of ca.crt and ca.key: restore the other, or remove both to make a new CA");
            CertificateAuthority ca;
            try {
                ca = new CertificateAuthority(PrivateKeys.fromPem(Pem.parse(Files.readString(caKey, StandardCharsets.ISO_8859_1))),
                        Certificates.fromPem(Pem.parse(Files.readString(caCert, StandardCharsets.ISO_8859_1))).get(0));
            } catch (TlsFormatException e) {
                throw new CommandLine.ParameterException(cmd, "the CA in " + out + " cannot be read: " + e.getMessage());
            }
            cmd.getOut().println("CA " + ca.certificate().getSubjectX500Principal().getName() + " (existing): " + caCert
                    + ", SHA-256 " + fingerprint(ca.certificate()));
            return ca;
        }
        CertificateAuthority ca = CertificateAuthority.create(caName, Duration.ofDays(caDays), keyBits, now, random);
        writeKey(caKey, ca.key().getEncoded());
        writeCertificate(caCert, ca.certificate());
        cmd.getOut().println("CA " + ca.certificate().getSubjectX500Principal().getName() + ": " + caCert + ", " + caKey
                + ", SHA-256 " + fingerprint(ca.certificate()));
        return ca;
    }

    /** PKCS#8 PEM, created with mode 0600 before a byte is written (never readable by others, even briefly). */
    private static void writeKey(Path file, byte[] pkcs8) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " appeared while the certificates were made; nothing was overwritten", e);
        }
        Files.writeString(file, Pem.encode("PRIVATE KEY", pkcs8), StandardCharsets.US_ASCII);
    }

    private static void writeCertificate(Path file, X509Certificate certificate) throws IOException, GeneralSecurityException {
        Files.writeString(file, Pem.encode("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static String fingerprint(X509Certificate certificate) throws GeneralSecurityException {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }
}

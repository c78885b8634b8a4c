package org.dysonmonitor.cli;

import org.dysonmonitor.tls.OpenSsl;
import org.dysonmonitor.tls.TestCa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code serve}'s TLS and token options and {@code certs} as a user meets them: bad files exit 2 with a
 * message before anything starts, an exposed bind warns, and certs writes files openssl accepts.
 */
class SecurityOptionsTest {

    @TempDir
    static Path dir;
    private static TestCa ca;

    private record Run(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void makeCa() throws Exception {
        ca = TestCa.create(dir.resolve("ca"));
    }

    private static Run execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = DysonMonitor.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aKeyOfAnotherCertificateExits2WithTheMessage() throws Exception {
        Path otherKey = dir.resolve("other.key");
        OpenSsl.ok(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", otherKey.toString());
        Run r = execute("serve", "--port", "0", "--tls-cert", ca.certFile().toString(), "--tls-key", otherKey.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--tls-key " + otherKey + " is not the key of the certificate in --tls-cert "
                + ca.certFile()), r.err());
        assertFalse(r.out().contains("serving on"), "nothing started");
    }

    @Test
    void aBadKeyFileOrAMissingHalfExits2() throws Exception {
        Path bad = dir.resolve("bad.key");
        Files.writeString(bad, "not a key\n");
        Run r = execute("serve", "--port", "0", "--tls-cert", ca.certFile().toString(), "--tls-key", bad.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--tls-key " + bad + ": no PEM block"), r.err());
        Run half = execute("serve", "--port", "0", "--tls-cert", ca.certFile().toString());
        assertEquals(2, half.exitCode());
        assertTrue(half.err().contains("--tls-cert and --tls-key go together: give both"), half.err());
    }

    @Test
    void aMalformedTokenFileExits2NamingTheLineNotTheToken() throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "ingest abc\nwrite s3cr3t-value\n");
        Run r = execute("serve", "--port", "0", "--token-file", tokens.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--token-file " + tokens + ": line 2: the scope must be ingest or read"), r.err());
        assertFalse(r.err().contains("s3cr3t-value"), "a token is never printed");
        Path metrics = dir.resolve("metrics-empty");
        Files.writeString(metrics, "\n");
        Run m = execute("serve", "--port", "0", "--metrics-token", metrics.toString());
        assertEquals(2, m.exitCode());
        assertTrue(m.err().contains("--metrics-token " + metrics + " is empty"), m.err());
    }

    @Test
    void anExposedBindWithoutTlsOrTokenWarnsAtStartAndTlsServesHttps() throws Exception {
        Run exposed = serveFor("--bind", "0.0.0.0", "--port", "0", "--duration", "1s");
        assertEquals(0, exposed.exitCode(), exposed.err());
        assertTrue(exposed.err().contains("WARNING: listening on 0.0.0.0 without TLS"), exposed.err());
        assertTrue(exposed.err().contains("WARNING: listening on 0.0.0.0 without a token"), exposed.err());

        Path tokens = dir.resolve("api-tokens");
        Files.writeString(tokens, "ingest t1\n");
        Run secured = serveFor("--bind", "0.0.0.0", "--port", "0", "--duration", "1s", "--token-file", tokens.toString(),
                "--tls-cert", ca.certFile().toString(), "--tls-key", ca.keyFile().toString());
        assertEquals(0, secured.exitCode(), secured.err());
        assertFalse(secured.err().contains("WARNING"), secured.err());
        assertTrue(secured.out().startsWith("dyson-monitor serving on https://"), secured.out());

        Run local = serveFor("--port", "0", "--duration", "1s");
        assertFalse(local.err().contains("WARNING"), "loopback needs neither: " + local.err());
    }

    private static Run serveFor(String... args) throws InterruptedException {
        AtomicInteger exit = new AtomicInteger(Integer.MIN_VALUE);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        Thread serve = new Thread(() -> {
            CommandLine cmd = DysonMonitor.commandLine();
            cmd.setOut(new PrintWriter(out, true));
            cmd.setErr(new PrintWriter(err, true));
            exit.set(cmd.execute(all));
        }, "serve-under-test");
        serve.start();
        serve.join(60_000); // a hang guard: serve stops itself after --duration
        assertFalse(serve.isAlive(), () -> "serve was still running after 60 s:\n" + out);
        return new Run(exit.get(), out.toString(), err.toString());
    }

    @Test
    void certsWritesACaAndNodesOpensslVerifiesWithKeysForTheOwnerOnly() throws Exception {
        Path out = dir.resolve("certs");
        Run r = execute("certs", "--out", out.toString(), "--node", "node1,10.0.0.11,node1.example.org", "--node", "node2");
        assertEquals(0, r.exitCode(), r.err());
        for (String f : new String[] {"ca.key", "node1.key", "node2.key"}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(f))), f);
            assertTrue(Files.readString(out.resolve(f)).startsWith("-----BEGIN PRIVATE KEY-----\n"), f + " is PKCS#8 PEM");
        }
        assertEquals("node1.crt: OK\nnode2.crt: OK", OpenSsl.ok(out, "verify", "-CAfile", "ca.crt", "-purpose", "sslclient",
                "node1.crt", "node2.crt").strip());
        X509Certificate node1 = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(out.resolve("node1.crt")));
        assertEquals("[[2, node1], [2, node1.example.org], [7, 10.0.0.11]]", node1.getSubjectAlternativeNames().toString());

        // A later node is issued by the same CA; an existing node is never overwritten.
        Run more = execute("certs", "--out", out.toString(), "--node", "node3");
        assertEquals(0, more.exitCode(), more.err());
        assertTrue(more.out().contains("(existing)"), more.out());
        assertEquals("node3.crt: OK", OpenSsl.ok(out, "verify", "-CAfile", "ca.crt", "node3.crt").strip());
        Run again = execute("certs", "--out", out.toString(), "--node", "node1");
        assertEquals(2, again.exitCode());
        assertTrue(again.err().contains("node1.key exists; remove it"), again.err());
        Run badSan = execute("certs", "--out", out.toString(), "--node", "node4,bad_name");
        assertEquals(2, badSan.exitCode());
        assertTrue(badSan.err().contains("\"bad_name\" is neither an IP address nor a DNS name"), badSan.err());
    }
}

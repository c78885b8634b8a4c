package org.dysonmonitor.cli;

import org.dysonmonitor.store.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code serve --store}: a password in the URL, a bad URL or password file, a server that is not there: exit 2 with why. */
class ServeStoreOptionsTest {

    @TempDir
    Path tmp;

    private static String errorOf(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = DysonMonitor.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        assertEquals(2, cmd.execute(args), err::toString);
        return err.toString();
    }

    @Test
    void aPasswordInTheUrlExits2WithTheWayToGiveIt() {
        String err = errorOf("serve", "--port", "0", "--store", "postgresql://mon:hunter2@127.0.0.1:5432/dyson",
                "--duration", "1s");
        assertTrue(err.contains("--store: the PostgreSQL URL must not contain a password")
                && err.contains("--store-password-file FILE") && err.contains("DYSON_STORE_PASSWORD"), err);
        assertFalse(err.contains("hunter2"), "the password is not repeated: " + err);
        err = errorOf("serve", "--port", "0", "--store", "jdbc:postgresql://127.0.0.1/dyson?user=mon&password=hunter2");
        assertTrue(err.contains("must not contain a password") && !err.contains("hunter2"), err);
    }

    @Test
    void aBadUrlOrAMissingPasswordFileExits2() {
        String err = errorOf("serve", "--port", "0", "--store", "postgresql://127.0.0.1:5432/dyson");
        assertTrue(err.contains("--store: the PostgreSQL URL names no user: add ?user=USER"), err);
        Path missing = tmp.resolve("no-such-file");
        err = errorOf("serve", "--port", "0", "--store", "postgresql://127.0.0.1/dyson?user=mon",
                "--store-password-file", missing.toString());
        assertTrue(err.contains("--store: cannot read the password file " + missing), err);
        err = errorOf("serve", "--port", "0", "--store-password-file", missing.toString());
        assertTrue(err.contains("--store-password-file is the password of --store postgresql://...: give --store too"), err);
    }

    /**
     * A real server: serve with the password from a file opens the store (its tables appear) and
     * stops after its duration with exit code 0; a wrong password is a one-line refusal, exit 2.
     */
    @Test
    void serveUsesARealPostgresAndAWrongPasswordExits2() throws Exception {
        try (PostgresServer server = PostgresServer.start()) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cmd = DysonMonitor.commandLine();
            cmd.setOut(new PrintWriter(out, true));
            cmd.setErr(new PrintWriter(err, true));
            assertEquals(0, cmd.execute("serve", "--port", "0", "--store", server.url(), "--store-password-file",
                    server.passwordFile().toString(), "--duration", "2s"), err::toString);
            try (Connection c = server.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
                assertTrue(rs.next(), "the store created its tables");
            }
            Path wrong = Files.writeString(tmp.resolve("wrong"), "not-the-password\n");
            String refused = errorOf("serve", "--port", "0", "--store", server.url(), "--store-password-file",
                    wrong.toString(), "--duration", "1s");
            assertTrue(refused.contains("--store: cannot open the history store " + "postgresql://127.0.0.1:"
                    + server.port() + "/dyson as dyson_test: the server refused the login of user dyson_test"), refused);
            assertFalse(refused.contains("not-the-password") || refused.contains("\tat "), refused);
        }
    }

    /** Nothing listens on the port: one line that names the server, no stack trace, exit 2. */
    @Test
    void anUnreachableDatabaseExits2WithOneLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String err = errorOf("serve", "--port", "0", "--store", "postgresql://127.0.0.1:" + port + "/dyson?user=mon",
                "--duration", "1s");
        assertTrue(err.contains("--store: cannot open the history store postgresql://127.0.0.1:" + port
                + "/dyson as mon: cannot reach the server at 127.0.0.1:" + port), err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
    }
}

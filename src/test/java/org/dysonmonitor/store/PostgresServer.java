package org.dysonmonitor.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server of its own for a test: Debian's {@code initdb} and {@code pg_ctl}
 * (the newest {@code /usr/lib/postgresql/N/bin}) make a database cluster in a temporary directory,
 * listening on 127.0.0.1 on a free port only (its Unix socket inside that directory), with a test
 * user whose password is checked (scram-sha-256, also for local connections) and one database.
 * Run as the {@code postgres} user when the test runs as root (PostgreSQL refuses to run as root),
 * as the current user otherwise. {@link #close()} stops it ({@code pg_ctl stop -m immediate}) and
 * deletes the directory.
 *
 * <p>{@code fsync = off}: the tests kill clients, never the machine, and the server still answers
 * for every commit it acknowledged to a killed client; only a power cut would lose them.
 *
 * <p>The server is a process of its own: monitor processes started from the jar by a test can use
 * it as they would a production database ({@link #url()}, {@link #user()}, and the password from
 * {@link #passwordFile()} or the environment).
 */
public final class PostgresServer implements AutoCloseable {

    private static final Path DEBIAN = Path.of("/usr/lib/postgresql");
    private static final String USER = "dyson_test";
    private static final String DATABASE = "dyson";

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final boolean asPostgres;
    private final int port;
    private final String password;
    private final Path passwordFile;
    private volatile boolean stopped;

    private PostgresServer(Path bin, Path dir, boolean asPostgres, int port, String password) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.asPostgres = asPostgres;
        this.port = port;
        this.password = password;
        this.passwordFile = dir.resolve("password");
    }

    /** Whether Debian's server binaries are installed (a test without them cannot run). */
    public static boolean available() {
        return binaries() != null;
    }

    /** Makes, starts and fills a new server: initdb, pg_ctl start -w, CREATE DATABASE. */
    public static PostgresServer start() {
        Path bin = binaries();
        if (bin == null) {
            throw new IllegalStateException("no PostgreSQL server binaries in " + DEBIAN
                    + "/*/bin (install Debian's postgresql package)");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        PostgresServer server;
        try {
            Path dir = Files.createTempDirectory("dyson-pg-");
            server = new PostgresServer(bin, dir, root, freePort(), HexFormat.of().formatHex(secret));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            server.initAndStart();
            return server;
        } catch (IOException | SQLException | RuntimeException e) {
            server.close();
            throw new IllegalStateException("cannot start a test PostgreSQL in " + server.dir + ": " + e.getMessage(), e);
        }
    }

    /** The database's URL as the monitor takes it, {@code postgresql://127.0.0.1:PORT/dyson?user=dyson_test}. */
    public String url() {
        return "postgresql://127.0.0.1:" + port + "/" + DATABASE + "?user=" + USER;
    }

    /** The same database as a JDBC URL (without credentials). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    /** A file holding the password alone (mode 600), as {@code --store-password-file} reads it. */
    public Path passwordFile() {
        return passwordFile;
    }

    /** A new connection of the test user, for checking what really is in the database. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, password);
    }

    /** Runs statements as the test user (a superuser of this cluster), e.g. to empty the tables. */
    public void execute(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void initAndStart() throws IOException, SQLException {
        Path pwfile = dir.resolve("initdb-password");
        Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
        Files.writeString(passwordFile, password, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        if (asPostgres) {
            run(List.of("chown", "-R", "postgres:postgres", dir.toString()), false);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--pwfile=" + pwfile,
                "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"), true);
        Files.deleteIfExists(pwfile);
        String options = "-c listen_addresses=127.0.0.1 -c port=" + port + " -c unix_socket_directories=" + dir
                + " -c fsync=off -c full_page_writes=off -c max_connections=60 -c shared_buffers=32MB";
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-o", options, "-w", "-t", "60", "start"), true);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER,
                password); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        }
    }

    /** Stops the server at once (its clients are tests) and deletes its directory. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"),
                        true);
            } catch (IOException | RuntimeException e) {
                System.err.println("PostgresServer: stopping the test server failed: " + e.getMessage());
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("PostgresServer: cannot delete " + dir + ": " + e.getMessage());
        }
    }

    private void run(List<String> command, boolean server) throws IOException {
        List<String> full = new ArrayList<>();
        if (server && asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish within 90 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            String log = "";
            Path serverLog = dir.resolve("server.log");
            if (Files.exists(serverLog)) {
                log = "\nserver.log:\n" + Files.readString(serverLog);
            }
            throw new IllegalStateException(String.join(" ", full) + " exited " + p.exitValue() + ":\n" + output + log);
        }
    }

    private static Path binaries() {
        if (!Files.isDirectory(DEBIAN)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(DEBIAN)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())))
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}

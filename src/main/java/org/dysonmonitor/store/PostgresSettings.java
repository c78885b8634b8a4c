package org.dysonmonitor.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Where a PostgreSQL database is and who connects to it. Parsed from
 * {@code postgresql://HOST[:PORT]/DB?user=U} (also {@code postgres://}, {@code jdbc:postgresql://}
 * and {@code postgresql://U@HOST/DB}); other query parameters (e.g. {@code sslmode}) are passed
 * to the driver as they are. A password is never part of the URL, which a process list shows to
 * every user of the machine: one in it is refused, and the password comes separately
 * ({@link HistoryStores}). {@link #toString()} never shows it.
 *
 * @param password empty: none (the server trusts the host, or the driver finds a .pgpass)
 */
public record PostgresSettings(String host, int port, String database, String user, Optional<String> password,
                               Map<String, String> parameters) {

    public static final int DEFAULT_PORT = 5432;
    /** Parameters that carry a secret, refused in a URL. */
    private static final Set<String> SECRETS = Set.of("password", "sslpassword");

    public PostgresSettings {
        parameters = Map.copyOf(parameters);
    }

    /** Whether {@code spec} names a PostgreSQL database rather than a data directory. */
    public static boolean isUrl(String spec) {
        String s = spec.toLowerCase(Locale.ROOT);
        return s.startsWith("postgresql:") || s.startsWith("postgres:") || s.startsWith("jdbc:postgresql:");
    }

    /**
     * Reads a URL; the password is added separately ({@link #withPassword}).
     *
     * @throws IllegalArgumentException with a message for the user: not such a URL, no host, no
     *                                  database, no user, a bad port, or a password in it
     */
    public static PostgresSettings parse(String url) {
        String spec = url.strip();
        String rest = spec.regionMatches(true, 0, "jdbc:", 0, 5) ? spec.substring(5) : spec;
        URI uri;
        try {
            uri = new URI(rest);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a PostgreSQL URL: " + e.getMessage()
                    + " (expected postgresql://HOST:PORT/DB?user=USER)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("postgresql") && !scheme.equals("postgres") || uri.getRawAuthority() == null) {
            throw new IllegalArgumentException("not a PostgreSQL URL (expected postgresql://HOST:PORT/DB?user=USER)");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && userInfo.contains(":")) {
            throw passwordInUrl();
        }
        Map<String, String> parameters = query(uri.getRawQuery());
        for (String key : parameters.keySet()) {
            if (SECRETS.contains(key.toLowerCase(Locale.ROOT))) {
                throw passwordInUrl();
            }
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("the PostgreSQL URL has no host (expected postgresql://HOST:PORT/DB?user=USER)");
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the PostgreSQL URL's port must be in 1..65535, got " + port);
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException("the PostgreSQL URL must name one database: postgresql://HOST:PORT/DB?user=USER");
        }
        String user = parameters.remove("user");
        if (userInfo != null) {
            user = decode(userInfo);
        }
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("the PostgreSQL URL names no user: add ?user=USER");
        }
        return new PostgresSettings(uri.getHost(), port, database, user, Optional.empty(), parameters);
    }

    public PostgresSettings withPassword(Optional<String> value) {
        return new PostgresSettings(host, port, database, user, value, parameters);
    }

    /** The JDBC URL, without user or password (they go in {@link #properties()}). */
    public String jdbcUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + database;
    }

    /**
     * The driver's properties: the user, the password, the URL's other parameters, and timeouts
     * that turn a database that does not answer into an error within seconds: connect and login
     * 10 s, TCP keep-alive on, and a socket timeout of 5 minutes (no statement of the store runs longer).
     */
    public Properties properties(String applicationName) {
        Properties p = new Properties();
        p.setProperty("connectTimeout", "10");
        p.setProperty("loginTimeout", "10");
        p.setProperty("socketTimeout", "300");
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", applicationName);
        parameters.forEach(p::setProperty);
        p.setProperty("user", user);
        password.ifPresent(pw -> p.setProperty("password", pw));
        return p;
    }

    /** {@code postgresql://HOST:PORT/DB as USER}: for messages and logs, never with the password. */
    @Override
    public String toString() {
        return "postgresql://" + host + ":" + port + "/" + database + " as " + user;
    }

    private static IllegalArgumentException passwordInUrl() {
        return new IllegalArgumentException("the PostgreSQL URL must not contain a password (every user of the "
                + "machine can read a command line): give it in a file with --store-password-file FILE, or in the "
                + "environment variable " + HistoryStores.PASSWORD_VARIABLE + " (or PGPASSWORD)");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            out.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}

package org.dysonmonitor.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Opens the history store a spec names: a data directory ({@link SqliteHistoryStore}, one node)
 * or a PostgreSQL URL, {@code postgresql://HOST:PORT/DB?user=USER} or {@code jdbc:postgresql:...}
 * ({@link PostgresHistoryStore}, shared by a cluster's nodes).
 *
 * <p>The password never comes from the command line, which every user of the machine can read
 * ({@code ps}): a URL holding one is refused, and it is read from a password file (its content, one
 * trailing line break removed), else from the environment variable {@value #PASSWORD_VARIABLE},
 * else from libpq's {@code PGPASSWORD}; with none of them the login goes without one (a server
 * that trusts the host, or the driver's {@code ~/.pgpass}).
 */
public final class HistoryStores {

    public static final String PASSWORD_VARIABLE = "DYSON_STORE_PASSWORD";
    public static final String LIBPQ_PASSWORD_VARIABLE = "PGPASSWORD";

    private HistoryStores() {
    }

    /**
     * Opens the store of {@code spec}; a data directory is {@code settings.dataDirectory()} replaced by it.
     *
     * @param passwordFile a file holding the password of a PostgreSQL store
     * @param environment  the process's environment ({@code System.getenv()})
     * @throws HistoryStoreException with a message fit for the user (exit code 2 at the CLI)
     */
    public static HistoryStore open(String spec, Optional<Path> passwordFile, StoreSettings settings,
                                    Map<String, String> environment) {
        if (PostgresSettings.isUrl(spec)) {
            return PostgresHistoryStore.open(postgres(spec, passwordFile, environment), settings);
        }
        if (passwordFile.isPresent()) {
            throw new HistoryStoreException("a password file is for a PostgreSQL store, not the data directory " + spec);
        }
        return SqliteHistoryStore.open(new StoreSettings(Path.of(spec), settings.retention(), settings.maxBytes(),
                settings.pointQueue(), settings.controlQueue(), settings.commitInterval(),
                settings.maintenanceInterval(), settings.maxEigenvalues()));
    }

    /**
     * The database of a PostgreSQL URL with its password, without connecting.
     *
     * @throws HistoryStoreException a bad URL, a password in it, or a password file that cannot be read or is empty
     */
    public static PostgresSettings postgres(String url, Optional<Path> passwordFile, Map<String, String> environment) {
        PostgresSettings parsed;
        try {
            parsed = PostgresSettings.parse(url);
        } catch (IllegalArgumentException e) {
            throw new HistoryStoreException(e.getMessage(), e);
        }
        return parsed.withPassword(password(passwordFile, environment));
    }

    /** The password: the file's, else {@value #PASSWORD_VARIABLE}'s, else PGPASSWORD's, else none. */
    static Optional<String> password(Optional<Path> file, Map<String, String> environment) {
        if (file.isPresent()) {
            Path f = file.get();
            String text;
            try {
                text = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new HistoryStoreException("cannot read the password file " + f + ": "
                        + e.getClass().getSimpleName().replace("Exception", "") + " " + e.getMessage(), e);
            }
            String password = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            if (password.isEmpty()) {
                throw new HistoryStoreException("the password file " + f + " is empty");
            }
            return Optional.of(password);
        }
        for (String variable : new String[] {PASSWORD_VARIABLE, LIBPQ_PASSWORD_VARIABLE}) {
            String value = environment.get(variable);
            if (value != null && !value.isEmpty()) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}

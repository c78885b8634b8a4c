package org.dysonmonitor.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Store specs and where the password comes from; nothing here connects. */
class HistoryStoresTest {

    @TempDir
    Path tmp;

    private static String refusal(String url) {
        return assertThrows(HistoryStoreException.class,
                () -> HistoryStores.postgres(url, Optional.empty(), Map.of())).getMessage();
    }

    @Test
    void theUrlFormsNameHostPortDatabaseAndUser() {
        PostgresSettings a = HistoryStores.postgres("postgresql://db.example:6543/dyson?user=mon&sslmode=require",
                Optional.empty(), Map.of());
        assertEquals("jdbc:postgresql://db.example:6543/dyson", a.jdbcUrl());
        assertEquals("mon", a.user());
        assertEquals("require", a.properties("x").getProperty("sslmode"));
        assertEquals(Optional.empty(), a.password());
        PostgresSettings b = HistoryStores.postgres("jdbc:postgresql://10.0.0.5/metrics?user=m", Optional.empty(), Map.of());
        assertEquals("jdbc:postgresql://10.0.0.5:5432/metrics", b.jdbcUrl());
        PostgresSettings c = HistoryStores.postgres("postgres://mon@h:1/d", Optional.empty(), Map.of());
        assertEquals("mon", c.user());
        assertTrue(PostgresSettings.isUrl("JDBC:PostgreSQL://h/d"));
        assertFalse(PostgresSettings.isUrl("/var/lib/dyson"));
    }

    @Test
    void aPasswordInTheUrlIsRefused() {
        for (String url : new String[] {"postgresql://mon:secret@h:5432/d", "postgresql://h/d?user=mon&password=secret",
            "jdbc:postgresql://h/d?user=mon&PASSWORD=secret", "postgresql://h/d?user=mon&sslpassword=secret"}) {
            String m = refusal(url);
            assertTrue(m.startsWith("the PostgreSQL URL must not contain a password") && m.contains("--store-password-file")
                    && m.contains("DYSON_STORE_PASSWORD") && !m.contains("secret"), m);
        }
    }

    @Test
    void aBadUrlSaysWhatIsMissing() {
        assertTrue(refusal("postgresql://h:5432/d").contains("names no user: add ?user=USER"));
        assertTrue(refusal("postgresql://h:5432/?user=u").contains("must name one database"));
        assertTrue(refusal("postgresql:///d?user=u").contains("not a PostgreSQL URL"));
        assertTrue(refusal("postgresql://h:99999/d?user=u").contains("port"));
        assertTrue(refusal("postgresql://h d/x").startsWith("not a PostgreSQL URL"));
    }

    @Test
    void thePasswordComesFromTheFileThenTheEnvironment() throws Exception {
        Path file = Files.writeString(tmp.resolve("pw"), "from file\n");
        Map<String, String> env = Map.of("DYSON_STORE_PASSWORD", "from dyson", "PGPASSWORD", "from libpq");
        assertEquals(Optional.of("from file"), HistoryStores.password(Optional.of(file), env));
        assertEquals(Optional.of("from dyson"), HistoryStores.password(Optional.empty(), env));
        assertEquals(Optional.of("from libpq"), HistoryStores.password(Optional.empty(), Map.of("PGPASSWORD", "from libpq")));
        assertEquals(Optional.empty(), HistoryStores.password(Optional.empty(), Map.of()));
        PostgresSettings s = HistoryStores.postgres("postgresql://h/d?user=u", Optional.of(file), Map.of());
        assertEquals("from file", s.properties("x").getProperty("password"));
        assertFalse(s.toString().contains("from file"), s.toString());
    }

    @Test
    void aMissingOrEmptyPasswordFileIsAClearError() throws Exception {
        Path missing = tmp.resolve("nope");
        String m = assertThrows(HistoryStoreException.class,
                () -> HistoryStores.password(Optional.of(missing), Map.of())).getMessage();
        assertTrue(m.startsWith("cannot read the password file " + missing + ": NoSuchFile"), m);
        Path empty = Files.writeString(tmp.resolve("empty"), "\n");
        m = assertThrows(HistoryStoreException.class, () -> HistoryStores.password(Optional.of(empty), Map.of()))
                .getMessage();
        assertEquals("the password file " + empty + " is empty", m);
    }

    @Test
    void aDirectorySpecOpensSqliteAndRefusesAPasswordFile() throws Exception {
        Path data = tmp.resolve("data");
        try (HistoryStore store = HistoryStores.open(data.toString(), Optional.empty(),
                StoreSettings.defaults(tmp.resolve("elsewhere")), Map.of())) {
            assertTrue(store instanceof SqliteHistoryStore);
        }
        assertTrue(Files.isRegularFile(data.resolve(StoreSettings.DATABASE_FILE)));
        Path pw = Files.writeString(tmp.resolve("pw"), "x");
        assertThrows(HistoryStoreException.class, () -> HistoryStores.open(data.toString(), Optional.of(pw),
                StoreSettings.defaults(data), Map.of()));
    }
}

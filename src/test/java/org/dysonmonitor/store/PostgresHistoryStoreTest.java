package org.dysonmonitor.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PostgreSQL store on a real server of its own (Debian's postgresql, started by
 * {@link PostgresServer}): the store contract, and what only a shared database has, several
 * writers at once.
 */
class PostgresHistoryStoreTest extends HistoryStoreContract {

    private static final long NOW = System.currentTimeMillis();
    static PostgresServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** Every test starts from an empty database: no tables, so the store creates them. */
    @BeforeEach
    void emptyDatabase() {
        server.execute("DROP SCHEMA public CASCADE", "CREATE SCHEMA public");
    }

    static PostgresSettings database() {
        return PostgresSettings.parse(server.url()).withPassword(Optional.of(server.password()));
    }

    @Override
    protected StoreSettings settings() {
        return StoreSettings.defaults(dir);
    }

    @Override
    protected HistoryStore open(StoreSettings settings) {
        return PostgresHistoryStore.open(database(), settings);
    }

    @Override
    protected long rows(String table) throws Exception {
        try (Connection c = server.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Another session locks the points table: every insert of the writer waits for it. */
    @Override
    protected AutoCloseable blockWriter(StoreSettings settings) throws Exception {
        Connection blocker = server.connect();
        blocker.setAutoCommit(false);
        try (Statement s = blocker.createStatement()) {
            s.execute("LOCK TABLE points IN ACCESS EXCLUSIVE MODE");
        }
        return () -> {
            blocker.commit();
            blocker.close();
        };
    }

    /** Other nodes may be writing the run: opening the store leaves its status alone. */
    @Override
    protected String statusAfterReopen() {
        return StoredRun.ACTIVE;
    }

    /**
     * Four nodes open the empty database at the same moment (the schema is created once, under its
     * advisory lock, and none fails), then two of them write the same run at once: its metadata,
     * a layer of each, and one layer both write. Every point of both is in the database, none
     * dropped, no transaction failed.
     */
    @Test
    void severalNodesCreateTheSchemaAndWriteOneRunAtOnce() throws Exception {
        int nodes = 4;
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<HistoryStore>> opening = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            opening.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return open(settings());
            }));
        }
        start.countDown();
        List<HistoryStore> stores = new ArrayList<>();
        for (CompletableFuture<HistoryStore> f : opening) {
            stores.add(f.get(60, TimeUnit.SECONDS));
        }
        try {
            HistoryStore a = stores.get(0);
            HistoryStore b = stores.get(1);
            int each = 500;
            Reports ownA = new Reports("shared", "A", 11);
            Reports ownB = new Reports("shared", "B", 12);
            Reports commonA = new Reports("shared", "common", 13);
            Reports commonB = new Reports("shared", "common", 14);
            Thread writerB = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    b.offer(ownB.next(), NOW + i);
                    b.offer(commonB.next(), NOW + i);
                    if (i % 100 == 0) {
                        b.offerRun(new StoredRun("shared", StoredRun.ACTIVE, 0.2, 32, "all", Map.of(), NOW, NOW + i,
                                List.of()));
                        b.offerLayer("shared", new StoredLayer("B", 10, 10, i, i, 0, 0));
                    }
                }
            });
            writerB.start();
            for (int i = 0; i < each; i++) {
                a.offer(ownA.next(), NOW + i);
                a.offer(commonA.next(), NOW + i);
                if (i % 100 == 0) {
                    a.offerRun(new StoredRun("shared", StoredRun.ACTIVE, 0.1, 16, "all", Map.of(), NOW, NOW + i,
                            List.of()));
                    a.offerLayer("shared", new StoredLayer("A", 10, 10, i, i, 0, 0));
                }
            }
            writerB.join();
            await(a.flush());
            await(b.flush());
            for (HistoryStore s : List.of(a, b)) {
                assertEquals(0, s.counters().dropped(), "dropped");
                assertEquals(0, s.counters().writeErrors(), "failed transactions");
                assertEquals(2L * each, s.counters().pointsWritten());
            }
            // Each node reads what both wrote.
            for (HistoryStore s : stores) {
                assertEquals(each, await(s.history("shared", "A", 0, Long.MAX_VALUE, 10 * each)).size());
                assertEquals(each, await(s.history("shared", "B", 0, Long.MAX_VALUE, 10 * each)).size());
                assertEquals(2 * each, await(s.history("shared", "common", 0, Long.MAX_VALUE, 10 * each)).size());
                List<StoredRun> runs = await(s.runs());
                assertEquals(List.of("shared"), runs.stream().map(StoredRun::run).toList());
                assertEquals(List.of("A", "B", "common"), runs.get(0).layers().stream().map(StoredLayer::layer).toList());
            }
            assertEquals(1, rows("runs"), "one row per run, whoever wrote it");
            assertEquals(1, rows("meta"), "the schema's version once");
            assertEquals(4L * each, rows("points"));
        } finally {
            stores.forEach(HistoryStore::close);
        }
    }

    /** A server that refuses the password: the open fails with the reason, not a stack of driver text. */
    @Test
    void aWrongPasswordIsRefusedWithItsReason() {
        PostgresSettings wrong = PostgresSettings.parse(server.url()).withPassword(Optional.of("not-it"));
        HistoryStoreException e = org.junit.jupiter.api.Assertions.assertThrows(HistoryStoreException.class,
                () -> PostgresHistoryStore.open(wrong, settings()));
        assertTrue(e.getMessage().startsWith("cannot open the history store postgresql://127.0.0.1:" + server.port()
                + "/dyson as dyson_test: the server refused the login of user dyson_test"), e.getMessage());
        assertTrue(!e.getMessage().contains("not-it"), "the password is never in a message");
        PostgresSettings none = PostgresSettings.parse(server.url());
        e = org.junit.jupiter.api.Assertions.assertThrows(HistoryStoreException.class,
                () -> PostgresHistoryStore.open(none, settings()));
        assertTrue(e.getMessage().contains("it may need a password: give it by --store-password-file FILE or "
                + "DYSON_STORE_PASSWORD"), e.getMessage());
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}

package org.dysonmonitor.store;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a monitor node killed with {@code kill -9} leaves in the database: a child JVM (a process
 * of its own, as a node is) commits points and ledger counts, reports the commit, and is killed
 * while it goes on writing. Everything it had committed is there, read by a new store; what it
 * had only queued may or may not be (nothing promised it).
 */
class PostgresKillTest {

    @Test
    void whatWasCommittedSurvivesKillMinus9() throws Exception {
        try (PostgresServer server = PostgresServer.start()) {
            ProcessBuilder pb = new ProcessBuilder(KilledWriter.javaBinary().toString(), "-cp",
                    System.getProperty("java.class.path"), KilledWriter.class.getName(), server.url())
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put(HistoryStores.PASSWORD_VARIABLE, server.password());
            Process child = pb.start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                String line = out.readLine();
                assertEquals("COMMITTED 200", line);
                // Let it write on for a moment, so that the kill comes in the middle of its work.
                Thread.sleep(500);
                Process kill = new ProcessBuilder("kill", "-9", Long.toString(child.pid())).start();
                assertEquals(0, kill.waitFor());
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, child.exitValue(), "killed by SIGKILL (128 + 9)");
            } finally {
                child.destroyForcibly();
            }
            PostgresSettings db = PostgresSettings.parse(server.url()).withPassword(Optional.of(server.password()));
            try (HistoryStore store = PostgresHistoryStore.open(db, StoreSettings.defaults(java.nio.file.Path.of(".")));
                 SnapshotLedger ledger = PostgresSnapshotLedger.open(db, "survivor")) {
                List<Long> steps = store.history("killed", "W", 0, 199, 1000).toCompletableFuture()
                        .get(60, TimeUnit.SECONDS).stream().map(HistoryPoint::step).toList();
                assertEquals(200, steps.size(), "every committed point");
                for (int i = 0; i < 200; i++) {
                    assertEquals(i, steps.get(i));
                }
                LedgerRow row = ledger.totals("killed").toCompletableFuture().get(60, TimeUnit.SECONDS).get(0);
                assertTrue(row.received() >= 205 && row.processed() == 200, row.toString());
                List<LedgerRow> lost = ledger.reconcile("killed-node", "survivor").toCompletableFuture()
                        .get(60, TimeUnit.SECONDS);
                assertEquals(row.received() - 200, lost.get(0).lost());
            }
            try (Connection c = server.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name LIKE "
                         + "'dyson-monitor%' AND state = 'idle in transaction'")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "the killed node left no transaction open");
            }
        }
    }
}

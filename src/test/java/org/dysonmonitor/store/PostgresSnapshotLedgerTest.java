package org.dysonmonitor.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The snapshot ledger on a real PostgreSQL server, several ledgers (nodes) at once. */
class PostgresSnapshotLedgerTest {

    static PostgresServer server;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static PostgresSettings database(PostgresServer s) {
        return PostgresSettings.parse(s.url()).withPassword(Optional.of(s.password()));
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /**
     * Two nodes, each with two threads adding random counts to the same three layers of one run:
     * the totals are the sums of everything added (summed here as it was added), and each node
     * has one row per layer.
     */
    @Test
    void concurrentAddsOfTwoNodesSumExactly() throws Exception {
        String run = "sums";
        String[] layers = {"W1", "W2", "W3"};
        Map<String, long[]> expected = new HashMap<>();
        for (String l : layers) {
            expected.put(l, new long[4]);
        }
        try (PostgresSnapshotLedger a = PostgresSnapshotLedger.open(database(server), "node-a");
             PostgresSnapshotLedger b = PostgresSnapshotLedger.open(database(server), "node-b")) {
            List<Thread> threads = new ArrayList<>();
            int seed = 0;
            for (SnapshotLedger ledger : List.of(a, b, a, b)) {
                SplittableRandom rng = new SplittableRandom(seed++);
                List<long[]> adds = new ArrayList<>();
                for (int i = 0; i < 5000; i++) {
                    adds.add(new long[] {rng.nextInt(3), rng.nextInt(5), rng.nextInt(5), rng.nextInt(2), rng.nextInt(2)});
                }
                for (long[] x : adds) {
                    long[] e = expected.get(layers[(int) x[0]]);
                    for (int k = 0; k < 4; k++) {
                        e[k] += x[k + 1];
                    }
                }
                threads.add(new Thread(() -> adds.forEach(x ->
                        ledger.add(run, layers[(int) x[0]], x[1], x[2], x[3], x[4]))));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            await(a.committed());
            await(b.committed());
            List<LedgerRow> totals = await(a.totals(run));
            assertEquals(List.of("W1", "W2", "W3"), totals.stream().map(LedgerRow::layer).toList());
            for (LedgerRow row : totals) {
                long[] e = expected.get(row.layer());
                assertEquals(List.of(e[0], e[1], e[2], e[3], 0L),
                        List.of(row.received(), row.processed(), row.dropped(), row.rejected(), row.lost()), row.layer());
            }
            assertEquals(totals, await(b.totals(run)), "every node reads the same totals");
            assertEquals(List.of(), await(a.totals("no-such-run")));
            try (Connection c = server.connect(); PreparedStatement s = c.prepareStatement(
                    "SELECT node, COUNT(*) FROM snapshot_ledger WHERE run = ? GROUP BY node ORDER BY node")) {
                s.setString(1, run);
                try (ResultSet rs = s.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals("node-a", rs.getString(1));
                    assertEquals(3, rs.getInt(2));
                    assertTrue(rs.next());
                    assertEquals("node-b", rs.getString(1));
                    assertEquals(3, rs.getInt(2));
                }
            }
        }
    }

    /** committed() completes after the adds before it are rows of the database, read on another connection. */
    @Test
    void committedMeansInTheDatabase() throws Exception {
        try (PostgresSnapshotLedger ledger = PostgresSnapshotLedger.open(database(server), "node-c")) {
            assertTrue(ledger.committed().toCompletableFuture().isDone(), "nothing added: nothing to wait for");
            for (int round = 1; round <= 20; round++) {
                ledger.add("commit", "W", 1, 1, 0, 0);
                await(ledger.committed());
                try (Connection c = server.connect(); PreparedStatement s = c.prepareStatement(
                        "SELECT received FROM snapshot_ledger WHERE node = 'node-c' AND run = 'commit'");
                     ResultSet rs = s.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(round, rs.getLong(1), "after committed() of round " + round);
                }
            }
        }
    }

    /** A database that went away fails committed() (the 202 must not be sent), it does not hang. */
    @Test
    void committedFailsWhenTheDatabaseIsGone() throws Exception {
        PostgresServer doomed = PostgresServer.start();
        PostgresSnapshotLedger ledger = PostgresSnapshotLedger.open(database(doomed), "node-d");
        try {
            ledger.add("gone", "W", 1, 0, 0, 0);
            await(ledger.committed());
            doomed.close();
            ledger.add("gone", "W", 1, 0, 0, 0);
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> ledger.committed().toCompletableFuture().get(60, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().startsWith("the snapshot ledger cannot commit: cannot reach the server"),
                    e.getCause().getMessage());
            ExecutionException q = assertThrows(ExecutionException.class,
                    () -> ledger.totals(null).toCompletableFuture().get(60, TimeUnit.SECONDS));
            assertTrue(q.getCause().getMessage().startsWith("snapshot ledger query failed: cannot reach the server"),
                    q.getCause().getMessage());
        } finally {
            ledger.close();
            doomed.close();
        }
    }

    /**
     * A node dies with snapshots in flight; two survivors reconcile it at the same moment, five
     * times over (five dead nodes): each time exactly one gets the dead node's rows, the other
     * none, every row says who reconciled it, and the totals keep received = processed + dropped
     * + rejected + lost with the losses the dead node's differences.
     */
    @Test
    void reconcileIsWonByExactlyOneOfTwoConcurrentCallers() throws Exception {
        String run = "failover";
        try (PostgresSnapshotLedger b = PostgresSnapshotLedger.open(database(server), "node-b");
             PostgresSnapshotLedger c = PostgresSnapshotLedger.open(database(server), "node-c")) {
            long expectedLost = 0;
            for (int dead = 0; dead < 5; dead++) {
                String deadNode = "akka://dyson@127.0.0.1:2552" + dead + "#" + (1000 + dead);
                try (PostgresSnapshotLedger d = PostgresSnapshotLedger.open(database(server), deadNode)) {
                    for (int l = 0; l < 3; l++) {
                        // 10 received, 6 processed, 1 dropped, 1 rejected: 2 + l held in flight.
                        d.add(run, "L" + l, 10 + l, 6, 1, 1);
                        expectedLost += 2 + l;
                    }
                    await(d.committed());
                }
                b.add(run, "L0", 5, 5, 0, 0);
                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<List<LedgerRow>> byB = CompletableFuture.supplyAsync(() -> reconcileAfter(go, b, deadNode, "node-b"));
                CompletableFuture<List<LedgerRow>> byC = CompletableFuture.supplyAsync(() -> reconcileAfter(go, c, deadNode, "node-c"));
                go.countDown();
                List<LedgerRow> rb = byB.get(60, TimeUnit.SECONDS);
                List<LedgerRow> rc = byC.get(60, TimeUnit.SECONDS);
                assertTrue(rb.isEmpty() != rc.isEmpty(), "exactly one winner: " + rb + " / " + rc);
                List<LedgerRow> won = rb.isEmpty() ? rc : rb;
                String winner = rb.isEmpty() ? "node-c" : "node-b";
                assertEquals(3, won.size());
                for (LedgerRow row : won) {
                    int l = Integer.parseInt(row.layer().substring(1));
                    assertEquals(new LedgerRow(run, "L" + l, 10 + l, 6, 1, 1, 2 + l), row);
                }
                try (Connection conn = server.connect(); PreparedStatement s = conn.prepareStatement(
                        "SELECT DISTINCT reconciled_by FROM snapshot_ledger WHERE node = ?")) {
                    s.setString(1, deadNode);
                    try (ResultSet rs = s.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals(winner, rs.getString(1));
                        assertTrue(!rs.next(), "one reconciler per dead node");
                    }
                }
                assertEquals(List.of(), await(b.reconcile(deadNode, "node-b")), "a second reconcile finds nothing");
            }
            await(b.committed());
            long lost = 0;
            for (LedgerRow t : await(c.totals(run))) {
                assertEquals(t.received(), t.processed() + t.dropped() + t.rejected() + t.lost(), t.toString());
                lost += t.lost();
            }
            assertEquals(expectedLost, lost);
        }
    }

    /**
     * A count that a dead node committed after it was reconciled (it was declared dead while its
     * writer still ran) keeps its row's identity: the loss is recomputed, not left stale.
     */
    @Test
    void aLateCountOfAReconciledNodeKeepsTheIdentity() throws Exception {
        try (PostgresSnapshotLedger late = PostgresSnapshotLedger.open(database(server), "node-late");
             PostgresSnapshotLedger b = PostgresSnapshotLedger.open(database(server), "node-b")) {
            late.add("late", "W", 10, 4, 0, 0);
            await(late.committed());
            assertEquals(List.of(new LedgerRow("late", "W", 10, 4, 0, 0, 6)), await(b.reconcile("node-late", "node-b")));
            late.add("late", "W", 0, 3, 0, 0);
            await(late.committed());
            assertEquals(List.of(new LedgerRow("late", "W", 10, 7, 0, 0, 3)), await(b.totals("late")));
        }
    }

    private static List<LedgerRow> reconcileAfter(CountDownLatch go, SnapshotLedger ledger, String dead, String by) {
        try {
            go.await();
            return ledger.reconcile(dead, by).toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

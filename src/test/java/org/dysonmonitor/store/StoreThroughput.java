package org.dysonmonitor.store;

import org.dysonmonitor.rmt.LayerReport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Write throughput of the two stores in one run, as a ratio: the same pre-computed reports
 * (a 64-mode layer, so eigenvalues and statistics both count) offered as fast as the queue takes
 * them and flushed, into SQLite on the local disk and into a PostgreSQL server of its own on
 * loopback. Not a test: {@code java -cp <test classpath> org.dysonmonitor.store.StoreThroughput [points]}.
 */
public final class StoreThroughput {

    private StoreThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Reports reports = new Reports("bench", "W", 64, null, 1);
        List<LayerReport> sent = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            sent.add(reports.next());
        }
        Path dir = Files.createTempDirectory("dyson-bench");
        StoreSettings settings = StoreSettings.defaults(dir).withQueues(n, 1024);
        try (PostgresServer server = PostgresServer.start()) {
            PostgresSettings db = PostgresSettings.parse(server.url()).withPassword(Optional.of(server.password()));
            // Once each to warm up the JIT, then measured.
            run(SqliteHistoryStore.open(settings), sent.subList(0, Math.min(n, 2000)));
            run(PostgresHistoryStore.open(db, settings), sent.subList(0, Math.min(n, 2000)));
            server.execute("DROP SCHEMA public CASCADE", "CREATE SCHEMA public");
            Files.deleteIfExists(settings.databaseFile());
            double sqlite = run(SqliteHistoryStore.open(settings), sent);
            double postgres = run(PostgresHistoryStore.open(db, settings), sent);
            System.out.printf("points %d: SQLite %.0f points/s, PostgreSQL %.0f points/s, ratio PostgreSQL/SQLite %.2f%n",
                    n, sqlite, postgres, postgres / sqlite);
        }
    }

    private static double run(HistoryStore store, List<LayerReport> reports) throws Exception {
        try (store) {
            long now = System.currentTimeMillis();
            long start = System.nanoTime();
            for (int i = 0; i < reports.size(); i++) {
                if (!store.offer(reports.get(i), now + i)) {
                    throw new IllegalStateException("the queue was full");
                }
            }
            store.flush().toCompletableFuture().get();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (store.counters().dropped() != 0) {
                throw new IllegalStateException(store.counters().dropped() + " dropped");
            }
            return reports.size() / seconds;
        }
    }
}

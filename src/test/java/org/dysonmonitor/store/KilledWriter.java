package org.dysonmonitor.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The child JVM of {@link PostgresKillTest}: opens the store and the ledger of the URL in its
 * argument (the password from the environment, as a monitor node takes it), commits 200 points
 * and a ledger row, says so on stdout, then goes on offering points until it is killed.
 */
public final class KilledWriter {

    private KilledWriter() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        StoreSettings settings = StoreSettings.defaults(Files.createTempDirectory("dyson-killed"));
        HistoryStore store = HistoryStores.open(url, Optional.empty(), settings, System.getenv());
        SnapshotLedger ledger = PostgresSnapshotLedger.open(HistoryStores.postgres(url, Optional.empty(),
                System.getenv()), "killed-node");
        Reports reports = new Reports("killed", "W", 21);
        long now = System.currentTimeMillis();
        int committed = 200;
        for (int i = 0; i < committed; i++) {
            store.offer(reports.next(), now + i);
        }
        store.flush().toCompletableFuture().get();
        ledger.add("killed", "W", committed + 5, committed, 0, 0);
        ledger.committed().toCompletableFuture().get();
        System.out.println("COMMITTED " + committed);
        System.out.flush();
        for (int i = committed; ; i++) {
            store.offer(reports.next(), now + i);
            ledger.add("killed", "W", 1, 0, 0, 0);
            Thread.sleep(1);
        }
    }

    static Path javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}

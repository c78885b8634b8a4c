package org.dysonmonitor.bench;

import org.dysonmonitor.rmt.LayerReport;
import org.dysonmonitor.rmt.LayerStatistics;
import org.dysonmonitor.rmt.Spectrum;
import org.dysonmonitor.store.HistoryStore;
import org.dysonmonitor.store.HistoryStores;
import org.dysonmonitor.store.PostgresSettings;
import org.dysonmonitor.store.SqliteHistoryStore;
import org.dysonmonitor.store.StoreSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * What the store's writes cost per snapshot of a layer in the cluster: the report's point and the
 * periodic checkpoint of the running statistics (a layer's entity checkpoints at most every 5 s, so
 * a large layer posted every few minutes writes one with each snapshot), offered as the entities
 * offer them and committed by the store's writer thread (group commit). The figure is wall time
 * from the first offer to the flush that commits the last, per snapshot: the rate one writer gets
 * out of the database, which all nodes share.
 */
final class ClusterScaleBenchStore implements AutoCloseable {

    /**
     * Per snapshot's writes (report point + checkpoint), over {@code snapshots} of them: wall seconds,
     * CPU seconds of the store's writer thread (on the node), and of the database server (NaN: not a
     * local PostgreSQL).
     */
    record Writes(int n, double wall, double writerCpu, double serverCpu, int snapshots) {
    }

    private final HistoryStore store;
    private final String kind;
    private final Path temporary;
    private final long writerThread;
    private final int serverPort;

    /**
     * @param spec a data directory or a PostgreSQL URL; empty: SQLite in a new temporary directory
     */
    ClusterScaleBenchStore(Optional<String> spec, Optional<Path> passwordFile) throws IOException {
        Set<Long> before = threads();
        if (spec.isEmpty()) {
            temporary = Files.createTempDirectory("dyson-scale-");
            store = SqliteHistoryStore.open(StoreSettings.defaults(temporary));
            kind = "SQLite (a temporary data directory)";
        } else {
            temporary = spec.filter(PostgresSettings::isUrl).isPresent() ? null : Files.createTempDirectory("dyson-scale-");
            store = HistoryStores.open(spec.get(), passwordFile, StoreSettings.defaults(
                    temporary == null ? Path.of(".") : temporary), System.getenv());
            kind = PostgresSettings.isUrl(spec.get()) ? "PostgreSQL (" + HistoryStores.postgres(spec.get(),
                    Optional.empty(), Map.of()) + ")" : "SQLite (" + spec.get() + ")";
        }
        serverPort = spec.filter(PostgresSettings::isUrl).map(u -> HistoryStores.postgres(u, Optional.empty(), Map.of())
                .port()).orElse(-1);
        // The store's writer is the one new thread named "…-writer".
        long writer = -1;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t.getId()) && t.getName().endsWith("-writer")) {
                writer = t.getId();
            }
        }
        writerThread = writer;
    }

    private static Set<Long> threads() {
        Set<Long> ids = new HashSet<>();
        Thread.getAllStackTraces().keySet().forEach(t -> ids.add(t.getId()));
        return ids;
    }

    /** Which store was measured. */
    String kind() {
        return kind;
    }

    /**
     * {@code snapshots} snapshots' writes of a layer whose statistics are {@code statistics}: their
     * reports (each a new step of the statistics) and a checkpoint after each.
     */
    Writes measure(LayerStatistics statistics, double[] eigenvalues, int snapshots) throws Exception {
        int n = eigenvalues.length;
        LayerReport[] reports = new LayerReport[snapshots];
        // A checkpoint of a 4096² layer holds its window of 100 spectra (MiB): a few states, written in turn.
        LayerStatistics.State[] states = new LayerStatistics.State[Math.min(snapshots, 4)];
        long first = statistics.snapshots();
        for (int i = 0; i < snapshots; i++) {
            reports[i] = statistics.update(first + i, new Spectrum(n, n, eigenvalues), 0.1, 16);
            if (i < states.length) {
                states[i] = statistics.state();
            }
        }
        // The first write of a run and layer creates their rows: not a snapshot's steady cost.
        store.offer(reports[0], System.currentTimeMillis());
        store.flush().toCompletableFuture().get(1, TimeUnit.MINUTES);
        long t0 = System.nanoTime();
        long writer0 = writerCpu();
        double server0 = serverPort < 0 ? Double.NaN : ClusterScaleBenchServerCpu.seconds(serverPort);
        for (int i = 0; i < snapshots; i++) {
            LayerReport report = reports[i];
            LayerStatistics.State state = states[i % states.length];
            offer(() -> store.offer(report, System.currentTimeMillis()));
            offer(() -> store.offerCheckpoint(report.run(), report.layer(), report.step(), state));
        }
        store.flush().toCompletableFuture().get(15, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) * 1e-9;
        double writer = writerThread < 0 ? Double.NaN : (writerCpu() - writer0) * 1e-9;
        double server = serverPort < 0 ? Double.NaN : ClusterScaleBenchServerCpu.seconds(serverPort) - server0;
        if (store.counters().writeErrors() > 0 || store.counters().dropped() > 0) {
            throw new IllegalStateException("the store failed " + store.counters().writeErrors() + " and dropped "
                    + store.counters().dropped() + " writes: its figure would not be the cost of writing them");
        }
        return new Writes(n, seconds / snapshots, writer / snapshots, server / snapshots, snapshots);
    }

    private long writerCpu() {
        return writerThread < 0 ? 0 : ManagementFactory.getThreadMXBean().getThreadCpuTime(writerThread);
    }

    /** Offers one write, waiting for the queue to drain when it is full (the bench must not drop any). */
    private void offer(BooleanSupplier write) throws Exception {
        while (!write.getAsBoolean()) {
            store.flush().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }

    @Override
    public void close() throws IOException {
        store.close();
        if (temporary != null) {
            try (Stream<Path> files = Files.walk(temporary)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}

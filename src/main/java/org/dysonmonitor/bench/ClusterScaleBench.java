package org.dysonmonitor.bench;

import org.dysonmonitor.linalg.NativeLapack;
import org.dysonmonitor.linalg.SolverSelection;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The measured model of scale of the cluster mode: what one snapshot of an n×n float32 layer costs
 * a node (decode, full spectrum with the monitor's solver, statistics update), what the cluster adds
 * on loopback (an observation's CBOR serialization through Akka's own serializer, the round trip to
 * an entity on the other node against one on the same node, over Artery TCP and, in the same run, over
 * Artery TLS with mutual authentication, the shared store's writes), and from
 * them the layers per minute of 1, 3, 10 and 30 nodes ({@link ClusterScaleBenchModel}), with the
 * 7B-parameter model of 224 matrices of 4096² as the case to size for. Markdown tables to {@code out},
 * progress to {@code progress}; the load average at the start and the end, since the machine is
 * shared.
 */
public final class ClusterScaleBench {

    private ClusterScaleBench() {
    }

    /** Measures and prints; 1 when there is no native LAPACK (the spectra would not be the monitor's at these sizes). */
    public static int run(PrintStream out, PrintStream progress, ClusterScaleBenchOptions o) throws Exception {
        NativeLapack.Status status = NativeLapack.status();
        boolean cpuClock = status.loaded() && status.blasThreads() == 1;
        Stopwatch.Clock clock = cpuClock ? Stopwatch.Clock.CPU : Stopwatch.Clock.WALL;
        out.println("# Cluster scale: measured costs per snapshot and the layers per minute they allow");
        out.println();
        out.println("- machine: " + Machine.describe());
        out.println("- load average (1, 5, 15 min) at the start: " + Machine.loadAverages());
        out.println("- native: " + status.describe() + "; CPU figures are "
                + (cpuClock ? "the calling thread's CPU time (one OpenBLAS thread per call)"
                : "wall time (OpenBLAS runs several threads per call: set OPENBLAS_NUM_THREADS=1 for CPU time)"));
        if (!status.loaded()) {
            out.println("- no native LAPACK: the monitor's spectra at these sizes need it; nothing measured");
            return 1;
        }
        SolverSelection solvers = SolverSelection.select(SolverSelection.Mode.AUTO, true);
        out.println("- solver: " + solvers.reason());
        out.println();

        List<ClusterScaleBenchNode.Work> work = new ArrayList<>();
        for (int n : o.sizes()) {
            progress.println("node work, n = " + n + " …");
            work.add(ClusterScaleBenchNode.measure(n, o.spectrumRuns(), o.budgetSeconds(), clock, solvers));
        }
        out.println("## 1. One snapshot's work (n×n float32, Gaussian entries)");
        out.println();
        out.println("| n×n | decode .npy | full spectrum (runs) | LayerStatistics.update | total |");
        out.println("|---|---:|---:|---:|---:|");
        for (ClusterScaleBenchNode.Work w : work) {
            out.printf(Locale.ROOT, "| %d² | %s | %s (%d) | %s | %s |%n", w.n(), time(w.decode()), time(w.spectrum()),
                    w.spectrumRuns(), time(w.update()), time(w.total()));
        }
        out.println();

        List<ClusterScaleBenchCluster.Wire> wires = new ArrayList<>();
        List<ClusterScaleBenchCluster.RoundTrips> trips = new ArrayList<>();
        List<ClusterScaleBenchCluster.RoundTrips> tlsTrips = new ArrayList<>();
        progress.println("two nodes on 127.0.0.1 over Artery TCP and two over Artery TLS (mutual, a throw-away CA) …");
        // Both pairs at once, their samples taking turns; every wait bounded, and the whole part too.
        long deadline = System.nanoTime() + (long) ((180 + 4.0 * o.roundTrips() * work.size()) * 1e9);
        try (ClusterTlsFiles certs = ClusterTlsFiles.temporary(2);
             ClusterScaleBenchCluster tcp = new ClusterScaleBenchCluster(solvers, ClusterScaleBenchCluster.Transport.tcp());
             ClusterScaleBenchCluster tls = new ClusterScaleBenchCluster(solvers,
                     ClusterScaleBenchCluster.Transport.tls(certs))) {
            for (ClusterScaleBenchNode.Work w : work) {
                progress.println("serialization and round trips, n = " + w.n() + " …");
                wires.add(tcp.wire(w.eigenvalues(), o.budgetSeconds(), clock));
                List<ClusterScaleBenchCluster.RoundTrips> both = ClusterScaleBenchCluster.interleaved(List.of(tcp, tls),
                        w.eigenvalues(), o.roundTrips(), deadline);
                trips.add(both.get(0));
                tlsTrips.add(both.get(1));
            }
        }
        out.println("## 2a. An observation on the wire (Akka's SerializationExtension: Jackson CBOR)");
        out.println();
        out.println("| n eigenvalues | serialize + deserialize | Observe bytes | bytes per eigenvalue | Processed reply bytes |");
        out.println("|---:|---:|---:|---:|---:|");
        for (ClusterScaleBenchCluster.Wire w : wires) {
            out.printf(Locale.ROOT, "| %d | %s | %,d | %.2f | %d |%n", w.n(), time(w.roundTripSeconds()),
                    w.observeBytes(), w.observeBytes() / (double) w.n(), w.replyBytes());
        }
        out.println();
        out.println("## 2b. Round trip of an observation to its layer's entity, two nodes on loopback (wall time)");
        out.println();
        out.println("| n eigenvalues | entity on the same node | on the other node | difference | samples each |");
        out.println("|---:|---:|---:|---:|---:|");
        for (ClusterScaleBenchCluster.RoundTrips t : trips) {
            out.printf(Locale.ROOT, "| %d | %s | %s | %s | %d |%n", t.n(), time(t.local()), time(t.remote()),
                    time(t.remote() - t.local()), t.samples());
        }
        out.println();
        out.println("Medians over Artery TCP; both include the entity's LayerStatistics.update. Where each entity lives "
                + "is read from the nodes' shard regions (GetShardRegionState).");
        out.println();
        out.println("## 2c. The same round trips with the cluster's transport over mutual TLS (same run, turn about)");
        out.println();
        out.println("| n eigenvalues | wall, TCP | wall, TLS | TLS ÷ TCP | JVM CPU, TCP | JVM CPU, TLS | CPU TLS − TCP "
                + "| CPU TLS ÷ TCP |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < trips.size(); i++) {
            ClusterScaleBenchCluster.RoundTrips plain = trips.get(i);
            ClusterScaleBenchCluster.RoundTrips secured = tlsTrips.get(i);
            out.printf(Locale.ROOT, "| %d | %s | %s | %.2f | %s | %s | %s | %.2f |%n", plain.n(), time(plain.remote()),
                    time(secured.remote()), secured.remote() / plain.remote(), time(plain.remoteCpu()),
                    time(secured.remoteCpu()), time(secured.remoteCpu() - plain.remoteCpu()),
                    secured.remoteCpu() / plain.remoteCpu());
        }
        out.println();
        out.println("Medians of the round trips to the other node. Two pairs of nodes in this JVM at once, one over "
                + "plain Artery TCP and one over Artery `tls-tcp` (TLS 1.2, ECDHE-RSA AES-256-GCM, Akka's "
                + "RotatingKeysSSLEngineProvider with node certificates of a throw-away CA, as `certs` makes them); "
                + "their samples take turns, after a few untimed ones, so a change of the machine's load hits both. "
                + "JVM CPU: the CPU time of this JVM's Java threads during one round trip, both nodes' work "
                + "(serialization, Artery's framing, TLS records, the entity's update, and the dispatchers' spinning "
                + "before they park), which other processes on the machine do not inflate as they do the wall time.");
        out.println();

        List<ClusterScaleBenchStore.Writes> writes = new ArrayList<>();
        String storeKind;
        try (ClusterScaleBenchStore store = new ClusterScaleBenchStore(o.store(), o.passwordFile())) {
            storeKind = store.kind();
            for (ClusterScaleBenchNode.Work w : work) {
                progress.println("store writes, n = " + w.n() + " …");
                // A checkpoint holds a window of 100 spectra: fewer of them above 1024² (a 4096² one is 3 MiB).
                int snapshots = Math.max(5, (int) Math.min(o.storeWrites(),
                        o.storeWrites() * (1024.0 * 1024) / ((double) w.n() * w.n())));
                writes.add(store.measure(w.statistics(), w.eigenvalues(), snapshots));
            }
        }
        out.println("## 2d. Store writes per snapshot: " + storeKind);
        out.println();
        out.println("| n×n | wall | store writer thread CPU | database server CPU | snapshots written |");
        out.println("|---|---:|---:|---:|---:|");
        for (ClusterScaleBenchStore.Writes w : writes) {
            out.printf(Locale.ROOT, "| %d² | %s | %s | %s | %d |%n", w.n(), time(w.wall()), time(w.writerCpu()),
                    Double.isNaN(w.serverCpu()) ? "—" : time(w.serverCpu()), w.snapshots());
        }
        out.println();
        out.println("Per snapshot: its report point and a checkpoint of its statistics (an entity checkpoints at most "
                + "every 5 s, so a large layer posted every few minutes writes one each time), from the first offer to "
                + "the flush that committed the last (group commit by the store's writer thread); the server's CPU from "
                + "/proc (the postmaster and its backends, 10 ms ticks). Not measured here: the snapshot ledger's "
                + "add + commit (PostgresSnapshotLedger); it is one small row per (node, run, layer), "
                + "batched like these writes.");
        out.println();

        List<ClusterScaleBenchModel.Costs> costs = new ArrayList<>();
        for (int i = 0; i < work.size(); i++) {
            ClusterScaleBenchNode.Work w = work.get(i);
            ClusterScaleBenchStore.Writes s = writes.get(i);
            boolean server = s.serverCpu() > 0;
            costs.add(new ClusterScaleBenchModel.Costs(w.n(), w.decode(), w.spectrum(), w.update(),
                    wires.get(i).roundTripSeconds(), Double.isNaN(s.writerCpu()) ? 0 : s.writerCpu(),
                    server ? 60.0 * o.cores() / s.serverCpu() : 60.0 / s.wall()));
        }
        out.println("## 3. Layers per minute");
        out.println();
        ClusterScaleBenchModel.print(out, costs, ClusterScaleBenchOptions.NODES, o.cores());
        out.println();
        out.println("Assumptions: " + String.join("; ", ClusterScaleBenchModel.assumptions(o.cores())) + ".");
        out.println();
        out.println("## The 7B-parameter model (224 matrices of 4096²)");
        out.println();
        ClusterScaleBenchModel.printSevenBillion(out, costs, o.cores());
        out.println();
        out.println("- load average (1, 5, 15 min) at the end: " + Machine.loadAverages());
        return 0;
    }

    /** Milliseconds below 10 s, seconds above. */
    static String time(double seconds) {
        if (Math.abs(seconds) >= 10) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        double ms = seconds * 1e3;
        return String.format(Locale.ROOT, Math.abs(ms) >= 100 ? "%.0f ms" : Math.abs(ms) >= 1 ? "%.2f ms" : "%.3f ms", ms);
    }
}

package org.dysonmonitor.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The model of scale built from the measured costs: layers per minute that N nodes of c cores
 * analyse, bounded by their cores and by the shared store.
 *
 * <p>Per snapshot of an n×n layer the cluster spends t(N) = decode + spectrum + update + writer
 * + f·wire seconds of one core (writer: the node's store writer thread), f = (N − 1)/N the share of snapshots whose layer's entity is on
 * another node than the one that received it (sharding spreads the entities evenly and a client
 * posts to any node), wire the CPU of serializing and deserializing one observation. The cores give
 * 60·N·c / t(N) layers per minute; the store, written by every node, at most its ceiling (see
 * {@link ClusterScaleBench}); the figure is the smaller (the bound column says which).
 */
final class ClusterScaleBenchModel {

    /** The measured costs of one size, in seconds. */
    record Costs(int n, double decode, double spectrum, double update, double wire, double storeWriter,
                 double storePerMinute) {

        double cpuPerSnapshot(int nodes) {
            return decode + spectrum + update + storeWriter + crossing(nodes) * wire;
        }

        double computePerMinute(int nodes, int cores) {
            return 60.0 * nodes * cores / cpuPerSnapshot(nodes);
        }

        double layersPerMinute(int nodes, int cores) {
            return Math.min(computePerMinute(nodes, cores), storePerMinute());
        }

        /** Nodes whose cores analyse {@code perMinute} layers (every snapshot crossing: the worst case), or -1 when the store cannot. */
        int nodesFor(double perMinute, int cores) {
            if (perMinute > storePerMinute()) {
                return -1;
            }
            return (int) Math.ceil(perMinute * (decode + spectrum + update + storeWriter + wire) / (60.0 * cores));
        }
    }

    /** The share of snapshots whose entity is on another node than the one that received them. */
    static double crossing(int nodes) {
        return (nodes - 1) / (double) nodes;
    }

    private ClusterScaleBenchModel() {
    }

    static void print(PrintStream out, List<Costs> costs, List<Integer> nodes, int cores) {
        StringBuilder header = new StringBuilder("| n×n | CPU s/snapshot (1 node) |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (int N : nodes) {
            header.append(" ").append(N).append(N == 1 ? " node |" : " nodes |");
            rule.append("---:|");
        }
        header.append(" store ceiling |");
        rule.append("---:|");
        out.println(header);
        out.println(rule);
        for (Costs c : costs) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d² | %.3f |", c.n(),
                    c.cpuPerSnapshot(1)));
            for (int N : nodes) {
                boolean storeBound = c.storePerMinute() < c.computePerMinute(N, cores);
                row.append(String.format(Locale.ROOT, " %s%s |", perMinute(c.layersPerMinute(N, cores)),
                        storeBound ? " (store)" : ""));
            }
            row.append(" ").append(perMinute(c.storePerMinute())).append(" |");
            out.println(row);
        }
        out.println();
        out.printf(Locale.ROOT, "Layers per minute, %d cores per node; \"(store)\": the shared store's write rate "
                + "bounds it, not the cores.%n", cores);
    }

    /** What the table assumes and leaves out, one clause each. */
    static List<String> assumptions(int cores) {
        return List.of(
                cores + " cores per node, each busy with spectra all the time (one OpenBLAS thread per call, "
                        + "one spectrum per core at once), the costs as measured here on one core",
                "a share (N − 1)/N of the snapshots crosses the network (the receiving node is not the entity's), "
                        + "each paying one serialization and deserialization of its observation",
                "each node's store writer thread's CPU per snapshot is a node's cost; the database is shared by all "
                        + "nodes: a PostgreSQL server's CPU per snapshot as measured here, on a database machine of "
                        + cores + " cores, is the cluster's ceiling (for SQLite, which is one node's only, its wall time "
                        + "per snapshot)",
                "every snapshot a full spectrum (no top-k tracking, which is cheaper for trained layers; "
                        + "see bench top-k) and no randomized baseline (see bench diagnostics)",
                "not modelled: receiving the HTTP body (4·n² bytes into the receiving node: 64 MiB per 4096² "
                        + "snapshot, a NIC's limit at high rates; see bench pipeline), the live topic's reports, "
                        + "the ledger, GC, and the round trip's latency (asks are asynchronous: it delays a report, "
                        + "it does not take a core)");
    }

    /** The 7B-parameter model of 224 matrices of 4096² posted every few minutes: how many nodes. */
    static void printSevenBillion(PrintStream out, List<Costs> costs, int cores) {
        Costs large = costs.stream().filter(c -> c.n() == 4096).findFirst().orElse(null);
        if (large == null) {
            out.println("The 7B-parameter comparison needs the 4096² figures (run without --quick, or with "
                    + "--sizes including 4096).");
            return;
        }
        out.println("| 224 × 4096² every | layers/min needed | nodes (" + cores + " cores each) |");
        out.println("|---|---:|---:|");
        for (int minutes : new int[] {1, 3, 5, 10}) {
            double needed = 224.0 / minutes;
            int n = large.nodesFor(needed, cores);
            out.printf(Locale.ROOT, "| %d min | %.1f | %s |%n", minutes, needed,
                    n < 0 ? "more than the store takes (" + perMinute(large.storePerMinute()) + "/min)" : n);
        }
    }

    private static String perMinute(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}

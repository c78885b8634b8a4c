package org.dysonmonitor.cli;

import org.dysonmonitor.bench.BlasBench;
import org.dysonmonitor.bench.ClusterScaleBench;
import org.dysonmonitor.bench.ClusterScaleBenchOptions;
import org.dysonmonitor.bench.DiagnosticsCostBench;
import org.dysonmonitor.bench.EndToEndBench;
import org.dysonmonitor.bench.LargeLayerBench;
import org.dysonmonitor.bench.NativeThreadsBench;
import org.dysonmonitor.bench.PipelineBench;
import org.dysonmonitor.bench.SoakBench;
import org.dysonmonitor.bench.SoakOptions;
import org.dysonmonitor.bench.SpectrumBench;
import org.dysonmonitor.bench.StatisticsCostBench;
import org.dysonmonitor.bench.TlsBench;
import org.dysonmonitor.bench.TopKBench;
import org.dysonmonitor.bench.TrainerOverheadBench;
import org.dysonmonitor.linalg.SolverSelection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code bench}: throughput figures, each as a ratio to a reference measured in the same run, one
 * subcommand per benchmark. Each prints Markdown to stdout (progress to stderr) through its class's
 * {@code run(PrintStream, ...)}; a new benchmark is one more nested command in the list below.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the monitor's speed; each subcommand prints a Markdown table of figures and their "
                + "ratios to a reference measured in the same run.",
        subcommands = {BenchCommand.Spectrum.class, BenchCommand.Pipeline.class, BenchCommand.LargeLayer.class,
                BenchCommand.Trainer.class, BenchCommand.Statistics.class, BenchCommand.Diagnostics.class,
                BenchCommand.TopK.class, BenchCommand.Threads.class, BenchCommand.Soak.class,
                BenchCommand.EndToEnd.class, BenchCommand.Tls.class, BenchCommand.Cluster.class, CommandLine.HelpCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a benchmark: spectrum, pipeline, large-layer, trainer, statistics, diagnostics, top-k, threads, "
                        + "soak, end-to-end, tls or cluster "
                        + "(bench help <name> for its options)");
    }

    /**
     * A benchmark that runs the monitor: {@code --solver} picks the spectrum backend of the monitor
     * and of the reference alike, so that a ratio compares the same solver on both sides.
     */
    abstract static class MonitorBench implements Callable<Integer> {
        @Option(names = "--solver", defaultValue = "auto",
                description = "Spectrum backend of the monitor and of the reference: auto, native or ejml (default: ${DEFAULT-VALUE}).")
        String solver;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            CommandLine cmd = spec.commandLine();
            SolverSelection solvers;
            try {
                solvers = SolverSelection.select(SolverSelection.Mode.parse(solver), true);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new CommandLine.ParameterException(cmd, "--solver " + solver + ": " + e.getMessage());
            }
            measure(cmd, solvers);
            return 0;
        }

        /** Checks the options (ParameterException: exit 2), measures and prints. */
        abstract void measure(CommandLine cmd, SolverSelection solvers) throws Exception;
    }

    @Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Layer-snapshots per second over HTTP (policy all) for single-layer .npy POSTs and for "
                    + "whole-model .npz POSTs, each against the bare spectrum + statistics loop of the same solver.",
                    "Targets on 2 cores, 8 clients, 10×10 layers: ≥ 2 000/s single-layer, ≥ 10 000/s whole-model."})
    static final class Pipeline extends MonitorBench {
        @Option(names = "--quick", description = "A few seconds (for CI): 400 single-layer and 20 whole-model POSTs.")
        boolean quick;

        @Option(names = "--clients", defaultValue = "8", description = "Concurrent HTTP clients (default: ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--size", defaultValue = "10", description = "Layers are n×n float32 (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--layers", defaultValue = "100", description = "Layers per whole-model POST (default: ${DEFAULT-VALUE}).")
        int layers;

        @Option(names = "--singles", defaultValue = "10000", description = "Single-layer POSTs timed (default: ${DEFAULT-VALUE}).")
        int singles;

        @Option(names = "--models", defaultValue = "500", description = "Whole-model POSTs timed (default: ${DEFAULT-VALUE}).")
        int models;

        @Option(names = "--store", description = "Also the single-layer rows with the history store off and on "
                + "(a temporary data directory), twice each, and their ratio (target ≥ 0.9).")
        boolean store;

        @Option(names = "--jdk-clients", description = "Clients on java.net.http.HttpClient (in this JVM: its CPU "
                + "counts with the monitor's) instead of plain keep-alive sockets.")
        boolean jdkClients;

        @Override
        void measure(CommandLine cmd, SolverSelection solvers) throws Exception {
            PipelineBench.Options o;
            try {
                o = new PipelineBench.Options(clients, size, layers, quick ? 400 : singles, quick ? 20 : models,
                        solvers, store, jdkClients);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, e.getMessage());
            }
            PipelineBench.run(System.out, o);
        }
    }

    @Command(name = "tls", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Single-layer .npy snapshots per second through the monitor over HTTPS against plain HTTP, "
                    + "the same layer sizes and clients, alternating twice; prints HTTPS / HTTP.")
    static final class Tls extends MonitorBench {
        @Option(names = "--quick", description = "A few seconds (for CI): 300 POSTs per measurement.")
        boolean quick;

        @Option(names = "--clients", defaultValue = "8", description = "Concurrent HTTP clients (default: ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--sizes", defaultValue = "10,256", split = ",",
                description = "Layer sizes n (n×n float32), comma-separated (default: ${DEFAULT-VALUE}).")
        List<Integer> sizes;

        @Option(names = "--posts", defaultValue = "3000", description = "POSTs timed per measurement (default: ${DEFAULT-VALUE}).")
        int posts;

        @Override
        void measure(CommandLine cmd, SolverSelection solvers) throws Exception {
            TlsBench.Options o;
            try {
                o = new TlsBench.Options(clients, sizes, quick ? 300 : posts, solvers);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, e.getMessage());
            }
            TlsBench.run(System.out, o);
        }
    }

    @Command(name = "end-to-end", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Wall and CPU time from a .npy POST of an n×n layer to its report, float32 and float64 bodies, "
                    + "against numpy's eigvalsh(W.T @ W) on the same matrix in the same run.",
                    "Targets: ≤ 1.2× numpy at n ≥ 512 (float64 body), ≤ 0.7× with float32 bodies."})
    static final class EndToEnd extends MonitorBench {
        @Option(names = "--sizes", split = ",", paramLabel = "n", defaultValue = "256,512,1024,2048,4096",
                description = "n of the n×n layers (default: ${DEFAULT-VALUE}).")
        List<Integer> sizes;

        @Option(names = "--repeats", defaultValue = "5", description = "Timed POSTs per size and body dtype, 1 … 48 (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--warmup", defaultValue = "120", description = "Longest warm-up in seconds: untimed POSTs of "
                + "128×128 layers until the JIT compilers use < 5 %% of a core, 0 for none (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--python", defaultValue = "python3", description = "Python with numpy (default: ${DEFAULT-VALUE}).")
        String python;

        @Option(names = "--script", defaultValue = "bench/numpy_spectrum.py", description = "The numpy side (default: ${DEFAULT-VALUE}).")
        Path script;

        @Override
        void measure(CommandLine cmd, SolverSelection solvers) throws Exception {
            EndToEndBench.Options o;
            try {
                o = new EndToEndBench.Options(sizes, repeats, warmup, python, script, solvers);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, e.getMessage());
            }
            EndToEndBench.run(System.out, o);
        }
    }

    @Command(name = "large-layer", mixinStandardHelpOptions = true,
            description = "Post an n×n float32 layer every second (policy latest) and report whether the monitor keeps up "
                    + "(dropped must be 0) and the compute time per spectrum.")
    static final class LargeLayer extends MonitorBench {
        @Option(names = "--size", defaultValue = "2048", description = "n (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--seconds", defaultValue = "30", description = "How long to post (default: ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--partial-above", defaultValue = "0",
                description = "Track top-k spectra of layers from this smaller side on (the run's \"partial_above\"), "
                        + "posting a random walk of a trained-like W; 0: the monitor's default and two alternating "
                        + "Gaussian matrices (default: ${DEFAULT-VALUE}).")
        int partialAbove;

        @Override
        void measure(CommandLine cmd, SolverSelection solvers) throws Exception {
            MonitorOptions.require(cmd, size >= 1 && seconds >= 1, "--size and --seconds must be ≥ 1");
            MonitorOptions.require(cmd, partialAbove >= 0, "--partial-above must be ≥ 0");
            LargeLayerBench.run(System.out, size, seconds, solvers, partialAbove);
        }
    }

    @Command(name = "trainer", mixinStandardHelpOptions = true,
            description = "Updates per second of the built-in RBM trainer with the monitor attached (a snapshot every 10, "
                    + "policy latest) against the same trainer alone.")
    static final class Trainer extends MonitorBench {
        @Option(names = "--steps", defaultValue = "400000", description = "Updates per measurement (default: ${DEFAULT-VALUE}).")
        long steps;

        @Override
        void measure(CommandLine cmd, SolverSelection solvers) throws Exception {
            MonitorOptions.require(cmd, steps >= 1, "--steps must be ≥ 1");
            TrainerOverheadBench.run(System.out, steps, solvers);
        }
    }

    @Command(name = "spectrum", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Time per spectrum of EJML, native LAPACK (float64, float32) and numpy (eigvalsh, svd) on the "
                    + "same matrices, n = 64 … 4096, as n×n and n×(n/4); ratios to numpy's float64 eigvalsh (see bench/RESULTS.md).",
                    "Set OPENBLAS_NUM_THREADS before the JVM starts (OpenBLAS reads it once); to compare with a current "
                            + "numpy on a machine that sets OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE, unset both for this command."})
    static final class Spectrum implements Callable<Integer> {
        @Option(names = "--quick", description = "Sizes up to " + 1024 + " only.")
        boolean quick;

        @Option(names = "--sizes", split = ",", paramLabel = "n", description = "Long sides (default: 64,256,512,1024,2048,4096).")
        List<Integer> sizes = List.of(64, 256, 512, 1024, 2048, 4096);

        @Option(names = "--shapes", split = ",", defaultValue = "square,tall",
                description = "square (n×n) and/or tall (n×(n/4)) (default: ${DEFAULT-VALUE}).")
        List<String> shapes;

        @Option(names = "--budget", defaultValue = "3.0", description = "Seconds of repeats per cell (default: ${DEFAULT-VALUE}).")
        double budget;

        @Option(names = "--clock", defaultValue = "wall",
                description = "wall, or cpu: CPU time of the calling thread, needs OPENBLAS_NUM_THREADS=1 (default: ${DEFAULT-VALUE}).")
        String clock;

        @Option(names = "--ejml-max-seconds", defaultValue = "60",
                description = "Skip EJML where its predicted time per spectrum exceeds this (default: ${DEFAULT-VALUE}).")
        double ejmlMaxSeconds;

        @Option(names = "--no-numpy", description = "Do not run numpy.")
        boolean noNumpy;

        @Option(names = "--python", defaultValue = "python3", description = "Python with numpy (default: ${DEFAULT-VALUE}).")
        String python;

        @Option(names = "--script", defaultValue = "bench/numpy_spectrum.py", description = "The numpy side (default: ${DEFAULT-VALUE}).")
        Path script;

        @Option(names = "--workdir", description = "Where the matrices are written (default: a temporary directory, deleted after).")
        Path workDir;

        @Option(names = "--out", description = "Also write the table into this file.")
        Path out;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of the matrices (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--crossover", description = "Instead: EJML against native for small n (the auto crossover).")
        boolean crossover;

        @Option(names = "--threads", description = "Instead: one 2048 spectrum and 8 concurrent 256 spectra under this "
                + "process's OpenBLAS thread setting (run with OPENBLAS_NUM_THREADS=1 and =2).")
        boolean threads;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            CommandLine cmd = spec.commandLine();
            MonitorOptions.require(cmd, !(crossover && threads), "--crossover and --threads are separate measurements");
            if (crossover) {
                return BlasBench.crossover(System.out);
            }
            if (threads) {
                return BlasBench.threads(System.out);
            }
            MonitorOptions.require(cmd, clock.equals("wall") || clock.equals("cpu"), "--clock takes wall or cpu");
            MonitorOptions.require(cmd, shapes.stream().allMatch(s -> s.equals("square") || s.equals("tall")),
                    "--shapes takes square and/or tall");
            SpectrumBench.Options o;
            try {
                o = new SpectrumBench.Options(sizes.stream().mapToInt(Integer::intValue).toArray(),
                        shapes.contains("square"), shapes.contains("tall"), budget, clock.equals("cpu"), ejmlMaxSeconds,
                        !noNumpy, python, script, workDir, out, seed);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, e.getMessage());
            }
            int code = SpectrumBench.run(quick ? o.quick() : o, System.out, System.err);
            if (code == 2) {
                throw new CommandLine.ParameterException(cmd, "--clock cpu needs OPENBLAS_NUM_THREADS=1");
            }
            return code;
        }
    }

    @Command(name = "statistics", mixinStandardHelpOptions = true,
            description = "Each statistic's cost per snapshot for n = 64 … 4096 against the native spectrum's own time "
                    + "in the same run (target: LayerStatistics ≤ 10 %% of the spectrum at n ≥ 512).")
    static final class Statistics implements Runnable {
        @Option(names = "--quick", description = "Sizes up to 1024 only, fewer repeats.")
        boolean quick;

        @Override
        public void run() {
            StatisticsCostBench.run(System.out, quick);
        }
    }

    @Command(name = "diagnostics", mixinStandardHelpOptions = true,
            description = "Cost of the network-health diagnostics (power-law fit, norms, rigidity; the randomized baseline "
                    + "amortised over --baseline-every) against the native spectrum (target: ≤ 25 %% at n ≥ 512).")
    static final class Diagnostics implements Callable<Integer> {
        @Override
        public Integer call() {
            return DiagnosticsCostBench.run(System.out);
        }
    }

    @Command(name = "top-k", mixinStandardHelpOptions = true,
            description = "Tracked top-64 spectrum of a training-like sequence against the full native spectrum and scipy's "
                    + "eigsh(k=64) on the same matrices (targets at 4096²: ≥ 5× faster than full, faster than eigsh).")
    static final class TopK implements Runnable {
        @Option(names = "--quick", description = "Small sizes only.")
        boolean quick;

        @Override
        public void run() {
            TopKBench.run(System.out, quick);
        }
    }

    @Command(name = "threads", mixinStandardHelpOptions = true,
            description = "Two native spectra on two threads against one (≈ 1 when OpenBLAS runs one thread per call, as "
                    + "bin/dyson-monitor sets it), and the longest allocation stall under each garbage collector.")
    static final class Threads implements Runnable {
        @Option(names = "--quick", description = "Smaller matrices, fewer repeats.")
        boolean quick;

        @Override
        public void run() {
            NativeThreadsBench.run(System.out, quick);
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true,
            description = "Concurrent runs of mixed shapes (10×10 to 1024×1024), both policies, with misbehaving clients "
                    + "among them (junk, oversize, stalled uploads, abandoned runs, floods); samples heap and series and "
                    + "checks received = processed + dropped + rejected for every layer at the end. Exit 1 if a bound or "
                    + "the accounting fails.")
    static final class Soak implements Callable<Integer> {
        @Option(names = "--runs", defaultValue = "100", description = "Concurrent runs (default: ${DEFAULT-VALUE}).")
        int runs;

        @Option(names = "--minutes", defaultValue = "10", description = "How long (default: ${DEFAULT-VALUE}).")
        double minutes;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            MonitorOptions.require(spec.commandLine(), runs >= 1 && minutes > 0, "--runs must be ≥ 1 and --minutes > 0");
            return SoakBench.run(System.out, SoakOptions.defaults().withRuns(runs)
                    .withDuration(java.time.Duration.ofMillis(Math.round(minutes * 60_000))));
        }
    }

    @Command(name = "cluster", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"The cluster mode's measured model of scale: one snapshot's work (decode, full native "
                    + "spectrum, statistics update) at 1024² and 4096² float32, an observation's CBOR serialization, "
                    + "its round trip to an entity on the other node against the same node (two nodes on "
                    + "127.0.0.1), the store's writes per snapshot, and from them layers per minute for 1, 3, 10 "
                    + "and 30 nodes.",
                    "Run with OPENBLAS_NUM_THREADS=1 (as bin/dyson-monitor sets it) for CPU-time figures."})
    static final class Cluster implements Callable<Integer> {
        @Option(names = "--quick", description = "A few seconds: 64² and 128² layers (unless --sizes), few repeats.")
        boolean quick;

        @Option(names = "--sizes", split = ",", paramLabel = "n", description = "n of the n×n layers (default: 1024,4096).")
        List<Integer> sizes;

        @Option(names = "--spectrum-runs", defaultValue = "2",
                description = "Full spectra timed per size at n ≥ 2048 (default: ${DEFAULT-VALUE}).")
        int spectrumRuns;

        @Option(names = "--round-trips", defaultValue = "200",
                description = "Observations timed per size to each of the two entities (default: ${DEFAULT-VALUE}).")
        int roundTrips;

        @Option(names = "--store-writes", defaultValue = "200",
                description = "Snapshots' writes timed per size (default: ${DEFAULT-VALUE}).")
        int storeWrites;

        @Option(names = "--cores", defaultValue = "2", description = "Cores per node in the model (default: ${DEFAULT-VALUE}).")
        int cores;

        @Option(names = "--store", paramLabel = "DIR|postgresql://HOST:PORT/DB?user=USER",
                description = "The store to write to (default: SQLite in a temporary directory).")
        String store;

        @Option(names = "--store-password-file", paramLabel = "FILE", description = "The PostgreSQL password's file.")
        Path storePasswordFile;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ClusterScaleBenchOptions o;
            try {
                ClusterScaleBenchOptions d = ClusterScaleBenchOptions.defaults();
                o = new ClusterScaleBenchOptions(sizes != null ? sizes : d.sizes(), spectrumRuns, roundTrips,
                        storeWrites, d.budgetSeconds(), cores, Optional.ofNullable(store),
                        Optional.ofNullable(storePasswordFile));
                if (quick) {
                    o = o.quick(sizes != null);
                }
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            return ClusterScaleBench.run(System.out, System.err, o);
        }
    }
}

package org.dysonmonitor.bench;

import org.dysonmonitor.linalg.MatrixLayout;
import org.dysonmonitor.linalg.NativeLapack;
import org.dysonmonitor.linalg.NativeSpectrumSolver;
import org.dysonmonitor.linalg.TrackedTopSpectrum;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The tracked top-k spectrum ({@link TrackedTopSpectrum}, k = 64) against the full native spectrum
 * and against {@code scipy.sparse.linalg.eigsh(k=64)} (ARPACK, on WᵀW applied as a LinearOperator,
 * one OpenBLAS thread) on the same matrices, in the same run.
 *
 * <p>A training-like sequence per size: W₀ Gaussian (variance 1/n) plus a rank-2 signal, then
 * W_{t+1} = W_t + s·G_t/√n plus the signal again (s = 0.01: each snapshot moves every entry by 1 %
 * of its size), and the same with column j scaled by √(n/(1+j)), whose top eigenvalues spread like
 * n/j (a heavy tail, as in trained layers, instead of a dense edge). Snapshot 0 is the tracker's full spectrum; snapshot 1 its cold start (no subspace
 * yet); snapshots 2… are warm. On the last one the full spectrum is computed again as the
 * reference for the error, and eigsh runs on the same matrix. Each snapshot goes to two trackers: one
 * that always tracks (the gap test off) and one with the defaults, whose gap test gives a layer without
 * a gap after its k-th eigenvalue full spectra at once. Times are the thread's CPU time on both sides
 * (one OpenBLAS thread: all of the work), which the load of a shared machine moves far less than wall time.
 */
public final class TopKBench {

    static final int K = 64;

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private static final String EIGSH = String.join("\n",
            "import sys, time, json, numpy as np",
            "from scipy.sparse.linalg import eigsh, LinearOperator",
            "n = int(sys.argv[2]); W = np.fromfile(sys.argv[1], dtype='<f8').reshape(n, n)",
            "op = LinearOperator((n, n), matvec=lambda v: W.T @ (W @ v), matmat=lambda V: W.T @ (W @ V), dtype=np.float64)",
            "t = time.thread_time(); vals = eigsh(op, k=" + K + ", which='LA', return_eigenvectors=False)",
            "dt = time.thread_time() - t",
            "print(json.dumps({'seconds': dt, 'values': sorted(float(v) for v in vals)}))");

    private TopKBench() {
    }

    public static void run(PrintStream out, boolean quick) {
        NativeLapack.Status status = NativeLapack.status();
        out.println("Tracked top-" + K + " spectrum against the full native spectrum and scipy eigsh (same run)");
        out.println("native: " + status.describe() + "; thread CPU time (one BLAS thread: all of the work); load average "
                + String.format(Locale.ROOT, "%.2f", java.lang.management.ManagementFactory
                .getOperatingSystemMXBean().getSystemLoadAverage()));
        if (!status.loaded()) {
            out.println("no native LAPACK: nothing to measure");
            return;
        }
        int[] sizes = quick ? new int[]{1024} : new int[]{1024, 2048, 4096};
        String only = System.getProperty("topk.sizes");
        if (only != null) {
            sizes = Arrays.stream(only.split(",")).mapToInt(Integer::parseInt).toArray();
        }
        out.println("| n | ρ | full ms | cold ms (cyc) | always tracked: warm ms (cyc) | full ÷ warm "
                + "| gap-tested: warm ms (kind) | full ÷ gap-tested | eigsh ms | eigsh ÷ best | err top | err eigsh |");
        out.println("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        String spectra = System.getProperty("topk.spectra", "bulk,heavy");
        for (boolean heavyTailed : new boolean[]{false, true}) {
            if (!spectra.contains(heavyTailed ? "heavy" : "bulk")) {
                continue;
            }
            out.println(heavyTailed ? "heavy-tailed (column scales j^-1/2: top eigenvalues ~ n/j, as in trained layers)"
                    : "Marchenko-Pastur bulk plus a rank-2 signal (an untrained layer)");
            for (int n : sizes) {
                measure(out, n, quick ? 3 : 4, 0.01, heavyTailed);
            }
        }
        out.println("ρ: the gap factor of the first full spectrum (Chebyshev bound per cycle; the gap test tracks when "
                + "ρ² ≤ 1e-4); always tracked: the gap test off; gap-tested: the defaults (kind T: tracked, F: full "
                + "spectra at once); best: the faster of the two; err: max over the top " + K + " of |value − full| / "
                + "full on the last snapshot (always tracked); cyc: block Krylov cycles (5 products X·(n×80) each)");
    }

    private static void measure(PrintStream out, int n, int snapshots, double step, boolean heavyTailed) {
        SplittableRandom rng = new SplittableRandom(n);
        double[] w = new double[n * n];
        fill(w, 1 / Math.sqrt(n), rng);
        if (heavyTailed) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    w[i * n + j] *= Math.sqrt(n / (1.0 + j));
                }
            }
        }
        double[] u = new double[n];
        double[] v = new double[n];
        fill(u, 1 / Math.sqrt(n), rng);
        fill(v, 1 / Math.sqrt(n), rng);
        TrackedTopSpectrum.Config base = TrackedTopSpectrum.Config.defaults().withFullEvery(1_000_000);
        TrackedTopSpectrum always = new TrackedTopSpectrum(base.withGapCycles(0));
        TrackedTopSpectrum tested = new TrackedTopSpectrum(base);
        double full = Double.NaN;
        double cold = Double.NaN;
        int coldCycles = 0;
        double[] warm = new double[Math.max(1, snapshots - 2)];
        double[] warmTested = new double[Math.max(1, snapshots - 2)];
        int warmCycles = 0;
        String testedKinds = "";
        TrackedTopSpectrum.Result last = null;
        for (int t = 0; t < snapshots; t++) {
            if (t > 0) {
                walk(w, u, v, step, rng);
            }
            long t0 = CPU.getCurrentThreadCpuTime();
            last = always.update(w, n, n, MatrixLayout.ROW_MAJOR);
            double seconds = (CPU.getCurrentThreadCpuTime() - t0) * 1e-9;
            t0 = CPU.getCurrentThreadCpuTime();
            TrackedTopSpectrum.Result g = tested.update(w, n, n, MatrixLayout.ROW_MAJOR);
            double testedSeconds = (CPU.getCurrentThreadCpuTime() - t0) * 1e-9;
            if (t == 0) {
                full = seconds;
            } else if (t == 1) {
                cold = seconds;
                coldCycles = last.cycles();
            } else {
                warm[t - 2] = seconds;
                warmTested[t - 2] = testedSeconds;
                warmCycles = Math.max(warmCycles, last.cycles());
                testedKinds += g.kind() == TrackedTopSpectrum.Kind.TOP ? "T" : "F";
            }
        }
        long t0 = CPU.getCurrentThreadCpuTime();
        double[] reference = new NativeSpectrumSolver().eigenvalues(w, n, n, MatrixLayout.ROW_MAJOR);
        full = Math.min(full, (CPU.getCurrentThreadCpuTime() - t0) * 1e-9);
        double[] top = Arrays.copyOfRange(reference, n - K, n);
        double warmMedian = median(warm);
        double testedMedian = median(warmTested);
        double errTop = last.kind() == TrackedTopSpectrum.Kind.TOP ? maxRelative(last.eigenvalues(), top) : Double.NaN;
        double eigshSeconds = Double.NaN;
        double errEigsh = Double.NaN;
        try {
            double[] eigsh = eigsh(w, n);
            eigshSeconds = eigsh[0];
            errEigsh = maxRelative(Arrays.copyOfRange(eigsh, 1, eigsh.length), top);
        } catch (IOException | InterruptedException | RuntimeException e) {
            out.println("eigsh at n = " + n + " did not run: " + e.getMessage());
        }
        out.printf(Locale.ROOT, "| %d | %.2g | %.0f | %.0f (%d) | %.0f (%d) | %.2f | %.0f (%s) | %.2f | %.0f | %.2f | %.1e | %.1e |%n",
                n, tested.lastGapFactor(), full * 1e3, cold * 1e3, coldCycles, warmMedian * 1e3, warmCycles,
                full / warmMedian, testedMedian * 1e3, testedKinds, full / testedMedian, eigshSeconds * 1e3,
                eigshSeconds / Math.min(warmMedian, testedMedian), errTop, errEigsh);
        out.flush();
    }

    /** W += s·G/√n plus a rank-2 drift along u vᵀ and u (v shifted)ᵀ: a slowly growing signal. */
    static void walk(double[] w, double[] u, double[] v, double step, SplittableRandom rng) {
        int n = u.length;
        double sd = step / Math.sqrt(n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                w[i * n + j] += sd * gaussian(rng) + 0.05 * u[i] * v[j] + 0.03 * u[j] * v[(i + 7) % n];
            }
        }
    }

    /** [seconds, ascending top-k values] from scipy's eigsh on the same matrix. */
    private static double[] eigsh(double[] w, int n) throws IOException, InterruptedException {
        Path file = Files.createTempFile("topk-bench", ".f64");
        try {
            ByteBuffer buf = ByteBuffer.allocate(w.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            buf.asDoubleBuffer().put(w);
            Files.write(file, buf.array());
            ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "-c", EIGSH, file.toString(), String.valueOf(n));
            pb.environment().put("OPENBLAS_NUM_THREADS", "1");
            pb.redirectErrorStream(false);
            Process p = pb.start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException("python3 failed: " + stderr.strip());
            }
            com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stdout);
            double[] result = new double[K + 1];
            result[0] = json.get("seconds").asDouble();
            for (int i = 0; i < K; i++) {
                result[i + 1] = json.get("values").get(i).asDouble();
            }
            return result;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static double maxRelative(double[] values, double[] reference) {
        double worst = 0;
        for (int i = 0; i < reference.length; i++) {
            worst = Math.max(worst, Math.abs(values[i] - reference[i]) / reference[i]);
        }
        return worst;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static void fill(double[] a, double sd, SplittableRandom rng) {
        for (int i = 0; i < a.length; i++) {
            a[i] = sd * gaussian(rng);
        }
    }

    private static double gaussian(SplittableRandom rng) {
        double u = 1.0 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    /**
     * {@code java -cp … org.dysonmonitor.bench.TopKBench [--quick]}; {@code -Dtopk.sizes=1024,2048} and
     * {@code -Dtopk.spectra=bulk|heavy} restrict the run.
     */
    public static void main(String[] args) {
        run(System.out, args.length > 0 && args[0].equals("--quick"));
    }
}

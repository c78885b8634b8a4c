package org.dysonmonitor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dysonmonitor.ingest.NpyDecoder;
import org.dysonmonitor.ingest.NpyFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs bench/numpy_spectrum.py once on all matrices of a benchmark (a manifest of .npy files) and
 * reads its JSON: numpy's timings and the float64 eigenvalues it wrote next to each matrix.
 */
final class NumpyReference {

    /** One matrix to time, with the timing rule for its size. */
    record Job(Path file, Stopwatch.Rule rule, boolean skipSvd) {
    }

    /** numpy's timings of one matrix; a timing is null where it was not measured. */
    record Result(Stopwatch.Timing eigvalshF64, Stopwatch.Timing eigvalshF32, Stopwatch.Timing svdF64,
                  double[] eigenvalues) {
    }

    /** The environment the script reported, and the results by file. */
    record Report(String description, Map<Path, Result> results) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private NumpyReference() {
    }

    /**
     * @throws IOException when the script cannot run or fails; its stderr is in the message
     */
    static Report run(String python, Path script, List<Job> jobs, Path workDir) throws IOException, InterruptedException {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("clock", jobs.isEmpty() ? "wall" : jobs.get(0).rule().clock().name().toLowerCase(java.util.Locale.ROOT));
        ArrayNode matrices = manifest.putArray("matrices");
        for (Job job : jobs) {
            matrices.addObject()
                    .put("file", job.file().toString())
                    .put("min_repeats", job.rule().minRepeats())
                    .put("max_repeats", job.rule().maxRepeats())
                    .put("budget_seconds", job.rule().budgetSeconds())
                    .put("warmup_below_seconds", job.rule().warmupBelowSeconds())
                    .put("single_above_seconds", job.rule().singleAboveSeconds())
                    .put("skip_svd", job.skipSvd());
        }
        Path manifestFile = workDir.resolve("manifest.json");
        JSON.writeValue(manifestFile.toFile(), manifest);

        Process p = new ProcessBuilder(python, script.toString(), manifestFile.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT) // progress lines go to our stderr
                .start();
        p.getOutputStream().close();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        if (!p.waitFor(2, TimeUnit.HOURS)) {
            p.destroyForcibly();
            throw new IOException(script + " did not finish");
        }
        String out = stdout.join();
        if (p.exitValue() != 0) {
            throw new IOException(script + " exited with " + p.exitValue());
        }
        JsonNode root = JSON.readTree(out);
        Map<Path, Result> results = new HashMap<>();
        for (JsonNode r : root.path("results")) {
            Path file = Path.of(r.path("file").asText());
            results.put(file, new Result(timing(r.get("eigvalsh_f64")), timing(r.get("eigvalsh_f32")),
                    timing(r.get("svd_f64")), readEigenvalues(Path.of(file + ".numpy-eig.npy"))));
        }
        return new Report(describe(root), results);
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Stopwatch.Timing timing(JsonNode t) {
        if (t == null || t.isNull()) {
            return null;
        }
        return new Stopwatch.Timing(t.path("median_seconds").asDouble(), t.path("repeats").asInt());
    }

    private static double[] readEigenvalues(Path file) throws IOException {
        try {
            return NpyDecoder.decode(Files.readAllBytes(file)).toRowMajor();
        } catch (NpyFormatException e) {
            throw new IOException("cannot read numpy's eigenvalues " + file + ": " + e.getMessage(), e);
        }
    }

    /** "numpy 2.4.6, OpenBLAS 0.3.31 (SkylakeX kernel, 1 thread); the system OpenBLAS picks Cooperlake here". */
    private static String describe(JsonNode root) {
        JsonNode blas = root.path("numpy_blas");
        List<String> parts = new ArrayList<>();
        parts.add("numpy " + root.path("numpy").asText());
        String api = blas.path("internal_api").asText(blas.has("config") ? blas.path("config").asText() : "BLAS");
        String version = blas.path("version").asText("");
        String arch = blas.path("architecture").asText("?");
        String threads = blas.has("num_threads") ? ", " + blas.path("num_threads").asInt() + " thread(s)" : "";
        parts.add("its " + api + (version.isEmpty() ? "" : " " + version) + " runs the " + arch + " kernel" + threads);
        JsonNode sys = root.path("system_openblas");
        if (sys.isObject()) {
            parts.add("the system OpenBLAS (what the JVM loads) runs the " + sys.path("core").asText() + " kernel");
        }
        JsonNode env = root.path("environment");
        parts.add("OPENBLAS_CORETYPE=" + env.path("OPENBLAS_CORETYPE").asText("(unset)")
                + ", OPENBLAS_L2_SIZE=" + env.path("OPENBLAS_L2_SIZE").asText("(unset)"));
        return String.join("; ", parts);
    }
}

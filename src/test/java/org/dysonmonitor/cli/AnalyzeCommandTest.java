package org.dysonmonitor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.dysonmonitor.ingest.Numpy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code analyze FILE} on checkpoints numpy writes: one row per layer, the table, CSV, and bad files. */
class AnalyzeCommandTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run analyze(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = DysonMonitor.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "analyze";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Run(cmd.execute(all), out.toString(), err.toString());
    }

    /**
     * A model of three arrays: a Gaussian layer (a Marchenko-Pastur bulk, no power-law tail), a layer of
     * Cauchy entries (α ≈ 1.5 < 2, and a few huge entries that stay huge when permuted: traps), and a
     * bias (1-D, not a layer).
     */
    private static Path model(Path dir) {
        Path npz = dir.resolve("model.npz");
        Numpy.run(dir, String.join("\n",
                "import sys, numpy as np",
                "rng = np.random.default_rng(1)",
                "np.savez(sys.argv[1], **{'fc1.weight': (rng.standard_normal((300, 150)) / np.sqrt(300)).astype(np.float32),",
                "    'fc2.weight': rng.standard_cauchy((150, 300)), 'fc2.bias': np.zeros(150)})"), npz.toString());
        return npz;
    }

    @Test
    void csvHasOneRowPerLayerWithTheDiagnostics(@TempDir Path dir) {
        Run run = analyze(model(dir).toString(), "--csv");
        assertEquals(0, run.exitCode(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(String.join(",", AnalyzeCommand.COLUMNS), lines[0]);
        assertEquals(3, lines.length, "two layers; the 1-D bias is not one:\n" + run.out());
        List<String> gaussian = Arrays.asList(lines[1].split(","));
        List<String> cauchy = Arrays.asList(lines[2].split(","));
        int alpha = AnalyzeCommand.COLUMNS.indexOf("alpha");
        int traps = AnalyzeCommand.COLUMNS.indexOf("num_traps");
        int warning = AnalyzeCommand.COLUMNS.indexOf("warning");
        assertEquals("fc1.weight", gaussian.get(1));
        assertEquals("\"(300", gaussian.get(2), "the shape is one quoted CSV field");
        assertTrue(Double.parseDouble(gaussian.get(alpha + 1)) > 2, "a random bulk is not over-trained: " + lines[1]);
        assertEquals("0", gaussian.get(traps + 1), "Gaussian entries: no correlation traps");
        assertEquals("fc2.weight", cauchy.get(1));
        assertTrue(Double.parseDouble(cauchy.get(alpha + 1)) < 2, "Cauchy entries: α ≈ 1.5, " + lines[2]);
        assertTrue(Integer.parseInt(cauchy.get(traps + 1)) > 0, "huge entries stay huge when permuted: " + lines[2]);
        assertEquals("over-trained", cauchy.get(warning + 1));
        assertTrue(run.err().contains("2/2"), "the progress bar reaches the last layer: " + run.err());
    }

    @Test
    void theTableAlignsItsColumnsUnderTheHeader(@TempDir Path dir) {
        Run run = analyze(model(dir).toString());
        assertEquals(0, run.exitCode(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[0].startsWith("layer_id  name"), lines[0]);
        int end = lines[0].indexOf("alpha ") + "alpha".length();
        for (int i = 1; i < lines.length; i++) {
            // Numbers are right-aligned under their header.
            assertTrue(Character.isDigit(lines[i].charAt(end - 1)), "column alpha ends at " + end + ":\n" + run.out());
        }
    }

    @Test
    void aSingleNpyIsOneLayerNamedAfterTheFile(@TempDir Path dir) {
        Path npy = dir.resolve("encoder.w.npy");
        Numpy.run(dir, "import sys, numpy as np\nnp.save(sys.argv[1], np.random.default_rng(2).standard_normal((64, 32)))",
                npy.toString());
        Run run = analyze(npy.toString(), "--csv");
        assertEquals(0, run.exitCode(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[1].startsWith("0,encoder.w,\"(64, 32)\",64,32,"), lines[1]);
    }

    @Test
    void aBadFileIsAMessageAndExitCodeTwo(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("notes.npz"), "not a model");
        Run bad = analyze(text.toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().startsWith("analyze: " + text + " is not a model this command reads: "), bad.err());
        assertEquals("", bad.out());
        Run missing = analyze(dir.resolve("absent.npz").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("cannot read") && missing.err().contains("no such file"), missing.err());
        Run none = analyze();
        assertEquals(2, none.exitCode(), "FILE is required");
    }
}

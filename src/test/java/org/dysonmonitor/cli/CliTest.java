package org.dysonmonitor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code dyson-monitor} command line as a user meets it, run in-process through
 * {@link DysonMonitor#commandLine()}: help, bad options (exit 2 with a message), {@code train}'s tables
 * and a {@code demo} that stops by itself.
 */
class CliTest {

    /** What one execution printed and returned. */
    private record Run(int exitCode, String out, String err) {
    }

    private static Run execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = DysonMonitor.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    // ---- help ------------------------------------------------------------------------------------------

    static Stream<Arguments> helpPages() {
        List<String> monitor = List.of("--bind", "--port", "--token-file", "--max-body", "--max-mode-series",
                "--max-runs", "--max-layers", "--retention", "--duration");
        List<String> demo = new ArrayList<>(monitor);
        demo.addAll(List.of("--steps-per-second", "--snapshot-every", "--seed", "--policy"));
        return Stream.of(
                Arguments.of(List.of("--help"), List.of("demo", "serve", "train", "--version")),
                Arguments.of(List.of("demo", "--help"), demo),
                Arguments.of(List.of("serve", "--help"), monitor),
                Arguments.of(List.of("train", "--help"), List.of("--model", "--lr", "--batch", "--steps", "--burn-in",
                        "--snapshot-every", "--seed", "--visible", "--hidden", "--mu2", "--epsilon")),
                Arguments.of(List.of("help", "serve"), monitor));
    }

    @ParameterizedTest
    @MethodSource("helpPages")
    void helpExits0AndNamesTheOptions(List<String> args, List<String> mentioned) {
        Run run = execute(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("Usage: dyson-monitor"), run::out);
        List<String> missing = mentioned.stream().filter(o -> !run.out().contains(o)).toList();
        assertTrue(missing.isEmpty(), () -> "help does not mention " + missing + ":\n" + run.out());
    }

    @Test
    void versionExits0() {
        Run run = execute("--version");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("dyson-monitor "), run::out);
    }

    // ---- bad options -------------------------------------------------------------------------------------

    static Stream<Arguments> badOptions() {
        Map<List<String>, String> cases = new LinkedHashMap<>();
        cases.put(List.of(), "name a command: demo, serve");
        cases.put(List.of("frobnicate"), "Unmatched argument at index 0: 'frobnicate'");
        cases.put(List.of("train", "--model", "foo"), "--model must be rbm or teacher-student, got 'foo'");
        cases.put(List.of("train", "--lr", "-1"), "--lr must be a positive number, got -1.0");
        cases.put(List.of("train", "--lr", "fast"), "Invalid value for option '--lr': 'fast' is not a double");
        cases.put(List.of("train", "--batch", "0"), "--batch must be ≥ 1, got 0");
        cases.put(List.of("train", "--steps", "0"), "--steps must be ≥ 1");
        cases.put(List.of("train", "--steps", "100", "--burn-in", "100"), "--burn-in must be in [0, --steps)");
        cases.put(List.of("demo", "--port", "70000"), "--port must be in 0..65535");
        cases.put(List.of("demo", "--policy", "newest"),
                "Invalid value for option '--policy': policy must be \"latest\" or \"all\", got \"newest\"");
        cases.put(List.of("serve", "--retention", "xyz"),
                "Invalid value for option '--retention': 'xyz' is not a duration: use e.g. 30s, 5m, 1h or 250ms");
        cases.put(List.of("serve", "--token-file", "/nonexistent"), "cannot read --token-file /nonexistent");
        cases.put(List.of("serve", "--max-body", "0"), "--max-body must be positive");
        cases.put(List.of("serve", "--max-runs", "0"), "--max-runs must be positive");
        cases.put(List.of("serve", "--dynamics-cpu", "0"), "--dynamics-cpu must be in (0, 64] (a share of one core)");
        return cases.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest
    @MethodSource("badOptions")
    void badOptionsExit2WithAClearMessage(List<String> args, String message) {
        Run run = execute(args.toArray(String[]::new));
        assertAll(String.join(" ", args),
                () -> assertEquals(2, run.exitCode(), run::toString),
                () -> assertTrue(run.err().startsWith(message), () -> "stderr:\n" + run.err()),
                () -> assertTrue(run.err().contains("Usage: dyson-monitor"), () -> "no usage:\n" + run.err()),
                () -> assertEquals("", run.out()));
    }

    // ---- train -------------------------------------------------------------------------------------------

    /** A row of the learned-spectrum table: mode, x_i, μ² − σ_h²·x_i, κ_i, difference. */
    private static final Pattern MODE_ROW = Pattern.compile(
            "^\\s*(\\d+)\\s+(-?\\d+\\.\\d{4})\\s+(-?\\d+\\.\\d{4})\\s+(-?\\d+\\.\\d{4})\\s+(-?\\d+\\.\\d{4})$", Pattern.MULTILINE);
    /** A row of the pair table: pair, κ, samples, then the estimates. */
    /** An estimate with its error in a table row: {@code 1.511e-02 ±  5.8e-04}. */
    private static final Pattern ESTIMATE = Pattern.compile("(-?[0-9.]+(?:e[-+]?\\d+)?) ±\\s+([0-9.]+(?:e[-+]?\\d+)?)");
    private static final Pattern PAIR_ROW = Pattern.compile("^ (\\d+-\\d+)\\s+(-?\\d+\\.\\d{3})\\s+(\\d+)\\s+.*$",
            Pattern.MULTILINE);

    @Test
    void trainRbmPrintsTenModesAndFourPairsAtThePaperKappas() {
        Run run = execute("train", "--model", "rbm", "--steps", "30000");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.err());
        String out = run.out();
        assertTrue(out.startsWith("RBM N_v = 10, N_h = 10, μ² = 9.0"), out);

        List<Integer> modes = new ArrayList<>();
        List<String> kappas = new ArrayList<>();
        List<Double> learned = new ArrayList<>();
        Matcher m = MODE_ROW.matcher(out);
        while (m.find()) {
            modes.add(Integer.parseInt(m.group(1)));
            learned.add(Double.parseDouble(m.group(3)));
            kappas.add(m.group(4));
        }
        assertEquals(List.of(9, 8, 7, 6, 5, 4, 3, 2, 1, 0), modes, out);
        // κ_i = m² + 4 sin²(πk/N) on a ring of 10 sites: 4, 4.382 (×2), 5.382 (×2), 6.618 (×2), 7.618 (×2), 8.
        assertEquals(List.of("4.0000", "4.3820", "4.3820", "5.3820", "5.3820", "6.6180", "6.6180", "7.6180",
                "7.6180", "8.0000"), kappas, out);
        // What was learned, not only the printed target: W starts at N(0, 0.1²), where μ² − x ≈ 9 for every
        // mode, 1 to 5 away from κ; after 30 000 updates each μ² − x_i sits at its κ_i up to the pair
        // repulsion ±√π·σ/2 ≈ ±0.2 and a learning bias of ≈ 0.15 (physics.md §7; README's train table).
        for (int i = 0; i < learned.size(); i++) {
            double kappa = Double.parseDouble(kappas.get(i));
            assertEquals(kappa, learned.get(i), 0.4, "mode " + modes.get(i) + " did not learn its κ:\n" + out);
        }
        // The centre of each degenerate pair is its κ within 0.2: the repulsion splits the two modes
        // symmetrically, and what remains is the learning bias of the persistent chains (+0.1 here).
        for (int i = 1; i < learned.size() - 1; i += 2) {
            double kappa = Double.parseDouble(kappas.get(i));
            assertEquals(kappa, (learned.get(i) + learned.get(i + 1)) / 2, 0.2, "pair centre at κ = " + kappa + ":\n" + out);
        }

        Map<String, String> pairs = new LinkedHashMap<>();
        Matcher p = PAIR_ROW.matcher(out);
        while (p.find()) {
            pairs.put(p.group(1), p.group(2));
            List<double[]> estimates = new ArrayList<>();
            Matcher e = ESTIMATE.matcher(p.group());
            while (e.find()) {
                estimates.add(new double[] {Double.parseDouble(e.group(1)), Double.parseDouble(e.group(2))});
            }
            assertEquals(5, estimates.size(), p.group());
            // σ̂²/((α/|B|)(μ² − κ)) is of order 1.5–2 at α/|B| = 0.1/16 (physics.md §7), and the rescaled
            // spacing follows the Wigner surmise, ⟨s²⟩ = 4/π, within 5 of its blocked-jackknife errors.
            double coefficient = estimates.get(2)[0];
            assertTrue(coefficient > 1.2 && coefficient < 2.3, () -> "coefficient " + coefficient + ": " + p.group());
            double[] s2 = estimates.get(3);
            assertEquals(4 / Math.PI, s2[0], 5 * s2[1], () -> "⟨s²⟩: " + p.group());
            assertTrue(Long.parseLong(p.group(3)) > 0, () -> "no samples: " + p.group());
        }
        assertEquals(Map.of("1-2", "7.618", "3-4", "6.618", "5-6", "5.382", "7-8", "4.382"), pairs, out);
        assertEquals(List.of("1-2", "3-4", "5-6", "7-8"), new ArrayList<>(pairs.keySet()));
    }

    @Test
    void trainTeacherStudentPrintsTheSplittingOfTheSingularValues() {
        Run run = execute("train", "--model", "teacher-student", "--steps", "20000");
        assertEquals(0, run.exitCode(), run::toString);
        String out = run.out();
        assertTrue(out.contains("Splitting S = ξ₂ − ξ₁ of the singular values"), out);
        Matcher m = Pattern.compile("samples (\\d+)\\s+⟨S⟩ = ([\\d.]+) ± [\\d.]+\\s+⟨S⟩/√\\(αε²/\\|B\\|\\) = ([\\d.]+) ± ([\\d.]+)")
                .matcher(out);
        assertTrue(m.find(), () -> "no splitting line:\n" + out);
        assertTrue(Long.parseLong(m.group(1)) > 100, m.group());
        double ratio = Double.parseDouble(m.group(3));
        // physics.md §6 predicts ⟨S⟩/√(αε²/|B|) ≈ 1.8–1.9; a generous band around it.
        assertTrue(ratio > 1.5 && ratio < 2.3, m.group());
    }

    // ---- demo --------------------------------------------------------------------------------------------

    @Test
    void demoWithADurationServesAndStopsByItself() throws InterruptedException {
        AtomicInteger exit = new AtomicInteger(Integer.MIN_VALUE);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Thread demo = new Thread(() -> {
            CommandLine cmd = DysonMonitor.commandLine();
            cmd.setOut(new PrintWriter(out, true));
            cmd.setErr(new PrintWriter(err, true));
            exit.set(cmd.execute("demo", "--port", "0", "--duration", "5s"));
        }, "demo-under-test");
        demo.start();
        demo.join(60_000); // a hang guard, not a measurement: the demo stops itself after 5 s
        assertFalse(demo.isAlive(), () -> "demo --duration 5s was still running after 60 s:\n" + out);
        String printed = out.toString();
        assertAll(
                () -> assertEquals(0, exit.get(), () -> "stderr:\n" + err),
                () -> assertTrue(printed.matches("(?s)dyson-monitor demo on http://127\\.0\\.0\\.1:\\d+\n.*"), printed),
                () -> assertTrue(printed.contains("/metrics"), printed),
                () -> assertTrue(printed.contains("Runs: rbm-a0.1-b4, rbm-a0.1-b16, rbm-a0.1-b64, rbm-a0.05-b16, "
                        + "teacher-student"), printed),
                () -> assertTrue(printed.endsWith("dyson-monitor stopped\n"), printed));
    }
}

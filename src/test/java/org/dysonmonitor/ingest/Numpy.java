package org.dysonmonitor.ingest;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python script with numpy for the interoperability tests. numpy is the reference writer and reader
 * of the format, so these tests must not be skipped quietly: if python3 or numpy is missing, the test
 * fails and says how to fix the machine. Set {@code DYSON_PYTHON} to use another interpreter.
 */
public final class Numpy {

    private static final long TIMEOUT_SECONDS = 120;

    private Numpy() {
    }

    /**
     * Runs {@code script} with {@code args} and returns its standard output; fails the test if the
     * interpreter cannot start, numpy cannot be imported, or the script exits with an error.
     */
    public static String run(Path workDir, String script, String... args) {
        String python = System.getenv().getOrDefault("DYSON_PYTHON", "python3");
        List<String> command = new ArrayList<>(List.of(python, "-c", script));
        command.addAll(List.of(args));
        Path stdout = workDir.resolve("python-stdout.txt");
        Path stderr = workDir.resolve("python-stderr.txt");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
        } catch (IOException e) {
            return fail("cannot start '" + python + "' (" + e.getMessage() + "): the numpy interoperability "
                    + "tests need python3 with numpy 2.x on the PATH (e.g. apt-get install python3-numpy or "
                    + "pip install 'numpy>=2'), or DYSON_PYTHON pointing at such an interpreter");
        }
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return fail(python + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String err = Files.readString(stderr, StandardCharsets.UTF_8);
            if (err.contains("No module named 'numpy'")) {
                return fail("numpy is not installed for '" + python + "': the numpy interoperability tests need "
                        + "it (pip install 'numpy>=2' or apt-get install python3-numpy)");
            }
            if (process.exitValue() != 0) {
                return fail(python + " exited with " + process.exitValue() + ":\n" + err);
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return fail("cannot read the output of " + python + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while waiting for " + python);
        }
    }
}

package org.dysonmonitor.rmt;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python script with numpy and scipy for an independent reference computation and returns its
 * standard output. Fails (never skips) when the interpreter or scipy is missing, naming the fix; set
 * {@code DYSON_PYTHON} to use another interpreter than /usr/bin/python3.
 */
final class ScipyReference {

    private ScipyReference() {
    }

    static String run(String script) {
        String python = System.getenv().getOrDefault("DYSON_PYTHON", "/usr/bin/python3");
        try {
            Path out = Files.createTempFile("scipy-reference", ".txt");
            Path err = Files.createTempFile("scipy-reference", ".err");
            try {
                Process p = new ProcessBuilder(python, "-c", script)
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return fail(python + " did not finish within 120 s");
                }
                if (p.exitValue() != 0) {
                    return fail(python + " with numpy and scipy is needed for this reference (apt-get install"
                            + " python3-scipy); it exited with " + p.exitValue() + ":\n" + Files.readString(err));
                }
                return Files.readString(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return fail("cannot run " + python + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }
}

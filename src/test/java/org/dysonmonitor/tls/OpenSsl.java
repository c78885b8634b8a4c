package org.dysonmonitor.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The {@code openssl} command line (Debian's openssl package), as an independent maker and checker of keys and certificates. */
public final class OpenSsl {

    /** What openssl printed (stdout and stderr) and its exit code. */
    public record Result(int exitCode, String output) {
    }

    private OpenSsl() {
    }

    public static Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return fail("openssl is not installed (apt-get install openssl): " + e.getMessage());
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl " + args[0] + " hung");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Runs openssl and fails the test unless it exits 0. */
    public static String ok(Path dir, String... args) throws IOException, InterruptedException {
        Result r = run(dir, args);
        assertTrue(r.exitCode() == 0, () -> "openssl " + String.join(" ", args) + " failed:\n" + r.output());
        return r.output();
    }
}

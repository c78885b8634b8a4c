package org.dysonmonitor.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Python client installed as a user without a package index installs it: a venv made by Debian's
 * {@code /usr/bin/python3} with {@code --system-site-packages} (numpy and torch come from Debian), then
 * {@code pip install --no-build-isolation} of a copy of {@code clients/python}, so that nothing is
 * built inside the source tree and the tests import the installed package, not the sources.
 */
final class PythonVenv {

    /** Debian's interpreter: python3-numpy, python3-torch, python3-venv, python3-pip, python3-setuptools. */
    static final String SYSTEM_PYTHON = "/usr/bin/python3";
    private static final String PACKAGES = "apt-get install python3-venv python3-pip python3-setuptools "
            + "python3-wheel python3-numpy python3-torch";

    /** What a process printed (stdout and stderr together) and its exit code. */
    record Result(int exitCode, String output) { }

    private final Path home;
    private final Path sources;

    private PythonVenv(Path home, Path sources) {
        this.home = home;
        this.sources = sources;
    }

    /** A fresh venv under {@code dir} with {@code clientSources} (a copy of it) installed; fails saying why not. */
    static PythonVenv install(Path clientSources, Path dir) throws IOException, InterruptedException {
        Path copy = dir.resolve("client-src");
        copyTree(clientSources, copy);
        PythonVenv venv = new PythonVenv(dir.resolve("venv"), copy);
        venv.require(run(dir, Map.of(), 120, SYSTEM_PYTHON, "-m", "venv", "--system-site-packages",
                venv.home.toString()), "python3 -m venv --system-site-packages");
        venv.require(run(dir, Map.of("PIP_DISABLE_PIP_VERSION_CHECK", "1"), 180, venv.python().toString(), "-m",
                "pip", "install", "--no-build-isolation", "--no-index", "--no-cache-dir", copy.toString()),
                "pip install --no-build-isolation ./clients/python");
        return venv;
    }

    Path home() {
        return home;
    }

    /** The installed copy's directory (its tests are under {@code tests}). */
    Path sources() {
        return sources;
    }

    Path python() {
        return home.resolve("bin").resolve("python");
    }

    /** Runs the venv's python with {@code args} in {@code dir}; output is kept, a hang fails after {@code seconds}. */
    Result python(Path dir, Map<String, String> env, int seconds, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(python().toString());
        command.addAll(List.of(args));
        return run(dir, env, seconds, command.toArray(String[]::new));
    }

    private void require(Result result, String what) {
        if (result.exitCode() != 0) {
            fail(what + " failed (exit " + result.exitCode() + "; Debian needs: " + PACKAGES + "):\n"
                    + result.output());
        }
    }

    private static Result run(Path dir, Map<String, String> env, int seconds, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return fail("cannot run " + command[0] + " (" + PACKAGES + "): " + e.getMessage());
        }
        p.getOutputStream().close();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return fail(String.join(" ", command) + " did not finish in " + seconds + " s");
        }
        try {
            return new Result(p.exitValue(), output.get(10, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return fail("cannot read the output of " + command[0] + ": " + e);
        }
    }

    /** Copies the client's sources, leaving out what a build or a test run left behind. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path relative = from.relativize(path);
                String text = relative.toString();
                if (text.startsWith("build") || text.contains("egg-info") || text.contains("__pycache__")) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}

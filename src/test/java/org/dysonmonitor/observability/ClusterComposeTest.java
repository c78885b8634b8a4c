package org.dysonmonitor.observability;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.cluster.yml without Docker: scripts/observability/cluster_compose.py parses it
 * (PyYAML) and checks three nodes whose seeds are their own cluster host:ports, distinct ports,
 * Prometheus scraping exactly their /metrics ports ({@code promtool check config}), non-root,
 * read-only monitors with only the data directory and /tmp writable, and the store password only
 * from a Docker secret file. The same check must reject copies broken in one place each.
 */
class ClusterComposeTest {

    private static final Path COMPOSE = Path.of("docker-compose.cluster.yml");

    @Test
    void theClusterProfilePasses() throws Exception {
        Result r = check(COMPOSE);
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("cluster compose: OK"), r.output);
    }

    @Test
    void aPasswordOnTheCommandLineOrInTheEnvironmentIsRejected() throws Exception {
        Result cmd = checkEdited("--store-password-file, /run/secrets/store_password", "--store-password, hunter2");
        assertEquals(1, cmd.exit, cmd.output);
        assertTrue(cmd.output.contains("node1: a password option on the command line"), cmd.output);

        Result env = checkEdited("    MODE: serve\n", "    MODE: serve\n    DYSON_STORE_PASSWORD: hunter2\n");
        assertEquals(1, env.exit, env.output);
        assertTrue(env.output.contains("a password in the environment (DYSON_STORE_PASSWORD)"), env.output);
    }

    @Test
    void aWritableRootOrARootUserIsRejected() throws Exception {
        Result writable = checkEdited("read_only: true", "read_only: false");
        assertEquals(1, writable.exit, writable.output);
        assertTrue(writable.output.contains("node2 needs read_only: true"), writable.output);

        Result root = checkEdited("    hostname: node3\n", "    hostname: node3\n    user: root\n");
        assertEquals(1, root.exit, root.output);
        assertTrue(root.output.contains("node3 runs as root"), root.output);
    }

    @Test
    void seedsAndScrapeTargetsMustMatchTheNodesPorts() throws Exception {
        Result seed = checkEdited("--cluster-port, \"25523\"", "--cluster-port, \"25524\"");
        assertEquals(1, seed.exit, seed.output);
        assertTrue(seed.output.contains("are not the nodes' --cluster-host:--cluster-port"), seed.output);

        Result port = checkEdited("[--port, \"8083\"", "[--port, \"8084\"");
        assertEquals(1, port.exit, port.output);
        assertTrue(port.output.contains("prometheus scrapes ['node1:8081', 'node2:8082', 'node3:8083']"), port.output);
    }

    private static Result checkEdited(String from, String to) throws Exception {
        String text = Files.readString(COMPOSE);
        assertTrue(text.contains(from), "the compose file contains " + from);
        // Next to the original, so that its relative paths (./prometheus, ./compose) still resolve.
        Path copy = Files.createTempFile(Path.of("."), "cluster-compose-", ".yml");
        try {
            Files.writeString(copy, text.replace(from, to));
            return check(copy);
        } finally {
            Files.delete(copy);
        }
    }

    private static Result check(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/python3", "-B", "scripts/observability/cluster_compose.py", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the check finished");
        return new Result(p.exitValue(), output);
    }

    private record Result(int exit, String output) {
    }
}

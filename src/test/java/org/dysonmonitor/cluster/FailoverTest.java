package org.dysonmonitor.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.ingest.WeightMatrix;
import org.dysonmonitor.store.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failover with real parts: a PostgreSQL of the test's own (initdb, pg_ctl) and three monitor
 * processes ({@code serve --cluster}, each its own JVM) on loopback. Runs post to all three; the
 * node hosting the most layer entities is killed with SIGKILL; the split brain resolver removes it,
 * its entities start on the survivors with their running statistics restored from the store's
 * checkpoints, the runs go on, and the ledger's identity received = processed + dropped + rejected
 * + lost holds exactly over the cluster, with the dead node's in-flight snapshots counted as lost.
 * A node stopped with SIGTERM instead leaves gracefully: its layers move while the posts go on and
 * count exactly the snapshots the ledger says were processed.
 */
class FailoverTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern URL = Pattern.compile("serving on (http://\\S+)");
    private static final int LAYERS = 6;
    private static final int N = 10;

    private final List<Process> processes = new ArrayList<>();
    private PostgresServer postgres;

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        if (postgres != null) {
            postgres.close();
        }
    }

    /** One node with this test's classpath, as {@code java -jar} runs it; the password comes from a file. */
    private String startNode(int index, int clusterPort, int seedPort) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", System.getProperty("java.class.path"), "org.dysonmonitor.cli.DysonMonitor",
                "serve", "--port", "0", "--cluster", "--cluster-port", String.valueOf(clusterPort),
                "--seed-nodes", "127.0.0.1:" + seedPort, "--store", postgres.url(),
                "--store-password-file", postgres.passwordFile().toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Path log = Path.of("target", "failover-node-" + index + ".log");
        PrintWriter w = new PrintWriter(Files.newBufferedWriter(log), true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            w.println(line);
            Matcher m = URL.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try (w) {
                        out.lines().forEach(w::println);
                    } catch (java.io.UncheckedIOException e) {
                        // the process is gone; its log ends here
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
        }
        w.close();
        throw new AssertionError("node " + index + " did not start; see " + log);
    }

    /** A client posting every layer in turn to one node, counting what it was told. */
    private static final class Poster extends Thread {
        final String url;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong accepted = new AtomicLong();
        /** Posts whose answer never came (the node died): they may or may not have been received. */
        final AtomicLong unanswered = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        /** Per layer, the posts answered 202 once {@link #killed} was set. */
        final AtomicLong[] acceptedAfterKill = new AtomicLong[LAYERS];
        static final AtomicBoolean killed = new AtomicBoolean();
        private final SplittableRandom random;
        private long step;

        Poster(String url, long seed) {
            this.url = url;
            this.random = new SplittableRandom(seed);
            for (int i = 0; i < LAYERS; i++) {
                acceptedAfterKill[i] = new AtomicLong();
            }
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running.get()) {
                String layer = "L" + (step % LAYERS);
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/runs/failover/layers/"
                                    + layer + "/snapshots?step=" + step)).timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/x-npy")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(NpyEncoder.encode(weights()))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 202) {
                        accepted.incrementAndGet();
                        if (killed.get()) {
                            acceptedAfterKill[(int) (step % LAYERS)].incrementAndGet();
                        }
                    } else {
                        refused.incrementAndGet();
                    }
                } catch (IOException e) {
                    unanswered.incrementAndGet();
                    return; // this node is gone
                } catch (InterruptedException e) {
                    return;
                }
                step++;
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** W = diag(√x), x around the RBM's target: the eigenvalues of WᵀW are x. */
        private WeightMatrix weights() {
            double[] w = new double[N * N];
            for (int i = 0; i < N; i++) {
                double x = 1 + 0.4 * i + 0.05 * random.nextGaussian();
                w[i * N + i] = Math.sqrt(Math.max(x, 1e-3));
            }
            return WeightMatrix.of(N, N, w, false);
        }
    }

    /** A PostgreSQL of the test's own, three nodes up on it, and the run {@code failover} (every snapshot processed). */
    private List<String> startCluster() throws Exception {
        Assumptions.assumeTrue(PostgresServer.available(), "Debian's postgresql is not installed");
        postgres = PostgresServer.start();
        int[] ports = {freePort(), freePort(), freePort()};
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            urls.add(startNode(i, ports[i], ports[0]));
        }
        awaitMembers(urls.get(2), 3);
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(urls.get(0) + "/api/v1/runs/failover"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"learning_rate\": 0.1, \"batch_size\": 16, \"policy\": \"all\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());
        Poster.killed.set(false);
        return urls;
    }

    @Test
    void aKilledNodesLayersComeBackOnTheOthersAndEverySnapshotIsAccountedFor() throws Exception {
        List<String> urls = startCluster();
        // The store's password is in a file: no process's command line shows it.
        Process ps = new ProcessBuilder("ps", "-eo", "args").redirectErrorStream(true).start();
        String commandLines = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(commandLines.contains("--store-password-file"), "ps does not list the nodes");
        assertTrue(!commandLines.contains(postgres.password()), "a command line shows the store's password");

        List<Poster> posters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            posters.add(new Poster(urls.get(i), 100 + i));
        }
        posters.forEach(Thread::start);
        // Long enough for every layer to have checkpoints (every 5 s) behind it.
        Thread.sleep(12_000);

        int victim = hostingMost(urls);
        Map<String, Long> before = snapshotsPerLayer(urls.get((victim + 1) % 3));
        Poster.killed.set(true);
        processes.get(victim).destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL
        List<String> survivors = new ArrayList<>(urls);
        survivors.remove(victim);
        awaitMembers(survivors.get(0), 2);
        // The runs go on: the survivors' posts are processed by entities restored from the checkpoints.
        Thread.sleep(10_000);
        posters.forEach(p -> p.running.set(false));
        for (Poster p : posters) {
            p.join(60_000);
        }

        Map<String, Long> after = awaitSnapshotsSettled(survivors.get(0));
        long resumed = 0;
        for (String url : survivors) {
            resumed += (long) gauge(get(url + "/metrics"), "dyson_cluster_entity_resumes_total");
        }
        assertTrue(resumed >= 1, "no entity resumed from a checkpoint on a survivor");
        for (int i = 0; i < LAYERS; i++) {
            String layer = "L" + i;
            int l = i;
            long since = posters.stream().mapToLong(p -> p.acceptedAfterKill[l].get()).sum();
            // Statistics resumed, not restarted: the layer counts more snapshots than were posted since
            // the kill (a restart from nothing would count at most those), and at most every one posted.
            assertTrue(after.get(layer) > since && before.getOrDefault(layer, 0L) > 0,
                    layer + ": " + before.get(layer) + " snapshots before the kill, " + since + " posted since, "
                            + after.get(layer) + " counted after");
        }

        JsonNode accounting = JSON.readTree(get(survivors.get(0) + "/api/v1/cluster/accounting?run=failover"));
        long received = accounting.get("received").asLong();
        long lost = 0;
        for (JsonNode row : accounting.get("layers")) {
            lost += row.get("lost").asLong();
        }
        assertEquals(0, accounting.get("in_flight").asLong(), "received ≠ processed + dropped + rejected + lost: " + accounting);
        long accepted = posters.stream().mapToLong(p -> p.accepted.get()).sum();
        long unanswered = posters.stream().mapToLong(p -> p.unanswered.get()).sum();
        long refused = posters.stream().mapToLong(p -> p.refused.get()).sum();
        // Every 202 is in the ledger (the answer waits for its commit); a post the dead node never answered may be too.
        assertTrue(received >= accepted && received <= accepted + unanswered + refused,
                "ledger received " + received + ", clients were answered 202 " + accepted + " times, "
                        + unanswered + " posts unanswered, " + refused + " refused");
        // At most what the dead node held: per layer its queue (4) and the stream's in flight (4), and its open requests.
        assertTrue(lost <= LAYERS * 8L + 1, "lost " + lost);
        long lostMetric = 0;
        for (String url : survivors) {
            lostMetric += (long) sum(get(url + "/metrics"), "dyson_snapshots_lost_total");
        }
        assertEquals(lost, lostMetric, "the survivors' dyson_snapshots_lost_total against the ledger");
        System.out.printf("failover: %d received, %d answered 202, %d unanswered, %d lost, %d entities resumed%n",
                received, accepted, unanswered, lost, resumed);
    }

    @Test
    void aNodeThatLeavesHandsItsLayersOverWithNothingLost() throws Exception {
        List<String> urls = startCluster();
        Poster poster = new Poster(urls.get(0), 7);
        poster.start();
        Thread.sleep(3_000);
        // The node that leaves: of the two nobody posts to, the one hosting more layers (SIGTERM: Akka's
        // coordinated shutdown leaves the cluster and hands its shards over while the posts go on).
        int leaver = 1 + hostingMost(urls.subList(1, 3));
        assertTrue(gauge(get(urls.get(leaver) + "/metrics"), "dyson_cluster_entities") > 0, "the leaver hosts no layer");
        processes.get(leaver).destroy();
        assertTrue(processes.get(leaver).waitFor(60, TimeUnit.SECONDS), "the leaving node did not exit");
        awaitMembers(urls.get(0), 2);
        Thread.sleep(3_000);
        poster.running.set(false);
        poster.join(60_000);

        // Each layer's statistics count exactly the snapshots the ledger says were processed: a layer that
        // moved resumed from the checkpoint it wrote as it left, not from an older one.
        Map<String, Long> snapshots = awaitSnapshotsSettled(urls.get(0));
        JsonNode accounting = JSON.readTree(get(urls.get(0) + "/api/v1/cluster/accounting?run=failover"));
        long processed = 0;
        for (JsonNode row : accounting.get("layers")) {
            String layer = row.get("layer").asText();
            long rowProcessed = row.get("processed").asLong();
            processed += rowProcessed;
            assertEquals(rowProcessed, snapshots.get(layer), layer + " of " + accounting);
            assertEquals(0, row.get("lost").asLong(), "a graceful leave lost snapshots: " + row);
        }
        assertTrue(processed > 100, "processed " + processed);
        long resumed = 0;
        for (int i = 0; i < 3; i++) {
            resumed += i == leaver ? 0 : (long) gauge(get(urls.get(i) + "/metrics"), "dyson_cluster_entity_resumes_total");
        }
        assertTrue(resumed >= 1, "no layer moved to a remaining node");
        System.out.printf("graceful leave: %d processed, %d refused, %d layers resumed%n", processed,
                poster.refused.get(), resumed);
    }

    private static int hostingMost(List<String> urls) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            int best = -1;
            double most = 0;
            for (int i = 0; i < urls.size(); i++) {
                double n = gauge(get(urls.get(i) + "/metrics"), "dyson_cluster_entities");
                if (n > most) {
                    most = n;
                    best = i;
                }
            }
            if (best >= 0) {
                return best;
            }
            assertTrue(System.nanoTime() < deadline, "no node reports hosting an entity");
            Thread.sleep(500);
        }
    }

    private static Map<String, Long> snapshotsPerLayer(String url) throws Exception {
        Map<String, Long> counts = new HashMap<>();
        for (int i = 0; i < LAYERS; i++) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/runs/failover/layers/L" + i))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            counts.put("L" + i, r.statusCode() == 200 ? JSON.readTree(r.body()).get("snapshots").asLong() : 0L);
        }
        return counts;
    }

    /** The layers' snapshot counts once the cluster's ledger has nothing in flight. */
    private static Map<String, Long> awaitSnapshotsSettled(String url) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            JsonNode accounting = JSON.readTree(get(url + "/api/v1/cluster/accounting?run=failover"));
            if (accounting.get("in_flight").asLong() == 0) {
                return snapshotsPerLayer(url);
            }
            assertTrue(System.nanoTime() < deadline, "snapshots still in flight after 90 s: " + accounting);
            Thread.sleep(500);
        }
    }

    private static void awaitMembers(String url, int up) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/cluster"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            int count = 0;
            if (r.statusCode() == 200) {
                for (JsonNode m : JSON.readTree(r.body()).get("members")) {
                    count += m.get("status").asText().equals("up") ? 1 : 0;
                }
                if (count == up && JSON.readTree(r.body()).get("members").size() == up) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "cluster did not reach " + up + " members: " + r.body());
            Thread.sleep(250);
        }
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return r.body();
    }

    private static double gauge(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static double sum(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(scrape);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

package org.dysonmonitor.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.ClusterShardingQuery;
import akka.cluster.sharding.typed.GetClusterShardingStats;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.cluster.ClusterConfig;
import org.dysonmonitor.cluster.ClusterNode;
import org.dysonmonitor.cluster.LayerEntity;
import org.dysonmonitor.linalg.SolverSelection;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.Observation;
import org.dysonmonitor.monitor.SpectrumActor;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The cluster's own cost per snapshot, on loopback: an observation's CBOR serialization through
 * Akka's {@link SerializationExtension} (the serializer the nodes really use, bound to
 * {@code ClusterMessage}), and the round trip of an observation to a layer's entity on the other
 * node against one on the same node, on two monitor nodes (two actor systems on 127.0.0.1 in this
 * JVM) over Artery TCP or over Artery's TLS with mutual authentication. Where an entity lives is read
 * from each node's shard region ({@link GetShardRegionState}), not guessed.
 *
 * <p>Nothing waits unbounded: the start waits at most a minute for both members up and both shard
 * regions registered with the coordinator, every ask has {@link #ASK}, the round trips a deadline,
 * and a failure says what each node saw.
 */
final class ClusterScaleBenchCluster implements AutoCloseable {

    /** An observation's serialization: CPU seconds of serialize + deserialize, and bytes on the wire. */
    record Wire(int n, double roundTripSeconds, int observeBytes, int replyBytes) {
    }

    /**
     * Median wall seconds of an observation's ask to an entity on the same node and on the other node,
     * and the median CPU seconds this JVM's threads (both nodes) spent on one to the other node (NaN when
     * the JVM does not measure thread CPU).
     */
    record RoundTrips(int n, double local, double remote, double remoteCpu, int samples) {
    }

    /** Artery's transport of the two nodes: plain TCP, or TLS with each node's PEM files (node i: files i). */
    record Transport(String name, List<ClusterTlsFiles.Node> tls) {

        static Transport tcp() {
            return new Transport("tcp", List.of());
        }

        static Transport tls(ClusterTlsFiles files) {
            return new Transport("tls-tcp", files.nodes());
        }
    }

    /** A layer whose entity node 0 hosts and one whose entity node 1 hosts. */
    private record Placement(String local, String remote) {
    }

    /** Each ask's timeout: a loopback round trip takes milliseconds, even on a loaded machine. */
    static final Duration ASK = Duration.ofSeconds(10);
    private static final Duration START = Duration.ofMinutes(1);

    private final Transport transport;
    private final List<Monitor> nodes = new ArrayList<>();

    /**
     * Starts two nodes and waits until both see both members up and the coordinator has both shard
     * regions (a region registers a little after its member is up; a shard allocated before goes to the
     * other node and stays there).
     */
    ClusterScaleBenchCluster(SolverSelection solvers, Transport transport) throws Exception {
        this(solvers, transport, START);
    }

    /** As above, waiting at most {@code start} for each of the two. */
    ClusterScaleBenchCluster(SolverSelection solvers, Transport transport, Duration start) throws Exception {
        this.transport = transport;
        int[] ports = {freePort(), freePort()};
        List<ClusterConfig.Seed> seeds = List.of(new ClusterConfig.Seed("127.0.0.1", ports[0]));
        try {
            for (int i = 0; i < ports.length; i++) {
                Config config = ClusterConfig.of(ConfigFactory.parseMap(Map.of(
                                "akka.cluster.jmx.multi-mbeans-in-same-jvm", "on",
                                // Entities stay where they were first allocated: a rebalance (every 10 s by
                                // default) would move a layer between its placement and its samples.
                                "akka.cluster.sharding.rebalance-interval", "1h",
                                "akka.cluster.sharding.shard-region-query-timeout", "10s",
                                "akka.loglevel", "WARNING"))
                        .withFallback(ConfigFactory.load()), "127.0.0.1", ports[i], seeds, -1);
                if (!transport.tls().isEmpty()) {
                    ClusterTlsFiles.Node files = transport.tls().get(i);
                    config = ClusterConfig.withTls(config, files.cert(), files.key(), files.ca());
                }
                nodes.add(Monitor.start(ClusterConfig.SYSTEM_NAME, config, solvers, new ClusterNode(null)));
            }
            await(start, () -> up(nodes.get(0).system()) == 2 && up(nodes.get(1).system()) == 2,
                    "the two nodes did not both see two members up");
            await(start, () -> regions().size() == 2, "the coordinator did not list both nodes' shard regions");
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private void await(Duration bound, BooleanSupplier done, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(failure + " within " + bound.toSeconds() + " s: " + describe());
            }
            Thread.sleep(100);
        }
    }

    /** A full spectrum's observation as the receiving node sends it: no baseline, no target. */
    static Observation observation(String layer, int n, long step, double[] eigenvalues) {
        return new Observation("scale", layer, n, n, step, eigenvalues, false, 0.1, 16, null, new double[0],
                1_000_000L, null);
    }

    /** Serialize + deserialize of an {@link LayerEntity.Observe} of n eigenvalues with the node's own serializer. */
    Wire wire(double[] eigenvalues, double budget, Stopwatch.Clock clock) {
        ActorSystem<?> system = nodes.get(0).system();
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(system));
        ActorRef<SpectrumActor.ProcessReply> replyTo = system.systemActorOf(
                Behaviors.<SpectrumActor.ProcessReply>ignore(), "scale-reply-" + eigenvalues.length, Props.empty());
        LayerEntity.Observe observe = new LayerEntity.Observe(
                observation("W", eigenvalues.length, 1, eigenvalues), replyTo);
        Serializer serializer = serialization.findSerializerFor(observe);
        String manifest = Serializers.manifestFor(serializer, observe);
        byte[][] last = new byte[1][];
        Stopwatch.Timing t = Stopwatch.measure(() -> {
            byte[] bytes = serialization.serialize(observe).get();
            LayerEntity.Observe back = (LayerEntity.Observe) serialization.deserialize(bytes, serializer.identifier(),
                    manifest).get();
            if (back.observation().values().length != eigenvalues.length) {
                throw new IllegalStateException("an observation lost eigenvalues on the way: "
                        + back.observation().values().length);
            }
            last[0] = bytes;
        }, new Stopwatch.Rule(5, 2000, budget, 0.5, Double.POSITIVE_INFINITY, clock));
        byte[] reply = serialization.serialize(new SpectrumActor.Processed(1)).get();
        return new Wire(eigenvalues.length, t.medianSeconds(), last[0].length, reply.length);
    }

    /**
     * The round trips of {@code samples} observations of the layer's spectrum on each cluster, asked of
     * node 0's sharding alternately for an entity node 0 hosts and one node 1 hosts, the clusters taking
     * turns sample by sample (a change of the shared machine's load hits all alike); the medians of
     * their wall times, one per cluster. Throws IllegalStateException after {@code deadline} (nanoTime).
     */
    static List<RoundTrips> interleaved(List<ClusterScaleBenchCluster> clusters, double[] eigenvalues, int samples,
                                        long deadline) throws Exception {
        List<Placement> placements = new ArrayList<>();
        for (ClusterScaleBenchCluster c : clusters) {
            placements.add(c.place(eigenvalues, deadline));
        }
        // Untimed first: the first observations run interpreted code.
        int warmUp = Math.max(5, samples / 4);
        for (int i = 0; i < warmUp; i++) {
            for (int k = 0; k < clusters.size(); k++) {
                clusters.get(k).observe(placements.get(k).local(), i + 1, eigenvalues);
                clusters.get(k).observe(placements.get(k).remote(), i + 1, eigenvalues);
            }
        }
        double[][] near = new double[clusters.size()][samples];
        double[][] far = new double[clusters.size()][samples];
        double[][] farCpu = new double[clusters.size()][samples];
        for (int i = 0; i < samples; i++) {
            for (int k = 0; k < clusters.size(); k++) {
                ClusterScaleBenchCluster c = clusters.get(k);
                c.checkDeadline(deadline, "the round trips of " + eigenvalues.length + " eigenvalues");
                long t0 = System.nanoTime();
                c.observe(placements.get(k).local(), warmUp + i + 1, eigenvalues);
                long t1 = System.nanoTime();
                long cpu = threadsCpuNanos();
                c.observe(placements.get(k).remote(), warmUp + i + 1, eigenvalues);
                farCpu[k][i] = (threadsCpuNanos() - cpu) * 1e-9;
                near[k][i] = (t1 - t0) * 1e-9;
                far[k][i] = (System.nanoTime() - t1) * 1e-9;
            }
        }
        List<RoundTrips> out = new ArrayList<>();
        for (int k = 0; k < clusters.size(); k++) {
            out.add(new RoundTrips(eigenvalues.length, Stopwatch.median(near[k]), Stopwatch.median(far[k]),
                    threadsCpuNanos() < 0 ? Double.NaN : Stopwatch.median(farCpu[k]), samples));
        }
        return out;
    }

    /** Layers observed one by one until one's entity is on node 0 and one's on node 1 (both regions take shards). */
    private Placement place(double[] eigenvalues, long deadline) throws Exception {
        int n = eigenvalues.length;
        String local = null;
        String remote = null;
        for (int i = 0; local == null || remote == null; i++) {
            checkDeadline(deadline, "placing layers of " + n + " eigenvalues on both nodes (" + i + " layers so far, "
                    + (local == null ? "none" : "one") + " on node 0, " + (remote == null ? "none" : "one") + " on node 1)");
            String layer = "n" + n + "-" + i;
            observe(layer, 0, eigenvalues);
            String id = LayerEntity.entityId("scale", layer);
            if (entities(0).contains(id)) {
                local = local == null ? layer : local;
            } else if (entities(1).contains(id)) {
                remote = remote == null ? layer : remote;
            } else {
                throw new IllegalStateException("the entity of " + layer + " answered but neither region lists it: "
                        + describe());
            }
        }
        return new Placement(local, remote);
    }

    private void checkDeadline(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(transport.name() + " pair: the bench's deadline passed during " + what
                    + ": " + describe());
        }
    }

    private void observe(String layer, long step, double[] eigenvalues) throws Exception {
        // A fresh copy per message, as a receiving node sends its own (an observation's arrays are never reused).
        Observation o = observation(layer, eigenvalues.length, step, Arrays.copyOf(eigenvalues, eigenvalues.length));
        SpectrumActor.ProcessReply reply = get(ClusterSharding.get(nodes.get(0).system())
                .entityRefFor(LayerEntity.KEY, LayerEntity.entityId("scale", layer))
                .ask(replyTo -> new LayerEntity.Observe(o, replyTo), ASK), "an observation of " + layer);
        if (!(reply instanceof SpectrumActor.Processed)) {
            throw new IllegalStateException("the entity of " + layer + " refused an observation: " + reply);
        }
    }

    /** The entity ids node {@code i}'s shard region hosts; a shard that did not answer the query is asked again. */
    private Set<String> entities(int i) throws Exception {
        ActorSystem<?> system = nodes.get(i).system();
        for (int attempt = 1; ; attempt++) {
            ShardRegion.CurrentShardRegionState state = get(AskPattern.<ClusterShardingQuery,
                            ShardRegion.CurrentShardRegionState>ask(ClusterSharding.get(system).shardState(),
                            replyTo -> new GetShardRegionState(LayerEntity.KEY, replyTo), ASK, system.scheduler()),
                    "node " + i + "'s shard region state");
            if (state.getFailed().isEmpty() || attempt == 3) {
                Set<String> ids = new HashSet<>();
                state.getShards().forEach(s -> ids.addAll(s.getEntityIds()));
                return ids;
            }
        }
    }

    /** The shard regions the coordinator knows, by node address (empty when it does not answer in time). */
    private Map<String, Integer> regions() {
        ActorSystem<?> system = nodes.get(0).system();
        try {
            ShardRegion.ClusterShardingStats stats = AskPattern.<ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
                            ClusterSharding.get(system).shardState(),
                            replyTo -> new GetClusterShardingStats(LayerEntity.KEY, Duration.ofSeconds(3), replyTo),
                            ASK, system.scheduler())
                    .toCompletableFuture().get(ASK.toSeconds(), TimeUnit.SECONDS);
            Map<String, Integer> regions = new TreeMap<>();
            stats.getRegions().forEach((address, s) -> regions.put(address.toString(), s.getStats().size()));
            return regions;
        } catch (ExecutionException | TimeoutException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /** What each node sees, for a failure's message. */
    String describe() {
        StringBuilder s = new StringBuilder(transport.name()).append(" pair");
        for (int i = 0; i < nodes.size(); i++) {
            Cluster cluster = Cluster.get(nodes.get(i).system());
            List<String> members = new ArrayList<>();
            cluster.state().getMembers().forEach(m -> members.add(m.address().hostPort() + " " + m.status()));
            List<String> unreachable = new ArrayList<>();
            cluster.state().getUnreachable().forEach(m -> unreachable.add(m.address().hostPort()));
            s.append("; node ").append(i).append(" (").append(cluster.selfMember().address().hostPort())
                    .append(") sees members ").append(members).append(", unreachable ").append(unreachable);
        }
        if (!nodes.isEmpty()) {
            s.append("; the coordinator's regions (address = shards): ").append(regions());
        }
        return s.toString();
    }

    /** The reply within {@link #ASK}, else IllegalStateException naming what was asked and what each node sees. */
    private <T> T get(CompletionStage<T> reply, String what) throws Exception {
        try {
            return reply.toCompletableFuture().get(ASK.toSeconds() + 1, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new IllegalStateException(transport.name() + " pair: no answer to " + what + " within "
                    + ASK.toSeconds() + " s (" + e + "): " + describe(), e);
        }
    }

    /**
     * CPU nanoseconds of this JVM's Java threads, summed: the four nodes' dispatchers (the sending and the
     * receiving node's work, and the little the idle other pair does meanwhile) and this one; not the JIT
     * compiler's or the collector's. Per-thread clocks, since the process's CPU time here ticks in 10 ms.
     * -1 when the JVM does not measure thread CPU.
     */
    static long threadsCpuNanos() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
                || !threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
            return -1;
        }
        long sum = 0;
        for (long ns : threads.getThreadCpuTime(threads.getAllThreadIds())) {
            sum += Math.max(0, ns); // -1: a thread that ended meanwhile
        }
        return sum;
    }

    private static int up(ActorSystem<?> system) {
        int up = 0;
        for (Member m : Cluster.get(system).state().getMembers()) {
            up += m.status() == MemberStatus.up() ? 1 : 0;
        }
        return up;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Stops the younger node first, then the oldest (which hosts the coordinator: stopped first, it would
     * hand the coordinator and its shards to a node about to stop too), each within a minute.
     */
    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            ActorSystem<?> system = nodes.get(i).system();
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(START.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                System.err.println(transport.name() + " pair: " + system.address() + " did not stop within "
                        + START.toSeconds() + " s");
            }
        }
        nodes.clear();
    }
}

package org.dysonmonitor.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.MemberStatus;
import akka.cluster.sharding.ShardRegion;
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
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's own cost per snapshot, on loopback: an observation's CBOR serialization through
 * Akka's {@link SerializationExtension} (the serializer the nodes really use, bound to
 * {@code ClusterMessage}), and the round trip of an observation to a layer's entity on the other
 * node against one on the same node, on two monitor nodes (two actor systems, Artery TCP on
 * 127.0.0.1) in this JVM. Where an entity lives is read from each node's shard region
 * ({@link GetShardRegionState}), not guessed.
 */
final class ClusterScaleBenchCluster implements AutoCloseable {

    /** An observation's serialization: CPU seconds of serialize + deserialize, and bytes on the wire. */
    record Wire(int n, double roundTripSeconds, int observeBytes, int replyBytes) {
    }

    /** Median wall seconds of an observation's ask to an entity on the same node and on the other node. */
    record RoundTrips(int n, double local, double remote, int samples) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<Monitor> nodes = new ArrayList<>();

    /** Starts two nodes and waits until both are up (at most a minute). */
    ClusterScaleBenchCluster(SolverSelection solvers) throws IOException, InterruptedException {
        int[] ports = {freePort(), freePort()};
        List<ClusterConfig.Seed> seeds = List.of(new ClusterConfig.Seed("127.0.0.1", ports[0]));
        try {
            for (int i = 0; i < ports.length; i++) {
                Config config = ClusterConfig.of(ConfigFactory.parseMap(Map.of(
                                "akka.cluster.jmx.multi-mbeans-in-same-jvm", "on",
                                "akka.loglevel", "WARNING"))
                        .withFallback(ConfigFactory.load()), "127.0.0.1", ports[i], seeds, -1);
                nodes.add(Monitor.start(ClusterConfig.SYSTEM_NAME, config, solvers, new ClusterNode(null)));
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (up(nodes.get(1).system()) < 2) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("two nodes on 127.0.0.1 did not form a cluster within a minute");
                }
                Thread.sleep(100);
            }
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
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
     * Observations of the layer's spectrum asked of node 0's sharding, alternately for an entity node 0
     * hosts and one node 1 hosts, each {@code samples} times; the medians of their wall times.
     */
    RoundTrips roundTrips(double[] eigenvalues, int samples) throws Exception {
        int n = eigenvalues.length;
        ClusterSharding sharding = ClusterSharding.get(nodes.get(0).system());
        // Sixteen layers spread over the shards: at least one lands on each node (else more are tried).
        List<String> layers = new ArrayList<>();
        String local = null;
        String remote = null;
        for (int batch = 0; batch < 8 && (local == null || remote == null); batch++) {
            List<String> started = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String layer = "n" + n + "-" + (batch * 16 + i);
                started.add(layer);
                observe(sharding, layer, 0, eigenvalues);
            }
            layers.addAll(started);
            Set<String> here = entities(nodes.get(0).system());
            Set<String> there = entities(nodes.get(1).system());
            for (String layer : started) {
                String id = LayerEntity.entityId("scale", layer);
                local = local == null && here.contains(id) ? layer : local;
                remote = remote == null && there.contains(id) ? layer : remote;
            }
        }
        if (local == null || remote == null) {
            throw new IllegalStateException(layers.size() + " layers' entities were not spread over both nodes");
        }
        double[] near = new double[samples];
        double[] far = new double[samples];
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            observe(sharding, local, i + 1, eigenvalues);
            long t1 = System.nanoTime();
            observe(sharding, remote, i + 1, eigenvalues);
            near[i] = (t1 - t0) * 1e-9;
            far[i] = (System.nanoTime() - t1) * 1e-9;
        }
        return new RoundTrips(n, Stopwatch.median(near), Stopwatch.median(far), samples);
    }

    private static void observe(ClusterSharding sharding, String layer, long step, double[] eigenvalues)
            throws Exception {
        // A fresh copy per message, as a receiving node sends its own (an observation's arrays are never reused).
        Observation o = observation(layer, eigenvalues.length, step, Arrays.copyOf(eigenvalues, eigenvalues.length));
        SpectrumActor.ProcessReply reply = sharding.entityRefFor(LayerEntity.KEY, LayerEntity.entityId("scale", layer))
                .<SpectrumActor.ProcessReply>ask(replyTo -> new LayerEntity.Observe(o, replyTo), TIMEOUT)
                .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!(reply instanceof SpectrumActor.Processed)) {
            throw new IllegalStateException("the entity of " + layer + " refused an observation: " + reply);
        }
    }

    /** The entity ids this node's shard region hosts. */
    private static Set<String> entities(ActorSystem<?> system) throws Exception {
        ShardRegion.CurrentShardRegionState state = AskPattern.<akka.cluster.sharding.typed.ClusterShardingQuery,
                        ShardRegion.CurrentShardRegionState>ask(ClusterSharding.get(system).shardState(),
                        replyTo -> new GetShardRegionState(LayerEntity.KEY, replyTo), TIMEOUT, system.scheduler())
                .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Set<String> ids = new HashSet<>();
        state.getShards().forEach(s -> ids.addAll(s.getEntityIds()));
        return ids;
    }

    private static int up(ActorSystem<?> system) {
        int up = 0;
        for (akka.cluster.Member m : Cluster.get(system).state().getMembers()) {
            up += m.status() == MemberStatus.up() ? 1 : 0;
        }
        return up;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        nodes.forEach(Monitor::close);
        nodes.clear();
    }
}

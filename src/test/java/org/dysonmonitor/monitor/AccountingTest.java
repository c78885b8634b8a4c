package org.dysonmonitor.monitor;

import org.dysonmonitor.ingest.WeightMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.dysonmonitor.monitor.MonitorFixture.eventually;
import static org.dysonmonitor.monitor.MonitorFixture.layer;
import static org.dysonmonitor.monitor.MonitorFixture.open;
import static org.dysonmonitor.monitor.MonitorFixture.random;
import static org.dysonmonitor.monitor.MonitorFixture.settled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * received = processed + dropped + rejected, exactly, for every run, under a burst from several
 * threads at once (design.md, "Snapshots and overload").
 */
class AccountingTest {

    private static final int THREADS = 4;
    private static final int PER_THREAD = 500;
    private static Monitor monitor;

    @BeforeAll
    static void start() {
        monitor = Monitor.start("accounting", MonitorFixture.config(Map.of("dyson.queue-capacity", 4, "dyson.retention", "300ms")));
    }

    @AfterAll
    static void stop() {
        MonitorFixture.finishAllAndAssertStreamsStopped(monitor);
    }

    @Test
    void latestPolicyDropsUnderABurstButAccountsForEverySnapshotAndKeepsTheNewest() throws Exception {
        LayerChannel channel = open(monitor, "burst-latest", new RunSpec(0.1, 16, OverloadPolicy.LATEST, Map.of()),
                "W", 96, 64);
        WeightMatrix w = random(96, 64, 1);
        burst(i -> {
            channel.received();
            LayerChannel.Offer offer = channel.offer(new Snapshot("burst-latest", "W", i, w, 0.1, 16));
            assertTrue(offer != LayerChannel.Offer.FULL, "latest never answers FULL");
        });
        // The newest snapshot is always kept: a full queue drops its oldest instead, so the last one
        // sent is queued at once, even straight after the burst, and processed last.
        channel.received();
        LayerChannel.Offer newest = channel.offer(new Snapshot("burst-latest", "W", 1_000_000, w, 0.1, 16));
        assertEquals(LayerChannel.Offer.QUEUED, newest, "under latest the newest snapshot is always queued");

        eventually("every snapshot accounted for", () -> settled(layer(monitor, "burst-latest", "W")));
        RunRegistry.LayerView v = layer(monitor, "burst-latest", "W");
        assertTrue(v.received() > THREADS * PER_THREAD);
        assertEquals(v.received(), v.processed() + v.dropped() + v.rejected());
        assertEquals(0, v.rejected());
        assertTrue(v.dropped() > 0, "a burst of 2000 96×64 snapshots must outrun one spectrum actor");
        assertTrue(v.processed() > 0);
        eventually("the newest snapshot's report", () -> lastStep("burst-latest") == 1_000_000);
    }

    @Test
    void allPolicyLosesNothingUnderTheSameBurst() throws Exception {
        LayerChannel channel = open(monitor, "burst-all", new RunSpec(0.1, 16, OverloadPolicy.ALL, Map.of()),
                "W", 96, 64);
        WeightMatrix w = random(96, 64, 2);
        AtomicInteger full = new AtomicInteger();
        burst(i -> {
            channel.received();
            LayerChannel.Offer offer = channel.offerWithin(new Snapshot("burst-all", "W", i, w, 0.1, 16),
                    Duration.ofSeconds(60), monitor.system()).toCompletableFuture().join();
            if (offer != LayerChannel.Offer.QUEUED) {
                full.incrementAndGet();
            }
        });
        assertEquals(0, full.get(), "with a generous timeout every snapshot is queued");
        eventually("every snapshot processed", () -> settled(layer(monitor, "burst-all", "W")));
        RunRegistry.LayerView v = layer(monitor, "burst-all", "W");
        assertEquals(THREADS * PER_THREAD, v.received());
        assertEquals(v.received(), v.processed());
        assertEquals(0, v.dropped());
        assertEquals(0, v.rejected());
    }

    @Test
    void allPolicyWithNoPatienceRejectsWhatDoesNotFitAndCountsIt() throws Exception {
        LayerChannel channel = open(monitor, "burst-impatient",
                new RunSpec(0.1, 16, OverloadPolicy.ALL, Map.of()), "W", 96, 64);
        WeightMatrix w = random(96, 64, 3);
        AtomicInteger rejected = new AtomicInteger();
        burst(i -> {
            channel.received();
            LayerChannel.Offer offer = channel.offerWithin(new Snapshot("burst-impatient", "W", i, w, 0.1, 16),
                    Duration.ZERO, monitor.system()).toCompletableFuture().join();
            if (offer == LayerChannel.Offer.FULL) {
                channel.rejected("queue_full"); // what the HTTP route does before answering 503
                rejected.incrementAndGet();
            }
        });
        eventually("every snapshot accounted for", () -> settled(layer(monitor, "burst-impatient", "W")));
        RunRegistry.LayerView v = layer(monitor, "burst-impatient", "W");
        assertTrue(rejected.get() > 0, "a zero timeout under a burst must turn some away");
        assertEquals(rejected.get(), v.rejected());
        assertEquals(0, v.dropped(), "the all policy never drops");
        assertEquals(v.received(), v.processed() + v.rejected());
    }

    private static long lastStep(String run) {
        var lookup = akka.actor.typed.javadsl.AskPattern.<RunRegistry.Command, SpectrumActor.LayerLookup>ask(
                monitor.registry(), r -> new RunRegistry.GetLayer(run, "W", r), Duration.ofSeconds(5),
                monitor.system().scheduler()).toCompletableFuture().join();
        return lookup instanceof SpectrumActor.Found f ? f.report().step() : -1;
    }

    /** THREADS threads each run PER_THREAD offers as fast as they can, all started together. */
    private static void burst(java.util.function.IntConsumer offer) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(THREADS);
        List<CompletableFuture<Void>> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int base = t * PER_THREAD;
            threads.add(CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < PER_THREAD; i++) {
                    offer.accept(base + i);
                }
            }, pool));
        }
        go.countDown();
        try {
            CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get();
        } finally {
            pool.shutdown();
        }
    }
}

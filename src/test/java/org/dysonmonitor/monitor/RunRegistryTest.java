package org.dysonmonitor.monitor;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.dysonmonitor.linalg.EjmlSpectrumSolver;
import org.dysonmonitor.rmt.LayerStatistics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry's caps, shape checks, conflicts and the retention of finished runs. */
class RunRegistryTest {

    /** With application.conf: the registry spawns spectrum actors on its own dispatcher. */
    static final ActorTestKit testKit = ActorTestKit.create(com.typesafe.config.ConfigFactory.load());

    @AfterAll
    static void cleanup() {
        testKit.shutdownTestKit();
    }

    private record Fixture(ActorRef<RunRegistry.Command> registry, PrometheusMeterRegistry meters) {
    }

    private static Fixture registry(int maxRuns, int maxLayers, Duration retention) {
        MonitorSettings settings = new MonitorSettings(maxRuns, maxLayers, 64, retention, 4, Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofMillis(100), LayerStatistics.Config.defaults());
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ReportBus bus = new ReportBus(testKit.system());
        return new Fixture(testKit.spawn(RunRegistry.create(
                new RunRegistry.Dependencies(settings, meters, bus, EjmlSpectrumSolver::new))), meters);
    }

    private static RunSpec spec(OverloadPolicy policy) {
        return new RunSpec(0.1, 16, policy, Map.of());
    }

    @Test
    void runCapRefusesANewRunAndLeavesTheOthersWorking() {
        Fixture f = registry(2, 8, Duration.ofMinutes(5));
        TestProbe<RunRegistry.Reply> probe = testKit.createTestProbe();
        f.registry().tell(new RunRegistry.PutRun("r1", spec(OverloadPolicy.LATEST), probe.ref()));
        probe.expectMessageClass(RunRegistry.Ok.class);
        f.registry().tell(new RunRegistry.OpenLayer("r2", "W", 3, 2, probe.ref())); // created by its first layer
        probe.expectMessageClass(RunRegistry.Opened.class);

        f.registry().tell(new RunRegistry.PutRun("r3", spec(OverloadPolicy.LATEST), probe.ref()));
        RunRegistry.Refused refused = probe.expectMessageClass(RunRegistry.Refused.class);
        assertEquals(409, refused.status());
        assertEquals("run_cap", refused.reason());
        assertTrue(refused.message().contains("already holds 2 runs, the cap (--max-runs)"), refused.message());

        f.registry().tell(new RunRegistry.OpenLayer("r1", "W", 3, 2, probe.ref()));
        probe.expectMessageClass(RunRegistry.Opened.class);
    }

    @Test
    void layerCapShapeAndTargetAreCheckedAtTheDoor() {
        Fixture f = registry(10, 1, Duration.ofMinutes(5));
        TestProbe<RunRegistry.Reply> probe = testKit.createTestProbe();
        RunSpec withTarget = new RunSpec(0.1, 16, OverloadPolicy.LATEST, Map.of("W", new double[] {1, 2, 3}));
        f.registry().tell(new RunRegistry.PutRun("r", withTarget, probe.ref()));
        probe.expectMessageClass(RunRegistry.Ok.class);

        f.registry().tell(new RunRegistry.OpenLayer("r", "W", 5, 2, probe.ref()));
        RunRegistry.Refused target = probe.expectMessageClass(RunRegistry.Refused.class);
        assertEquals(422, target.status());
        assertTrue(target.message().contains("has 3 eigenvalues, but a 5×2 matrix has 2"), target.message());

        f.registry().tell(new RunRegistry.OpenLayer("r", "W", 5, 3, probe.ref()));
        probe.expectMessageClass(RunRegistry.Opened.class);
        f.registry().tell(new RunRegistry.OpenLayer("r", "W", 3, 5, probe.ref()));
        RunRegistry.Refused shape = probe.expectMessageClass(RunRegistry.Refused.class);
        assertEquals(422, shape.status());
        assertTrue(shape.message().contains("layer W of run r is 5×3, this snapshot is 3×5"), shape.message());

        f.registry().tell(new RunRegistry.OpenLayer("r", "V", 5, 3, probe.ref()));
        RunRegistry.Refused cap = probe.expectMessageClass(RunRegistry.Refused.class);
        assertEquals("layer_cap", cap.reason());

        f.registry().tell(new RunRegistry.PutRun("r", spec(OverloadPolicy.ALL), probe.ref()));
        RunRegistry.Refused conflict = probe.expectMessageClass(RunRegistry.Refused.class);
        assertEquals(409, conflict.status());
        assertTrue(conflict.message().contains("policy of a run cannot change"), conflict.message());
    }

    @Test
    void aFinishedRunRefusesSnapshotsAndDisappearsAfterRetention() {
        Fixture f = registry(10, 8, Duration.ofMillis(300));
        TestProbe<RunRegistry.Reply> probe = testKit.createTestProbe();
        f.registry().tell(new RunRegistry.OpenLayer("done", "W", 4, 4, probe.ref()));
        LayerChannel channel = probe.expectMessageClass(RunRegistry.Opened.class).channel();
        channel.received();
        channel.offer(new Snapshot("done", "W", 1, MonitorFixture.random(4, 4, 1), 0.1, 16));
        MonitorFixture.eventually("a report's series", () -> f.meters().scrape().contains("run=\"done\""));

        f.registry().tell(new RunRegistry.FinishRun("done", probe.ref()));
        probe.expectMessageClass(RunRegistry.Ok.class);
        f.registry().tell(new RunRegistry.OpenLayer("done", "W", 4, 4, probe.ref()));
        RunRegistry.Refused refused = probe.expectMessageClass(RunRegistry.Refused.class);
        assertEquals("run_finished", refused.reason());

        MonitorFixture.eventually("series removed after retention",
                () -> !f.meters().scrape().contains("run=\"done\""));
        f.registry().tell(new RunRegistry.ListRuns(probe.ref()));
        assertTrue(probe.expectMessageClass(RunRegistry.Runs.class).runs().isEmpty());
        // The name is free again.
        f.registry().tell(new RunRegistry.OpenLayer("done", "W", 4, 4, probe.ref()));
        probe.expectMessageClass(RunRegistry.Opened.class);
    }

    @Test
    void unknownRunsAndLayersAreNotFound() {
        Fixture f = registry(10, 8, Duration.ofMinutes(5));
        TestProbe<SpectrumActor.LayerLookup> lookup = testKit.createTestProbe();
        f.registry().tell(new RunRegistry.GetLayer("nope", "W", lookup.ref()));
        assertEquals("no run named nope", lookup.expectMessageClass(SpectrumActor.NotFound.class).message());

        TestProbe<RunRegistry.Reply> probe = testKit.createTestProbe();
        f.registry().tell(new RunRegistry.OpenLayer("r", "W", 2, 2, probe.ref()));
        probe.expectMessageClass(RunRegistry.Opened.class);
        f.registry().tell(new RunRegistry.GetLayer("r", "V", lookup.ref()));
        assertEquals("run r has no layer named V", lookup.expectMessageClass(SpectrumActor.NotFound.class).message());
        f.registry().tell(new RunRegistry.GetLayer("r", "W", lookup.ref()));
        assertInstanceOf(SpectrumActor.NotFound.class, lookup.receiveMessage(), "no report before a snapshot");

        f.registry().tell(new RunRegistry.FinishRun("nope", probe.ref()));
        assertEquals(404, probe.expectMessageClass(RunRegistry.Refused.class).status());
    }

    @Test
    void aWatcherReceivesEveryReportOfTheRunUnthrottled() {
        Fixture f = registry(10, 8, Duration.ofMinutes(5));
        TestProbe<RunRegistry.Reply> probe = testKit.createTestProbe();
        TestProbe<org.dysonmonitor.rmt.LayerReport> watcher = testKit.createTestProbe();
        f.registry().tell(new RunRegistry.PutRun("w", spec(OverloadPolicy.ALL), probe.ref())); // nothing dropped
        probe.expectMessageClass(RunRegistry.Ok.class);
        f.registry().tell(new RunRegistry.Watch("w", watcher.ref(), probe.ref()));
        probe.expectMessageClass(RunRegistry.Ok.class);
        f.registry().tell(new RunRegistry.OpenLayer("w", "W", 4, 4, probe.ref()));
        LayerChannel channel = probe.expectMessageClass(RunRegistry.Opened.class).channel();
        for (int step = 1; step <= 5; step++) {
            channel.received();
            channel.offerWithin(new Snapshot("w", "W", step, MonitorFixture.random(4, 4, step), 0.1, 16),
                    Duration.ofSeconds(10), testKit.system()).toCompletableFuture().join();
        }
        for (int step = 1; step <= 5; step++) {
            assertEquals(step, watcher.receiveMessage(Duration.ofSeconds(10)).step(), "every report, in order");
        }
        f.registry().tell(new RunRegistry.Watch("w", watcher.ref(), probe.ref()));
        RunRegistry.Refused late = probe.expectMessageClass(RunRegistry.Refused.class);
        assertTrue(late.message().contains("watch a run before its first snapshot"), late.message());
    }

    @Test
    void aRejectionNeverCreatesARunSoJunkCannotFillTheCap() {
        Fixture f = registry(1, 8, Duration.ofMinutes(5));
        f.registry().tell(new RunRegistry.CountRejected("junk", "W", "empty_body"));
        MonitorFixture.eventually("counted", () -> f.meters().scrape().contains(
                "dyson_snapshots_rejected_total{layer=\"_invalid\",reason=\"empty_body\",run=\"_invalid\"} 1.0"));
        assertFalse(f.meters().scrape().contains("layer=\"W\""), "a rejection makes no series of its layer's name");
        TestProbe<RunRegistry.Reply> probe = testKit.createTestProbe();
        f.registry().tell(new RunRegistry.PutRun("real", spec(OverloadPolicy.LATEST), probe.ref()));
        probe.expectMessageClass(RunRegistry.Ok.class); // the only slot is still free
    }

    @Test
    void aPutChangesOnlyTheFieldsItNames() {
        Fixture f = registry(10, 8, Duration.ofMinutes(5));
        TestProbe<RunRegistry.Reply> probe = testKit.createTestProbe();
        f.registry().tell(new RunRegistry.PutRun("p", new RunSpec(0.1, 16, OverloadPolicy.ALL,
                Map.of("W", new double[] {1, 2})), probe.ref()));
        probe.expectMessageClass(RunRegistry.Ok.class);
        f.registry().tell(new RunRegistry.OpenLayer("p", "W", 3, 2, probe.ref()));
        probe.expectMessageClass(RunRegistry.Opened.class);
        // Only the learning rate: policy all and the target stay (a policy change would be refused).
        f.registry().tell(new RunRegistry.PutRun("p", new RunSpec(0.2, 0, null, Map.of()), probe.ref()));
        probe.expectMessageClass(RunRegistry.Ok.class);
        f.registry().tell(new RunRegistry.ListRuns(probe.ref()));
        RunRegistry.RunView view = probe.expectMessageClass(RunRegistry.Runs.class).runs().get(0);
        assertEquals("all", view.policy());
        assertEquals(0.2, view.learningRate());
        assertEquals(16, view.batchSize());
        assertTrue(view.layers().get(0).hasTarget());
    }

    @Test
    void rejectionsOfInvalidNamesAreCountedWithoutCreatingARun() {
        Fixture f = registry(10, 8, Duration.ofMinutes(5));
        f.registry().tell(new RunRegistry.CountRejected("bad name!", "W", "bad_name"));
        MonitorFixture.eventually("counted", () -> f.meters().scrape().contains(
                "dyson_snapshots_rejected_total{layer=\"_invalid\",reason=\"bad_name\",run=\"_invalid\"} 1.0"));
        TestProbe<RunRegistry.Reply> probe = testKit.createTestProbe();
        f.registry().tell(new RunRegistry.ListRuns(probe.ref()));
        assertFalse(probe.expectMessageClass(RunRegistry.Runs.class).runs().stream()
                .anyMatch(r -> r.run().equals("bad name!")));
    }
}

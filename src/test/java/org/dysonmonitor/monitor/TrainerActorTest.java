package org.dysonmonitor.monitor;

import org.dysonmonitor.train.TeacherStudentConfig;
import org.dysonmonitor.train.TeacherStudentTrainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.dysonmonitor.monitor.MonitorFixture.eventually;
import static org.dysonmonitor.monitor.MonitorFixture.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A built-in trainer streams into the monitor. The teacher-student model steps in ~0.25 µs, far
 * faster than a spectrum report, so it always outruns its spectrum actor: under {@code all} it
 * must be held back and lose nothing; under {@code latest} it runs free and the excess is dropped.
 */
class TrainerActorTest {

    private static final int STEPS = 20_000;
    private static Monitor monitor;

    @BeforeAll
    static void start() {
        monitor = Monitor.start("trainers", MonitorFixture.config(Map.of("dyson.queue-capacity", 2, "dyson.retention", "5s")));
    }

    @AfterAll
    static void stop() {
        MonitorFixture.finishAllAndAssertStreamsStopped(monitor);
    }

    @Test
    void allPolicyBackpressuresTheTrainerAndLosesNothing() {
        train("ts-all", OverloadPolicy.ALL, 11);
        RunRegistry.LayerView v = layer(monitor, "ts-all", "W");
        assertEquals(STEPS, v.received(), "a snapshot every step");
        assertEquals(STEPS, v.processed());
        assertEquals(0, v.dropped());
        assertEquals(0, v.rejected());
    }

    @Test
    void latestPolicyNeverHoldsTheTrainerBackAndAccountsForTheDrops() {
        train("ts-latest", OverloadPolicy.LATEST, 12);
        RunRegistry.LayerView v = layer(monitor, "ts-latest", "W");
        assertEquals(STEPS, v.received());
        assertTrue(v.dropped() > 0, "20 000 snapshots at trainer speed must outrun the spectrum actor");
        assertEquals(v.received(), v.processed() + v.dropped());
    }

    private static void train(String run, OverloadPolicy policy, long seed) {
        TeacherStudentTrainer trainer = new TeacherStudentTrainer(TeacherStudentConfig.defaults().withSeed(seed));
        monitor.startTrainer(new TrainerActor.Plan(run, "W", trainer, 1, policy, STEPS, 0))
                .toCompletableFuture().join();
        eventually(run + " trained and settled", () -> {
            RunRegistry.Runs runs = (RunRegistry.Runs) MonitorFixture.ask(monitor, RunRegistry.ListRuns::new);
            return runs.runs().stream().anyMatch(r -> r.run().equals(run) && r.status().equals("finished")
                    && MonitorFixture.settled(r.layers().get(0)) && r.layers().get(0).received() == STEPS);
        });
    }
}

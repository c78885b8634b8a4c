package org.dysonmonitor.sweep;

import akka.actor.typed.javadsl.AskPattern;
import org.dysonmonitor.monitor.Monitor;
import org.dysonmonitor.monitor.RunRegistry;
import org.dysonmonitor.sweep.SweepSummary.Point;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Teacher-student sweeps through the monitor's actors: complete, and stopped half-way (Ctrl-C). */
class SweepRunnerTest {

    static {
        // As the sweep command does: the registry's per-run INFO lines are not wanted (read once by slf4j-simple).
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    @TempDir
    Path dir;

    private static SweepData run(SweepPlan plan, boolean stopEarly) throws Exception {
        int threads = 2;
        int parallel = 4;
        try (Monitor monitor = Monitor.start("sweep-test", SweepRunner.monitorConfig(plan, threads, parallel))) {
            SweepRunner sweep = SweepRunner.start(monitor, plan, threads, parallel);
            if (stopEarly) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (sweep.progress().runsDone() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                sweep.stop();
            }
            SweepData data = sweep.result().get(2, TimeUnit.MINUTES);
            if (stopEarly) {
                awaitAllRunsFinished(monitor);
            }
            return data;
        }
    }

    /** A stopped sweep leaves no trainer behind: every run the registry knows is finished. */
    private static void awaitAllRunsFinished(Monitor monitor) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            RunRegistry.Runs runs = (RunRegistry.Runs) AskPattern.<RunRegistry.Command, RunRegistry.Reply>ask(
                    monitor.registry(), RunRegistry.ListRuns::new, Duration.ofSeconds(10), monitor.system().scheduler())
                    .toCompletableFuture().join();
            boolean allFinished = runs.runs().stream().filter(r -> !r.layers().isEmpty())
                    .allMatch(r -> r.status().equals("finished"));
            if (allFinished) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("runs still active after stop: " + runs.runs());
            }
            Thread.sleep(50);
        }
    }

    /**
     * Every snapshot of every run arrives (policy all), the monitor's pooled sample counts equal the
     * snapshots whose eigenvalues were kept, and ⟨S_ξ⟩/√(αε²/|B|) comes out at physics.md §7's
     * 1.8–1.9 (√(2π/(2 − α)) = 1.82 at α = 0.1) within three jackknife errors.
     */
    @Test
    void teacherStudentSweepCollectsEveryReportAndTheScaling() throws Exception {
        SweepPlan plan = SweepPlan.create(TrainerKind.TEACHER_STUDENT, List.of(0.1), List.of(16, 32, 64), 6, null, null, null,
                5, TrainerKind.DEFAULT_EPSILON);
        SweepData data = run(plan, false);
        assertEquals(18, data.runs().size(), data.failures().toString());
        assertNotNull(data.evolution());
        assertEquals(data.evolution().plan().snapshots(), data.evolution().size());
        for (RunResult r : data.runs()) {
            assertEquals(r.plan().snapshots(), r.snapshots(), "every snapshot of " + r.plan().name() + " reported");
            assertTrue(r.pooledSnapshots() > r.snapshots() / 2, r.plan().name());
            for (int p = 0; p < r.pairs().size(); p++) {
                assertEquals(r.pairs().get(p).samples(), r.series().get(p).size(), "same snapshots");
            }
        }
        SweepSummary s = SweepAnalysis.analyse(data);
        double a = s.spacingFit().slope();
        double e = s.spacingFit().error();
        assertTrue(a >= 1.8 - 3 * e && a <= 1.9 + 3 * e, "a_fit = " + a + " ± " + e);
        for (Point p : s.points()) {
            assertTrue(p.ks().consistentWithWigner(), p.toString());
        }
    }

    /** Ctrl-C: the running trainers stop, and the runs that finished make a report. */
    @Test
    void aStoppedSweepKeepsWhatFinishedAndStillReports() throws Exception {
        SweepPlan plan = SweepPlan.create(TrainerKind.TEACHER_STUDENT, List.of(), List.of(), 40, null, null, null, 3,
                TrainerKind.DEFAULT_EPSILON);
        SweepData data = run(plan, true);
        assertTrue(data.interrupted());
        assertTrue(data.runs().size() >= 3 && data.runs().size() < plan.pooledRuns().size(),
                data.runs().size() + " runs");
        SweepSummary s = SweepAnalysis.analyse(data);
        ReportWriter.write(dir, s);
        SweepPlots.write(dir, s);
        assertTrue(Files.readString(dir.resolve(ReportWriter.SUMMARY_MD)).contains("Interrupted"));
        assertTrue(Files.size(dir.resolve(SweepPlots.SPACING_COLLAPSE)) > 10_000);
    }
}

package org.dysonmonitor.sweep;

import org.dysonmonitor.metrics.LabelValues;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a sweep runs, from its options. */
class SweepPlanTest {

    private static SweepPlan defaults(TrainerKind model) {
        return SweepPlan.create(model, List.of(), List.of(), null, null, null, null, 1, TrainerKind.DEFAULT_EPSILON);
    }

    @Test
    void defaultRbmSweepIsTheUnionOfThePapersTwoScans() {
        SweepPlan p = defaults(TrainerKind.RBM);
        assertEquals(List.of(new Setting(0.1, 4), new Setting(0.1, 8), new Setting(0.1, 16), new Setting(0.1, 32),
                new Setting(0.1, 64), new Setting(0.01, 16), new Setting(0.02, 16), new Setting(0.04, 16),
                new Setting(0.06, 16), new Setting(0.08, 16)), p.settings());
        assertEquals(TrainerKind.RBM.defaultRuns(), p.runs());
        assertEquals(10 * p.runs(), p.pooledRuns().size());
        assertEquals(10 * p.runs() + 1, p.plans().size());
    }

    @Test
    void defaultRunLengthsScaleAsOneOverAlpha() {
        SweepPlan p = defaults(TrainerKind.RBM);
        RunPlan reference = run(p, new Setting(0.1, 16));
        assertEquals(100_000, reference.steps());
        assertEquals(10_000, reference.burnIn());
        assertEquals(20, reference.snapshotEvery());
        RunPlan slow = run(p, new Setting(0.01, 16));
        assertEquals(1_000_000, slow.steps());
        assertEquals(100_000, slow.burnIn());
        assertEquals(200, slow.snapshotEvery());
        RunPlan smallBatch = run(p, new Setting(0.1, 4));
        assertEquals(100_000, smallBatch.steps(), "|B| does not change the relaxation time");
        RunPlan ts = run(defaults(TrainerKind.TEACHER_STUDENT), new Setting(0.5, 16));
        assertEquals(2_000, ts.steps());
        assertEquals(100, ts.burnIn());
        assertEquals(1, ts.snapshotEvery());
    }

    @Test
    void givenRunLengthsApplyToEverySetting() {
        SweepPlan p = SweepPlan.create(TrainerKind.RBM, List.of(0.05, 0.1), List.of(16, 32), 3, 40_000L, 5_000L, 25, 9,
                TrainerKind.DEFAULT_EPSILON);
        assertEquals(List.of(new Setting(0.05, 16), new Setting(0.05, 32), new Setting(0.1, 16), new Setting(0.1, 32)),
                p.settings(), "both lists given: every combination");
        for (RunPlan r : p.pooledRuns()) {
            assertEquals(40_000, r.steps());
            assertEquals(5_000, r.burnIn());
            assertEquals(25, r.snapshotEvery());
        }
        assertEquals(12, p.pooledRuns().size());
    }

    @Test
    void oneListAloneScansAtTheReferenceOfTheOther() {
        assertEquals(List.of(new Setting(0.1, 8), new Setting(0.1, 64)),
                SweepPlan.settings(TrainerKind.RBM, List.of(), List.of(8, 64, 8)));
        assertEquals(List.of(new Setting(0.03, 16)), SweepPlan.settings(TrainerKind.RBM, List.of(0.03), List.of()));
    }

    @Test
    void runsStartByIndexCostliestFirstAfterTheEvolutionRun() {
        SweepPlan p = defaults(TrainerKind.RBM);
        assertTrue(p.plans().get(0).evolution());
        assertEquals(0, p.plans().get(0).burnIn(), "the evolution run starts at the Marchenko-Pastur spectrum");
        assertEquals(new Setting(0.1, 16), p.plans().get(0).setting());
        List<RunPlan> pooled = p.pooledRuns();
        for (int i = 0; i < pooled.size(); i++) {
            assertEquals(i / 10, pooled.get(i).index(), "run index major");
        }
        assertEquals(new Setting(0.01, 16), pooled.get(0).setting(), "the longest run of an index first");
        Set<Long> seeds = new HashSet<>();
        p.plans().forEach(r -> seeds.add(r.seed()));
        assertEquals(p.plans().size(), seeds.size(), "every run has its own seed");
        Set<String> names = new HashSet<>();
        p.plans().forEach(r -> names.add(r.name()));
        assertEquals(p.plans().size(), names.size());
        assertTrue(names.stream().allMatch(LabelValues::isRunName), "valid monitor run names");
    }

    @Test
    void snapshotsOfARun() {
        RunPlan r = new RunPlan(new Setting(0.1, 16), 0, 1, 1000, 95, 20);
        assertEquals(100, r.firstSnapshot());
        assertEquals(1000, r.lastSnapshot());
        assertEquals(46, r.snapshots());
        RunPlan fromStart = new RunPlan(new Setting(0.1, 16), RunPlan.EVOLUTION, 1, 35, 0, 10);
        assertEquals(10, fromStart.firstSnapshot());
        assertEquals(30, fromStart.lastSnapshot());
        assertEquals(3, fromStart.snapshots());
        assertThrows(IllegalArgumentException.class, () -> new RunPlan(new Setting(0.1, 16), 0, 1, 99, 95, 20),
                "no multiple of 20 in [95, 99]");
    }

    @Test
    void badOptionsAreRefusedWithTheirName() {
        assertMessage("--runs", () -> SweepPlan.create(TrainerKind.RBM, List.of(), List.of(), 0, null, null, null, 1, 0.05));
        assertMessage("--steps", () -> SweepPlan.create(TrainerKind.RBM, List.of(), List.of(), 2, 0L, null, null, 1, 0.05));
        assertMessage("--lr", () -> SweepPlan.create(TrainerKind.RBM, List.of(-0.1), List.of(), 2, null, null, null, 1, 0.05));
        assertMessage("--batch", () -> SweepPlan.create(TrainerKind.RBM, List.of(), List.of(0), 2, null, null, null, 1, 0.05));
        assertMessage("--burn-in", () -> SweepPlan.create(TrainerKind.RBM, List.of(0.01), List.of(), 2, 50_000L, null, null,
                1, 0.05));
        assertMessage("--epsilon", () -> SweepPlan.create(TrainerKind.TEACHER_STUDENT, List.of(), List.of(), 2, null, null,
                null, 1, 0));
        assertMessage("--model", () -> TrainerKind.parse("mlp"));
    }

    private static void assertMessage(String option, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(option), x.getMessage());
        assertFalse(x.getMessage().isBlank());
    }

    private static RunPlan run(SweepPlan p, Setting s) {
        return p.pooledRuns().stream().filter(r -> r.setting().equals(s)).findFirst().orElseThrow();
    }
}

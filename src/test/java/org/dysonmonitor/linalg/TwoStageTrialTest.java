package org.dysonmonitor.linalg;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TwoStageTrialTest {

    @Test
    void theFasterOfTheFastestRunsWinsAndAPreemptedRunDoesNotDecide() {
        TwoStageTrial trial = new TwoStageTrial();
        assertFalse(trial.next(), "one-stage first");
        trial.record(false, 100);
        assertTrue(trial.next());
        trial.record(true, 300); // preempted: the run took 3× its time
        assertFalse(trial.next());
        trial.record(false, 110);
        assertTrue(trial.decided().isEmpty(), "two-stage has had one run only");
        trial.record(true, 80);
        assertEquals(true, trial.decided().orElseThrow(), "two-stage's fastest 80 < one-stage's 100");
        assertTrue(trial.next());
        trial.record(false, 1); // after the choice nothing moves it
        assertTrue(trial.next());
    }

    @Test
    void aTieKeepsTheOneStageSolver() {
        TwoStageTrial trial = new TwoStageTrial();
        for (int i = 0; i < TwoStageTrial.TRIALS; i++) {
            trial.record(false, 50);
            trial.record(true, 50);
        }
        assertEquals(false, trial.decided().orElseThrow());
    }
}

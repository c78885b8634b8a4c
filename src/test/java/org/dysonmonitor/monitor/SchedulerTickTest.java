package org.dysonmonitor.monitor;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SchedulerTickTest {

    @Test
    void trainersTickEveryMillisecondAndAServingMonitorEveryHundred() {
        var loaded = ConfigFactory.load();
        assertEquals(Duration.ofMillis(1), loaded.getDuration(SchedulerTick.PATH), "application.conf paces the trainers");
        assertEquals(Duration.ofMillis(100), SchedulerTick.serving(loaded).getDuration(SchedulerTick.PATH));
    }

    @Test
    void aMonitorStartedToServeRunsAtTheServingTick() {
        try (Monitor monitor = Monitor.start("tick-test", SchedulerTick.serving(ConfigFactory.load()),
                org.dysonmonitor.linalg.SolverSelection.select(org.dysonmonitor.linalg.SolverSelection.Mode.AUTO, true))) {
            assertEquals(Duration.ofMillis(100), monitor.system().settings().config().getDuration(SchedulerTick.PATH));
        }
    }
}

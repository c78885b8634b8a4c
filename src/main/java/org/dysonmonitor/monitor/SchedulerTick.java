package org.dysonmonitor.monitor;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;

/**
 * The Akka scheduler's tick. application.conf sets 1 ms, which paces the built-in trainers (at 10 ms a
 * timer fires up to ~20 ms late and a paced trainer catches up in bursts); a monitor that only serves
 * needs none of it: its timeouts and intervals are of seconds, and 1 000 wake-ups a second cost 4.7 %
 * of a core on an idle 2-core VM (0.85 % at Akka's 10 ms), beside the training run being watched.
 */
public final class SchedulerTick {

    static final String PATH = "akka.scheduler.tick-duration";

    private SchedulerTick() {
    }

    /** {@code config} with Akka's own 10 ms tick, for a monitor without built-in trainers; a system property wins. */
    public static Config serving(Config config) {
        if (System.getProperty(PATH) != null) {
            return config;
        }
        return config.withValue(PATH, ConfigValueFactory.fromAnyRef("10ms"));
    }
}

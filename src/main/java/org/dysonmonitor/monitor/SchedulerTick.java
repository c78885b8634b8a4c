package org.dysonmonitor.monitor;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;

/**
 * The Akka scheduler's tick. application.conf sets 1 ms, which paces the built-in trainers (at 10 ms a
 * timer fires up to ~20 ms late and a paced trainer catches up in bursts); a monitor that only serves
 * needs none of it: its timeouts and intervals are of seconds or more (request and linger timeouts,
 * the idle and watch intervals, cluster heartbeats of 1 s), so it ticks every 100 ms. Every tick wakes
 * the scheduler's thread: 1 000 a second cost 4.7 % of a core on an idle 2-core VM, 100 (Akka's 10 ms)
 * 0.83 %, 10 0.1 %, beside the training run being watched. A snapshot never waits for a tick: a full
 * queue's waiting POST is woken by the freed slot, the tick only bounds its timeout.
 */
public final class SchedulerTick {

    static final String PATH = "akka.scheduler.tick-duration";

    private SchedulerTick() {
    }

    /** The tick of a monitor without built-in trainers. */
    static final String SERVING = "100ms";

    /** {@code config} with the {@link #SERVING} tick, for a monitor without built-in trainers; a system property wins. */
    public static Config serving(Config config) {
        if (System.getProperty(PATH) != null) {
            return config;
        }
        return config.withValue(PATH, ConfigValueFactory.fromAnyRef(SERVING));
    }
}

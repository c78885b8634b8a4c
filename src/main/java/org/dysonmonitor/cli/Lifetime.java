package org.dysonmonitor.cli;

import akka.actor.CoordinatedShutdown;
import org.dysonmonitor.monitor.Monitor;

import java.io.PrintWriter;
import java.time.Duration;

/** Serving until Ctrl-C (the JVM hook runs Akka's CoordinatedShutdown) or for a fixed time. */
final class Lifetime {
    private Lifetime() {
    }

    static int serveUntilStopped(Monitor monitor, Duration duration, PrintWriter out) {
        if (duration != null) {
            monitor.system().scheduler().scheduleOnce(duration,
                    () -> CoordinatedShutdown.get(monitor.system()).run(CoordinatedShutdown.unknownReason()),
                    monitor.system().executionContext());
        }
        monitor.system().getWhenTerminated().toCompletableFuture().join();
        out.println("dyson-monitor stopped");
        out.flush();
        return 0;
    }
}

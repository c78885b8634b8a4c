package org.dysonmonitor.cli;

import java.io.PrintWriter;

/** What a newcomer can open once the monitor runs. */
final class Urls {
    private Urls() {
    }

    static void print(PrintWriter out, String base) {
        out.println("  live page        " + base + "/");
        out.println("  metrics          " + base + "/metrics");
        out.println("  runs (JSON)      " + base + "/api/v1/runs");
        out.println("  a layer (JSON)   " + base + "/api/v1/runs/{run}/layers/{layer}");
        out.println("  live reports     " + base + "/api/v1/stream   (Server-Sent Events)");
        out.println("  post a snapshot  POST " + base + "/api/v1/runs/{run}/layers/{layer}/snapshots?step=N  (body: .npy)");
        out.flush();
    }
}

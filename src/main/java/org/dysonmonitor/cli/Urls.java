package org.dysonmonitor.cli;

/** What a newcomer can open once the monitor runs. */
final class Urls {
    private Urls() {
    }

    static void print(String base) {
        System.out.println("  live page        " + base + "/");
        System.out.println("  metrics          " + base + "/metrics");
        System.out.println("  runs (JSON)      " + base + "/api/v1/runs");
        System.out.println("  a layer (JSON)   " + base + "/api/v1/runs/{run}/layers/{layer}");
        System.out.println("  live reports     " + base + "/api/v1/stream   (Server-Sent Events)");
        System.out.println("  post a snapshot  POST " + base + "/api/v1/runs/{run}/layers/{layer}/snapshots?step=N  (body: .npy)");
    }
}

package org.dysonmonitor.linalg;

import com.typesafe.config.ConfigFactory;
import org.dysonmonitor.monitor.Monitor;

import java.lang.management.ManagementFactory;

/**
 * Started by {@link LauncherTest} through bin/dyson-monitor: a monitor as the launcher starts it, and
 * the soft max heap size its collector works to, from the JVM's own flag, as it starts, with a live set
 * of {@value #LIVE_MIB} MiB held across a collection, and after that live set is gone. The argument is
 * how many seconds to wait for the flag to move after each collection.
 */
public final class SoftHeapProbe {

    static final int LIVE_MIB = 768;

    private SoftHeapProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        long waitNanos = (long) (Double.parseDouble(args[0]) * 1e9);
        Monitor monitor = Monitor.start("soft-heap-probe", ConfigFactory.load());
        try {
            String gauge = monitor.meters().scrape().lines().filter(l -> l.startsWith("dyson_heap_soft_max_bytes "))
                    .map(l -> l.substring(l.indexOf(' ') + 1)).findFirst().orElse("(none)");
            System.out.println("maxHeap=" + Runtime.getRuntime().maxMemory());
            System.out.println("gauge=" + gauge);
            System.out.println("start=" + softMax());
            byte[][] live = new byte[LIVE_MIB][];
            for (int i = 0; i < live.length; i++) {
                live[i] = new byte[1 << 20];
            }
            System.out.println("held=" + afterCollection(softMax(), waitNanos) + ";" + live.length);
            live = null;
            System.out.println("released=" + afterCollection(softMax(), waitNanos));
        } finally {
            monitor.system().terminate();
        }
    }

    /** Collects, then waits (at most {@code waitNanos}) for the flag to move from {@code before}; its value then. */
    private static long afterCollection(long before, long waitNanos) throws InterruptedException {
        System.gc();
        long deadline = System.nanoTime() + waitNanos;
        while (softMax() == before && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return softMax();
    }

    private static long softMax() {
        var vm = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        return Long.parseLong(vm.getVMOption("SoftMaxHeapSize").getValue());
    }
}

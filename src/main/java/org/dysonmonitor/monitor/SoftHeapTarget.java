package org.dysonmonitor.monitor;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps the heap the monitor allocates into small enough to stay in memory the process has already
 * touched, by the JVM's {@code SoftMaxHeapSize} (Shenandoah and ZGC honour it; the launcher picks
 * Shenandoah). A snapshot's bytes are garbage within a second, but a collector sized for the whole
 * max heap (a quarter of the machine's memory) only collects once gigabytes are used, so every
 * snapshot lands in pages the process never touched, and Shenandoah returns a region to the OS after
 * five minutes empty. Each fresh 4 KiB page is a fault and a zeroing in the kernel: on a 2-core VM
 * 0.75 ms per MB, 3.5 ms on memory the VM itself had never touched; a 1024² float64 POST then took
 * 190 ms to its 202 instead of 20 (bench end-to-end, where the kernel's page clearing was the largest
 * single cost of the HTTP threads). With a soft target the collector cycles within it and the same
 * pages are reused.
 *
 * <p>The target is {@value #LIVE_FACTOR} × the heap in use after the last cycle (its live set and what
 * was in flight), at least {@link #FLOOR}, at most the max heap: each cycle marks the live set L and
 * frees about 3L, so collection work per allocated byte stays bounded as the live set grows, and the
 * max heap stays available to bursts (the in-flight budget). Set only when the collector honours it
 * and nobody set {@code -XX:SoftMaxHeapSize} (the JVM's ergonomics set it to the max heap). Updated after each collection cycle, when
 * the target moved by more than an eighth.
 */
public final class SoftHeapTarget {

    /** The least target: at 2 GiB the end-to-end benchmark ran 13 Shenandoah cycles a minute, at 1 GiB 102. */
    static final long FLOOR = 2L << 30;

    /** Target ÷ heap in use after a cycle. */
    static final int LIVE_FACTOR = 4;

    private static final String OPTION = "SoftMaxHeapSize";

    /** Collectors whose beans name them so and that honour the soft max (JDK 17). */
    private static final List<String> HONOURED_BY = List.of("Shenandoah", "ZGC");

    private static final class Holder {
        static final SoftHeapTarget INSTANCE = install();
    }

    private final HotSpotDiagnosticMXBean vm;
    private final long maxHeap;
    private final Set<String> heapPools;

    private SoftHeapTarget(HotSpotDiagnosticMXBean vm, long maxHeap, Set<String> heapPools) {
        this.vm = vm;
        this.maxHeap = maxHeap;
        this.heapPools = heapPools;
    }

    /**
     * The target for a heap of which {@code usedAfterCycle} bytes were in use after a collection cycle.
     */
    static long target(long usedAfterCycle, long maxHeap) {
        return Math.min(maxHeap, Math.max(FLOOR, LIVE_FACTOR * Math.max(0, usedAfterCycle)));
    }

    /** Whether a target this far from the current one is worth setting (more than an eighth away). */
    static boolean moved(long current, long target) {
        return Math.abs(target - current) > current / 8;
    }

    /**
     * Starts keeping the target (once per process) and adds the gauge {@code dyson_heap_soft_max_bytes}
     * to {@code meters}: the soft max the collector works to. Nothing when the collector ignores it or
     * it was set on the command line.
     */
    public static void keep(MeterRegistry meters) {
        SoftHeapTarget kept = Holder.INSTANCE;
        if (kept != null) {
            Gauge.builder("dyson.heap.soft.max", kept, SoftHeapTarget::current)
                    .description("The soft max heap size the collector works to (SoftMaxHeapSize, kept by the monitor)")
                    .baseUnit("bytes").strongReference(true).register(meters);
        }
    }

    private static SoftHeapTarget install() {
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        boolean honoured = collectors.stream()
                .anyMatch(c -> HONOURED_BY.stream().anyMatch(name -> c.getName().startsWith(name)));
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        VMOption.Origin origin = vm.getVMOption(OPTION).getOrigin();
        if (!honoured || (origin != VMOption.Origin.DEFAULT && origin != VMOption.Origin.ERGONOMIC)) {
            return null;
        }
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
                .collect(Collectors.toUnmodifiableSet());
        SoftHeapTarget kept = new SoftHeapTarget(vm, Runtime.getRuntime().maxMemory(), heapPools);
        kept.set(target(0, kept.maxHeap));
        for (GarbageCollectorMXBean collector : collectors) {
            // Shenandoah and ZGC have a bean for their cycles and one for their pauses: the cycles end with
            // the heap's use after collection.
            if (collector.getName().endsWith("Cycles") && collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        kept.after(GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()));
                    }
                }, null, null);
            }
        }
        return kept;
    }

    private void after(GarbageCollectionNotificationInfo cycle) {
        long used = cycle.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                .filter(pool -> heapPools.contains(pool.getKey())).mapToLong(pool -> pool.getValue().getUsed()).sum();
        long next = target(used, maxHeap);
        if (moved(current(), next)) {
            set(next);
        }
    }

    private long current() {
        return Long.parseLong(vm.getVMOption(OPTION).getValue());
    }

    private void set(long bytes) {
        try {
            vm.setVMOption(OPTION, Long.toString(bytes));
        } catch (IllegalArgumentException e) {
            // A JVM whose flag constraints refuse it (e.g. a minimum heap above the target): the collector keeps its own.
        }
    }
}

package org.dysonmonitor.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the soak samples each second: the heap (in use now, garbage included, and what the last
 * collection left, the live set), the system load, and the monitor's series from a real scrape of
 * {@code /metrics}, with the most held by one run.
 */
final class SoakSampler {

    /** One scrape: sample lines in all, and the most of them carrying one {@code run} label. */
    record Series(int total, int maxOfOneRun, String runWithMost) {
    }

    private static final Pattern RUN_LABEL = Pattern.compile("[{,]run=\"([^\"]*)\"");

    private final HttpClient http;
    private final String url;

    SoakSampler(HttpClient http, String url) {
        this.http = http;
        this.url = url;
    }

    /** Heap in use now: live objects and garbage not yet collected. */
    static long heapUsed() {
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    /**
     * The heap the last collection left in use, summed over the heap pools (each pool's usage after
     * its most recent collection): the live set at that moment, the figure a memory bound is about.
     * 0 before the first collection.
     */
    static long heapAfterLastCollection() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage after = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (after != null) {
                sum += after.getUsed();
            }
        }
        return sum;
    }

    /** The one-minute load average of the machine (the soak shares it with whatever else runs). */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** A scrape's series; total −1 when the scrape failed. */
    Series series() {
        String text;
        try {
            text = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return new Series(-1, -1, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Series(-1, -1, "");
        }
        int total = 0;
        Map<String, Integer> byRun = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            total++;
            Matcher m = RUN_LABEL.matcher(line);
            if (m.find()) {
                byRun.merge(m.group(1), 1, Integer::sum);
            }
        }
        Map.Entry<String, Integer> most = byRun.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(null);
        return most == null ? new Series(total, 0, "") : new Series(total, most.getValue(), most.getKey());
    }
}

package org.dysonmonitor.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak's CI variant, two minutes: 14 runs (two of each shape, 10×10 to 1024×1024, both policies)
 * and 5 misbehaving clients (one of each kind: junk, oversize, stalled, abandoned, flood) against a
 * 64 MiB budget and a 30 s idle timeout: the abandoned run goes idle within the soak, and the layers
 * have that long after the last request to drain their queues before the check (a layer that goes idle
 * first fails it: its accounting could not be checked). It must end with no 5xx but 503, nothing in flight, every layer's received =
 * processed + dropped + rejected, each run's series under the bound its caps give, and, once every
 * run has gone idle, the heap back near where it started.
 */
class SoakBenchTest {

    private static final long BUDGET = 64L << 20;

    @Test
    void aTwoMinuteSoakKeepsItsInvariants() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
        int code = SoakBench.run(out, new SoakOptions(14, Duration.ofMinutes(2), 5, BUDGET, Duration.ofSeconds(30)));
        String printed = text.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertTrue(printed.contains("5xx other than 503: 0; layers with received ≠ processed + dropped + rejected: none"),
                printed);
        assertTrue(printed.contains("in flight at the end 0 bytes"), printed);
        // The identity summed over the layers still listed: all 14 good runs post to the end.
        Matcher sums = find(printed, "layers checked at the end (\\d+): received (\\d+) = processed (\\d+) \\+ dropped "
                + "(\\d+) \\+ rejected (\\d+)");
        assertTrue(Integer.parseInt(sums.group(1)) >= 14, printed);
        assertEquals(Long.parseLong(sums.group(2)), Long.parseLong(sums.group(3)) + Long.parseLong(sums.group(4))
                + Long.parseLong(sums.group(5)), printed);
        assertTrue(Long.parseLong(sums.group(3)) > 0, "some snapshots processed: " + printed);
        // Each run under its series bound while it posted, and the runs' series gone once idle.
        Matcher series = find(printed, "at most (\\d+) of one run \\(([^;]*); bound (\\d+)\\)");
        assertTrue(Integer.parseInt(series.group(1)) <= Integer.parseInt(series.group(3)), printed);
        assertTrue(printed.contains("series bounded: yes"), printed);
        // Once every run is idle, what the runs held (statistics, queues, bodies) is freed: the heap after a
        // full collection is back within the in-flight budget of where it started (the budget is the most a
        // request may still hold in flight, and a margin for what the JIT and Akka keep).
        Matcher heap = find(printed, "after the idle timeout: heap (\\d+) MiB \\(([+-]\\d+) MiB against the start\\)");
        assertTrue(Long.parseLong(heap.group(2)) <= BUDGET >> 20, printed);
        assertEquals(0, code, printed);
    }

    private static Matcher find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no line matching " + regex + " in:\n" + text);
        return m;
    }
}

package org.dysonmonitor.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak's CI variant: 14 runs (two of each shape, 10×10 to 1024×1024, both policies) and 5
 * misbehaving clients (one of each kind) for 40 s against a 64 MiB budget: no 5xx but 503, no crash,
 * nothing left in flight, and every layer's received = processed + dropped + rejected.
 */
class SoakBenchTest {

    @Test
    void aShortSoakPassesItsOwnChecks() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
        int code = SoakBench.run(out, new SoakOptions(14, Duration.ofSeconds(40), 5, 64L << 20, Duration.ofSeconds(5)));
        String printed = text.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertTrue(printed.contains("5xx other than 503: 0; layers with received ≠ processed + dropped + rejected: none"),
                printed);
        assertTrue(printed.contains("in flight at the end 0 bytes"), printed);
        assertEquals(0, code, printed);
    }
}

package org.dysonmonitor.ingest;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures how long {@link NpyDecoder} takes for a 4096 × 4096 matrix in each layout. Not a test, so it
 * asserts nothing and is run by hand after {@code mvn test-compile}:
 *
 * <pre>
 * java -Xmx2g -cp target/classes:target/test-classes org.dysonmonitor.ingest.NpyDecodeBenchmark [n] [repeats]
 * </pre>
 *
 * Reports the median and the fastest of {@code repeats} timed decodes after as many warm-up decodes.
 */
public final class NpyDecodeBenchmark {

    private NpyDecodeBenchmark() {
    }

    public static void main(String[] args) throws NpyFormatException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        WeightMatrix m32 = NpyRoundTripTest.randomMatrix(n, n, true, 42);
        run("float32 C <", NpyEncoder.encode(m32, true, false, ByteOrder.LITTLE_ENDIAN), repeats);
        run("float32 C >", NpyEncoder.encode(m32, true, false, ByteOrder.BIG_ENDIAN), repeats);
        run("float32 F <", NpyEncoder.encode(m32, true, true, ByteOrder.LITTLE_ENDIAN), repeats);
        m32 = null;
        WeightMatrix m64 = NpyRoundTripTest.randomMatrix(n, n, false, 42);
        run("float64 C <", NpyEncoder.encode(m64, false, false, ByteOrder.LITTLE_ENDIAN), repeats);
        run("float64 F >", NpyEncoder.encode(m64, false, true, ByteOrder.BIG_ENDIAN), repeats);
    }

    private static void run(String label, byte[] body, int repeats) throws NpyFormatException {
        for (int i = 0; i < repeats; i++) {
            NpyDecoder.decode(body, NpyDecoder.MAX_ELEMENTS_LIMIT);
        }
        long[] nanos = new long[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            WeightMatrix m = NpyDecoder.decode(body, NpyDecoder.MAX_ELEMENTS_LIMIT);
            nanos[i] = System.nanoTime() - t0;
            if (m.size() == 0) {
                throw new IllegalStateException("unreachable; keeps the result alive");
            }
        }
        Arrays.sort(nanos);
        double mib = body.length / (1024.0 * 1024.0);
        double medianMs = nanos[repeats / 2] / 1e6;
        System.out.printf(Locale.ROOT, "%s %6.1f MiB: median %6.1f ms (%5.0f MiB/s), best %6.1f ms%n",
                label, mib, medianMs, mib / (medianMs / 1000), nanos[0] / 1e6);
    }
}

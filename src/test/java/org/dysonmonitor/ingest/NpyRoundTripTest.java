package org.dysonmonitor.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NpyRoundTripTest {

    private static final int[][] SHAPES = {{1, 1}, {1, 17}, {17, 1}, {300, 600}, {65, 129}};

    static Stream<Arguments> layouts() {
        List<Arguments> all = new ArrayList<>();
        for (boolean float32 : new boolean[] {true, false}) {
            for (boolean fortran : new boolean[] {false, true}) {
                for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                    for (int[] shape : SHAPES) {
                        all.add(Arguments.of(float32, fortran, order, shape[0], shape[1]));
                    }
                }
            }
        }
        return all.stream();
    }

    /**
     * Seeded random values of both signs and many magnitudes, with the edge cases of the format at the
     * start: signed zero, the smallest subnormal and the largest finite value of the precision.
     */
    static WeightMatrix randomMatrix(int rows, int cols, boolean float32, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            double x = random.nextGaussian() * Math.pow(10, random.nextInt(-6, 7));
            v[i] = float32 ? (float) x : x;
        }
        double[] edges = float32
                ? new double[] {-0.0, Float.MIN_VALUE, -Float.MAX_VALUE, 1.0}
                : new double[] {-0.0, Double.MIN_VALUE, -Double.MAX_VALUE, 1.0 / 3};
        System.arraycopy(edges, 0, v, 0, Math.min(edges.length, v.length));
        return WeightMatrix.of(rows, cols, v, float32);
    }

    @ParameterizedTest(name = "float32={0} fortran={1} {2} {3}x{4}")
    @MethodSource("layouts")
    void decodesWhatItEncodes(boolean float32, boolean fortran, ByteOrder order, int rows, int cols)
            throws NpyFormatException {
        WeightMatrix m = randomMatrix(rows, cols, float32, 31L * rows + cols);
        byte[] body = NpyEncoder.encode(m, float32, fortran, order);
        assertEquals(m, NpyDecoder.decode(body));
        assertEquals(m, NpyDecoder.decode(ByteBuffer.wrap(body).asReadOnlyBuffer()));
    }

    @ParameterizedTest(name = "float32={0} fortran={1} {2} {3}x{4}")
    @MethodSource("layouts")
    void writesAnAlignedVersion1HeaderAsNumpyDoes(boolean float32, boolean fortran, ByteOrder order, int rows,
            int cols) {
        byte[] body = NpyEncoder.encode(randomMatrix(rows, cols, float32, 7), float32, fortran, order);
        ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = b.getShort(8) & 0xffff;
        int dataStart = 10 + headerLength;
        assertEquals(0, dataStart % 64, "data must start at a multiple of 64");
        assertEquals((long) rows * cols * (float32 ? 4 : 8), body.length - dataStart);
        assertEquals(1, body[6]);
        assertEquals(0, body[7]);
        String header = new String(body, 10, headerLength, StandardCharsets.ISO_8859_1);
        assertTrue(header.endsWith("\n"), "header must end with a newline");
        String descr = (order == ByteOrder.LITTLE_ENDIAN ? "<" : ">") + (float32 ? "f4" : "f8");
        assertEquals(NpyBytes.header(descr, fortran, "(" + rows + ", " + cols + ")"), header.strip());
    }

    @Test
    void float64WrittenAsFloat32IsRoundedToNearest() throws NpyFormatException {
        WeightMatrix m = WeightMatrix.of(1, 3, new double[] {0.1, 1.0 / 3, -2.5}, false);
        WeightMatrix decoded = NpyDecoder.decode(NpyEncoder.encode(m, true, false, ByteOrder.LITTLE_ENDIAN));
        assertTrue(decoded.float32());
        assertEquals(WeightMatrix.of(1, 3, new double[] {(float) 0.1, (float) (1.0 / 3), -2.5}, true), decoded);
    }

    @Test
    void aDecodedMatrixSaysItsValuesWereCheckedFiniteAndABuiltOneDoesNot() throws NpyFormatException {
        // The spectrum actor scans only matrices nobody checked (a built-in trainer's may have diverged).
        for (boolean float32 : new boolean[] {true, false}) {
            WeightMatrix built = WeightMatrix.of(2, 3, new double[] {0.5, -1.25, 3, 0, 2.75, -8}, float32);
            assertTrue(!built.checkedFinite(), "a matrix built with of() was never checked");
            WeightMatrix decoded = NpyDecoder.decode(NpyEncoder.encode(built, true, false, ByteOrder.LITTLE_ENDIAN));
            assertTrue(decoded.checkedFinite(), "the decoder checked every value");
            WeightMatrix bad = WeightMatrix.of(1, 2, new double[] {1, Double.NaN}, float32);
            assertTrue(!bad.checkedFinite());
        }
    }

    @Test
    void defaultEncodingKeepsThePrecisionOfTheMatrix() throws NpyFormatException {
        WeightMatrix m32 = randomMatrix(3, 5, true, 1);
        WeightMatrix m64 = randomMatrix(3, 5, false, 1);
        assertEquals(m32, NpyDecoder.decode(NpyEncoder.encode(m32)));
        assertEquals(m64, NpyDecoder.decode(NpyEncoder.encode(m64)));
        assertEquals(10 + 118 + 15 * 4, NpyEncoder.encode(m32).length);
    }

    @Test
    void decodesFromAnyKindOfByteBufferWithoutMovingIt() throws NpyFormatException {
        WeightMatrix m = randomMatrix(4, 6, true, 3);
        byte[] body = NpyEncoder.encode(m, true, true, ByteOrder.BIG_ENDIAN);
        ByteBuffer direct = ByteBuffer.allocateDirect(body.length + 10);
        direct.position(7);
        direct.put(body);
        direct.position(7).limit(7 + body.length);
        direct.order(ByteOrder.BIG_ENDIAN);
        assertEquals(m, NpyDecoder.decode(direct.asReadOnlyBuffer()));
        assertEquals(m, NpyDecoder.decode(direct));
        assertEquals(7, direct.position());
        assertEquals(7 + body.length, direct.limit());
        assertEquals(ByteOrder.BIG_ENDIAN, direct.order());
    }

    @Test
    void largeMatricesSurviveTheTiledTranspose() throws NpyFormatException {
        // Not multiples of the 64-element tile, so every kind of partial tile is crossed.
        WeightMatrix m = randomMatrix(1031, 777, true, 11);
        assertEquals(m, NpyDecoder.decode(NpyEncoder.encode(m, true, true, ByteOrder.LITTLE_ENDIAN)));
        assertEquals(m, NpyDecoder.decode(NpyEncoder.encode(m, true, false, ByteOrder.BIG_ENDIAN)));
    }
}

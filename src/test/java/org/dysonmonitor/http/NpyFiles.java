package org.dysonmonitor.http;

import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.ingest.WeightMatrix;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * .npy bodies for the HTTP tests: valid ones through {@link NpyEncoder}, whose spectra are known
 * exactly without numpy, and hand-made ones (magic {@code \x93NUMPY}, version 1.0, a header dict
 * padded to 64 bytes) that are wrong in exactly one way.
 */
final class NpyFiles {

    private NpyFiles() {
    }

    /**
     * A 5×3 matrix (or its 3×5 transpose) with orthogonal columns of norms 2s, 4s and 6s, every entry
     * ±s, ±2s or ±3s, so exact in float32: the eigenvalues of WᵀW are exactly 4s², 16s², 36s².
     * Read in the wrong order, the columns would not be orthogonal and the spectrum would differ.
     */
    static WeightMatrix orthogonalColumns(int s, boolean wide) {
        double[][] columns = {
                {1, 1, 1, 1, 0},
                {2, -2, 2, -2, 0},
                {3, 3, -3, -3, 0},
        };
        double[] tall = new double[15];
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 3; c++) {
                tall[r * 3 + c] = s * columns[c][r];
            }
        }
        if (!wide) {
            return WeightMatrix.of(5, 3, tall, false);
        }
        double[] t = new double[15];
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 3; c++) {
                t[c * 5 + r] = tall[r * 3 + c];
            }
        }
        return WeightMatrix.of(3, 5, t, false);
    }

    /** The exact ascending spectrum of {@link #orthogonalColumns}: 4s², 16s², 36s². */
    static double[] orthogonalColumnsSpectrum(int s) {
        return new double[] {4.0 * s * s, 16.0 * s * s, 36.0 * s * s};
    }

    /** diag(d) as an n×n float64 matrix: its spectrum is d² sorted. */
    static WeightMatrix diagonal(double... d) {
        int n = d.length;
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = d[i];
        }
        return WeightMatrix.of(n, n, v, false);
    }

    /** A rows×cols matrix with d[i] at (i, i) and zeros elsewhere (min(rows, cols) = d.length). */
    static WeightMatrix rectangularDiagonal(int rows, int cols, double... d) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < d.length; i++) {
            v[i * cols + i] = d[i];
        }
        return WeightMatrix.of(rows, cols, v, false);
    }

    /** {@code m} as numpy.save writes it: float64, C order, little-endian. */
    static byte[] npy(WeightMatrix m) {
        return NpyEncoder.encode(m, false, false, ByteOrder.LITTLE_ENDIAN);
    }

    /** A header dict as numpy writes it, e.g. {@code dict("<f8", false, "(5, 3)")}. */
    static String dict(String descr, boolean fortranOrder, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': " + (fortranOrder ? "True" : "False")
                + ", 'shape': " + shape + ", }";
    }

    /** Version 1.0: magic, version, the true header length, the dict padded with spaces to 64 bytes and '\n', data. */
    static byte[] v1(String dict, byte[] data) {
        byte[] header = padded(dict);
        return v1(header.length, header, data);
    }

    /** Version 1.0 whose header-length field says {@code declaredHeaderLength}, whatever follows. */
    static byte[] v1(int declaredHeaderLength, byte[] header, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.writeBytes(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) declaredHeaderLength).array());
        out.writeBytes(header);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** The dict, padded with spaces and ended by '\n' so that the data starts at a multiple of 64. */
    static byte[] padded(String dict) {
        int length = dict.length() + 1;
        length += (64 - (10 + length) % 64) % 64;
        byte[] header = new byte[length];
        Arrays.fill(header, (byte) ' ');
        byte[] text = dict.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(text, 0, header, 0, text.length);
        header[length - 1] = '\n';
        return header;
    }

    static byte[] doubles(ByteOrder order, double... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(order);
        b.asDoubleBuffer().put(values);
        return b.array();
    }

    /** {@code count} float64 values 1, 2, 3, ... little-endian. */
    static byte[] counting(int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = i + 1;
        }
        return doubles(ByteOrder.LITTLE_ENDIAN, v);
    }

    static byte[] cut(byte[] bytes, int length) {
        return Arrays.copyOf(bytes, length);
    }
}

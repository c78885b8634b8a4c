package org.dysonmonitor.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Python helpers, prepended to the scripts of the model tests, that write whole-model bodies the way the
 * real writers do, and the values numpy expects of them.
 *
 * <ul>
 *   <li>{@code expect(path, a)}: writes {@code a.reshape(a.shape[0], -1)} as little-endian float64 (every
 *       float16, bfloat16 and float32 value is exact in float64), the reference a decoded layer must
 *       equal;</li>
 *   <li>{@code safetensors(path, tensors, metadata=None)}: a safetensors file from {@code name: (dtype,
 *       array)}, written as the format specifies (header padded with spaces to a multiple of 8, tensors
 *       little-endian and C-ordered back to back); dtype {@code "BF16"} takes a float32 array and keeps the
 *       upper 16 bits of each value, so the file holds exactly representable bfloat16 numbers;</li>
 *   <li>{@code bf16_values(a)}: the float32 values those bfloat16 bits stand for, computed by numpy;</li>
 *   <li>{@code raw_zip(path, entries)}: a zip written byte by byte from {@code (name, method, data,
 *       declared_size, crc)} tuples, so that a test can make an archive lie about its sizes.</li>
 * </ul>
 */
final class ModelFiles {

    static final String PYTHON = """
            import json, os, struct, sys, zipfile, zlib
            import numpy as np

            def expect(path, a):
                np.ascontiguousarray(np.asarray(a).reshape(a.shape[0], -1), dtype='<f8').tofile(path)

            def bf16_bits(a):
                return (np.ascontiguousarray(a, dtype='<f4').view('<u4') >> 16).astype('<u2')

            def bf16_values(a):
                return (bf16_bits(a).astype('<u4') << 16).view('<f4').reshape(np.shape(a))

            ST_DTYPES = {'F64': '<f8', 'F32': '<f4', 'F16': '<f2', 'I64': '<i8', 'I32': '<i4', 'U8': 'u1',
                         'I8': 'i1', 'BOOL': '?'}

            def st_bytes(dtype, a):
                if dtype == 'BF16':
                    return bf16_bits(a).tobytes()
                return np.ascontiguousarray(a, dtype=ST_DTYPES[dtype]).tobytes()

            def safetensors(path, tensors, metadata=None, header_extra=None):
                header, blobs, offset = {}, [], 0
                if metadata is not None:
                    header['__metadata__'] = metadata
                for name, (dtype, a) in tensors.items():
                    b = st_bytes(dtype, a)
                    header[name] = {'dtype': dtype, 'shape': list(np.shape(a)), 'data_offsets': [offset, offset + len(b)]}
                    blobs.append(b)
                    offset += len(b)
                if header_extra:
                    header_extra(header)
                text = json.dumps(header, separators=(',', ':')).encode()
                text += b' ' * ((8 - len(text) % 8) % 8)
                with open(path, 'wb') as f:
                    f.write(struct.pack('<Q', len(text)))
                    f.write(text)
                    for b in blobs:
                        f.write(b)

            def npy_bytes(a):
                import io
                f = io.BytesIO()
                np.save(f, a, allow_pickle=False)
                return f.getvalue()

            def deflate(data):
                c = zlib.compressobj(9, zlib.DEFLATED, -15)
                return c.compress(data) + c.flush()

            def raw_zip(path, entries):
                out, central = bytearray(), bytearray()
                for name, method, data, size, crc in entries:
                    n = name.encode()
                    offset = len(out)
                    big = size >= 0xffffffff or len(data) >= 0xffffffff
                    extra = struct.pack('<HHQQ', 1, 16, size, len(data)) if big else b''
                    s32 = 0xffffffff if big else size
                    c32 = 0xffffffff if big else len(data)
                    out += struct.pack('<IHHHHHIIIHH', 0x04034b50, 45, 0, method, 0, 0, crc, c32, s32, len(n), len(extra))
                    out += n + extra + data
                    central += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 45, 45, 0, method, 0, 0, crc, c32, s32,
                                           len(n), len(extra), 0, 0, 0, 0, offset) + n + extra
                start = len(out)
                out += central
                out += struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, len(entries), len(entries), len(central), start, 0)
                with open(path, 'wb') as f:
                    f.write(out)

            """;

    private ModelFiles() {
    }

    /** The reference written by {@code expect}: row-major float64 values. */
    static double[] expected(Path file) {
        try {
            DoubleBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
            double[] v = new double[b.remaining()];
            b.get(v);
            return v;
        } catch (IOException e) {
            return fail("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Every value of {@code m} equals numpy's, bit for bit after exact widening. */
    static void assertValues(double[] expected, WeightMatrix m, String what) {
        assertEquals(expected.length, m.size(), what + ": element count");
        double[] actual = m.toRowMajor();
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToLongBits(expected[i]) != Double.doubleToLongBits(actual[i])) {
                fail(what + ": element " + i + " (row " + i / m.cols() + ", col " + i % m.cols() + ") is "
                        + actual[i] + ", numpy has " + expected[i]);
            }
        }
    }

    /** A whole file as a read-only heap buffer, as a body arrives from the network. */
    static ByteBuffer body(Path file) {
        try {
            return ByteBuffer.wrap(Files.readAllBytes(file)).asReadOnlyBuffer();
        } catch (IOException e) {
            return fail("cannot read " + file + ": " + e.getMessage());
        }
    }
}

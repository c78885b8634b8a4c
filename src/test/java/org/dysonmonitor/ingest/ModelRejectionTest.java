package org.dysonmonitor.ingest;

import static org.dysonmonitor.ingest.ModelFiles.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import org.dysonmonitor.ingest.NpyFormatException.Reason;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad whole-model body, written by numpy, Python's zipfile or by hand, is rejected by both
 * {@link ModelDecoder#header} and {@link ModelDecoder#decode} (or by decode alone where only the values
 * are wrong) for the right reason, with a message that names the bad array.
 */
class ModelRejectionTest {

    private static final String WRITE = ModelFiles.PYTHON + """
            out = sys.argv[1]
            p = lambda name: os.path.join(out, name)
            w = np.ones((3, 4), '<f4')
            np.savez(p('pickle.npz'), w=w, o=np.array([{'a': 1}, None], dtype=object))
            nan = w.copy(); nan[2, 3] = np.nan
            np.savez_compressed(p('nan.npz'), w=w, bad=nan)
            conv = np.asfortranarray(np.ones((4, 3, 2, 2), '>f8')); conv[1, 2, 0, 1] = -np.inf
            np.savez(p('inf_conv.npz'), conv=conv)
            with zipfile.ZipFile(p('duplicate.npz'), 'w') as z:
                z.writestr('w.npy', npy_bytes(w))
                import warnings
                with warnings.catch_warnings():
                    warnings.simplefilter('ignore')
                    z.writestr('w.npy', npy_bytes(w))
            np.savez(p('space.npz'), **{'a b': w})
            np.savez(p('reserved.npz'), **{'_w': w})
            np.savez(p('long.npz'), **{'x' * 129: w})
            with zipfile.ZipFile(p('dir.npz'), 'w') as z:
                z.writestr('layers/w.npy', npy_bytes(w))
            with zipfile.ZipFile(p('txt.npz'), 'w') as z:
                z.writestr('w.txt', npy_bytes(w))
            with zipfile.ZipFile(p('not_npy.npz'), 'w') as z:
                z.writestr('w.npy', b'hello, world, this is not an array')
            np.savez(p('zero.npz'), w=w, empty=np.zeros((0, 5), '<f4'))
            np.savez(p('int2d.npz'), w=w, ids=np.arange(6, dtype='<i8').reshape(2, 3))
            np.savez(p('complex.npz'), w=w, c=np.ones((2, 2), '<c8'))
            np.savez(p('only_biases.npz'), b=np.ones(3), s=np.array(2.0))
            np.savez(p('four.npz'), a=w, b=w, c=w, d=w)
            with zipfile.ZipFile(p('bzip2.npz'), 'w', compression=zipfile.ZIP_BZIP2) as z:
                z.writestr('w.npy', npy_bytes(w))
            np.savez(p('mismatch_src.npz'), w=w)
            data = npy_bytes(w)
            raw_zip(p('short_npy.npz'), [('w.npy', 0, data[:-4], len(data) - 4, zlib.crc32(data[:-4]))])
            raw_zip(p('bad_crc.npz'), [('w.npy', 0, data, len(data), zlib.crc32(data) ^ 1)])
            d = deflate(data)
            # The NPY header's block, then a block of the reserved type 3.
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            head = c.compress(data[:128]) + c.flush(zlib.Z_FULL_FLUSH)
            raw_zip(p('deflate_corrupt.npz'), [('w.npy', 8, head + b'\\xff' * 40, len(data), zlib.crc32(data))])
            raw_zip(p('deflate_short.npz'), [('w.npy', 8, d[:len(d) // 2], len(data), zlib.crc32(data))])
            raw_zip(p('deflate_claims_more.npz'), [('w.npy', 8, d, len(data) + 8, zlib.crc32(data))])
            # A header that claims 32768 x 32768 float32 (4 GiB) in a few hundred compressed bytes.
            huge = np.lib.format.header_data_from_array_1_0(w)
            huge['shape'] = (32768, 32768)
            import io
            f = io.BytesIO(); np.lib.format.write_array_header_1_0(f, huge); hdr = f.getvalue()
            size = len(hdr) + 4 * 32768 * 32768
            raw_zip(p('claims_4gib.npz'), [('w.npy', 8, deflate(hdr + bytes(4096)), size, 0)])
            # A small array whose stream expands to 64 MiB of zeros past its end: the declared size is honest
            # about the array, but the stream is a bomb.
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            stream = c.compress(data)
            chunk = bytes(1 << 20)
            for _ in range(64):
                stream += c.compress(chunk)
            stream += c.flush()
            raw_zip(p('expands.npz'), [('w.npy', 8, stream, len(data), zlib.crc32(data))])
            with open(p('truncated.npz'), 'wb') as f:
                f.write(open(p('four.npz'), 'rb').read()[:300])

            s = lambda name, tensors, **kw: safetensors(p(name + '.safetensors'), tensors, **kw)
            s('st_i64', {'w': ('F32', w), 'ids': ('I64', np.arange(6).reshape(2, 3))})
            s('st_f8', {'w': ('F32', w)}, header_extra=lambda h: h['w'].update(dtype='F8_E4M3'))
            s('st_nan', {'w': ('F32', w), 'bad': ('BF16', nan)})
            s('st_name', {'w x': ('F32', w)})
            s('st_zero', {'w': ('F32', w), 'z': ('F32', np.zeros((3, 0), '<f4'))})
            s('st_overlap', {'a': ('F32', w), 'b': ('F32', w)}, header_extra=lambda h: h['b'].update(data_offsets=[40, 88]))
            s('st_outside', {'a': ('F32', w)}, header_extra=lambda h: h['a'].update(data_offsets=[8, 56]))
            s('st_gap', {'a': ('F32', w), 'b': ('F32', w)}, header_extra=lambda h: h['a'].update(shape=[2, 4], data_offsets=[0, 32]))
            s('st_size', {'a': ('F32', w), 'b': ('F32', w)}, header_extra=lambda h: h['b'].update(shape=[3, 3]))
            s('st_meta', {'a': ('F32', w)}, metadata={'step': 12})
            s('st_neg', {'a': ('F32', w)}, header_extra=lambda h: h['a'].update(shape=[-3, -4]))
            s('st_only_bias', {'b': ('F32', np.ones(4, '<f4'))})
            s('st_many', {k: ('F32', w) for k in 'abcd'})
            with open(p('st_dup.safetensors'), 'wb') as f:
                text = b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}'
                f.write(struct.pack('<Q', len(text)) + text + bytes(8))
            with open(p('st_json.safetensors'), 'wb') as f:
                text = b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}'
                f.write(struct.pack('<Q', len(text)) + text + bytes(4))
            with open(p('st_truncated.safetensors'), 'wb') as f:
                f.write(open(p('st_many.safetensors'), 'rb').read()[:60])
            with open(p('st_huge_header.safetensors'), 'wb') as f:
                f.write(struct.pack('<Q', 1 << 35) + b'{"w": {}}')
            """;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeFiles() {
        Numpy.run(dir, WRITE, dir.toString());
    }

    /** Small limits, so that the limit tests need no large files: 3 entries, 100 elements a model. */
    private static final ModelLimits SMALL = new ModelLimits(3, 1 << 20, 100, 100, 1 << 20, 1100);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '"', value = {
        "pickle.npz              => UNSUPPORTED_DTYPE => array 'o': dtype '|O' (Python objects, stored as a pickle) is not supported: the monitor never unpickles",
        "duplicate.npz           => DUPLICATE_NAME    => two arrays are named 'w'",
        "space.npz               => BAD_NAME          => array name 'a b' has a character outside [A-Za-z0-9_.:-] at position 1",
        "reserved.npz            => BAD_NAME          => array name '_w' starts with '_', which is reserved",
        "long.npz                => BAD_NAME          => has 129 characters, more than 128",
        "dir.npz                 => BAD_NAME          => array name 'layers/w' has a character outside",
        "txt.npz                 => BAD_NAME          => zip entry 'w.txt' is not called name.npy",
        "not_npy.npz             => BAD_MAGIC         => array 'w': zip entry w.npy is not an NPY file",
        "zero.npz                => BAD_SHAPE         => array 'empty': shape (0, 5) has a zero dimension",
        "int2d.npz               => UNSUPPORTED_DTYPE => array 'ids': dtype '<i8' (int64) is not supported",
        "complex.npz             => UNSUPPORTED_DTYPE => array 'c': dtype '<c8' (complex64) is not supported",
        "only_biases.npz         => NO_LAYERS         => the model has no array of 2 or more dimensions (only 2 0-D or 1-D arrays)",
        "bzip2.npz               => UNSUPPORTED_ARCHIVE => zip entry 'w.npy' uses compression method 12",
        "short_npy.npz           => SIZE_MISMATCH     => array 'w': declared shape (3, 4) float32 needs 48 bytes of data, body has 44",
        "deflate_short.npz       => BAD_ARCHIVE       => array 'w': deflate stream ends early",
        "deflate_corrupt.npz     => BAD_ARCHIVE       => array 'w': corrupt deflate stream",
        "deflate_claims_more.npz => SIZE_MISMATCH     => array 'w': declared shape (3, 4) float32 needs 48 bytes of data, body has 56",
        "claims_4gib.npz         => ZIP_BOMB          => array 'w': entry inflates to 4294967424 bytes, more than the limit of 1073741824",
        "truncated.npz           => BAD_ARCHIVE       => zip archive has no end-of-central-directory record (truncated upload?)",
        "st_i64.safetensors      => UNSUPPORTED_DTYPE => array 'ids': dtype I64 of a 2-D tensor is not supported",
        "st_f8.safetensors       => UNSUPPORTED_DTYPE => array 'w': dtype 'F8_E4M3' is not supported",
        "st_name.safetensors     => BAD_NAME          => array name 'w x' has a character outside",
        "st_zero.safetensors     => BAD_SHAPE         => array 'z': shape [3, 0] has a zero dimension",
        "st_neg.safetensors      => BAD_SHAPE         => array 'a': shape [-3, -4] has a negative dimension",
        "st_overlap.safetensors  => BAD_ARCHIVE       => arrays 'a' and 'b' overlap in the data",
        "st_outside.safetensors  => BAD_ARCHIVE       => array 'a': data_offsets [8, 56] are not within the 48 bytes of data",
        "st_gap.safetensors      => BAD_ARCHIVE       => data bytes 32 to 48 before array 'b' belong to no array",
        "st_size.safetensors     => SIZE_MISMATCH     => array 'b': shape [3, 3] F32 needs 36 bytes, data_offsets [48, 96] hold 48",
        "st_meta.safetensors     => BAD_HEADER        => safetensors header __metadata__ value of 'step' is not a string",
        "st_only_bias.safetensors => NO_LAYERS        => the model has no array of 2 or more dimensions",
        "st_dup.safetensors      => DUPLICATE_NAME    => two arrays are named 'w'",
        "st_json.safetensors     => BAD_HEADER        => safetensors header is not valid JSON",
        "st_truncated.safetensors => TRUNCATED        => safetensors header declares",
        "st_huge_header.safetensors => TOO_LARGE      => safetensors header declares 34359738368 bytes, more than the limit of 16777216",
    })
    void rejectedBeforeAnyValueIsDecoded(String file, Reason reason, String message) {
        for (boolean decode : new boolean[] {false, true}) {
            NpyFormatException e = reject(file, ModelLimits.DEFAULT, decode);
            assertEquals(reason, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(message), () -> "'" + e.getMessage() + "' lacks '" + message + "'");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '"', value = {
        "nan.npz             => NON_FINITE  => array 'bad': value at row 2, col 3 is NaN (has training diverged?)",
        "inf_conv.npz        => NON_FINITE  => array 'conv': value at index (1, 2, 0, 1) is -Inf (has training diverged?)",
        "st_nan.safetensors  => NON_FINITE  => array 'bad': value at row 2, col 3 is NaN (has training diverged?)",
        "bad_crc.npz         => BAD_ARCHIVE => array 'w': zip entry w.npy fails its CRC-32 check (corrupt or truncated upload?)",
        "expands.npz         => ZIP_BOMB    => array 'w': entry inflates beyond the 176 bytes it declares",
    })
    void valuesAreCheckedWhenDecoded(String file, Reason reason, String message) throws NpyFormatException {
        ModelDecoder.header(body(dir.resolve(file)), ModelLimits.DEFAULT);
        NpyFormatException e = reject(file, ModelLimits.DEFAULT, true);
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(message, e.getMessage());
    }

    @Test
    void limitsOnEntriesAndElements() {
        assertEquals("zip archive declares 4 entries, more than the limit of 3",
                reject("four.npz", SMALL, false).getMessage());
        assertEquals(Reason.TOO_MANY_ENTRIES, reject("four.npz", SMALL, true).reason());
        NpyFormatException st = reject("st_many.safetensors", SMALL, false);
        assertEquals(Reason.TOO_MANY_ENTRIES, st.reason());
        // 3 matrices of 12 elements fit in 100, as one matrix per array of at most 100; 9 do not.
        ModelLimits elements = new ModelLimits(10, 1 << 20, 40, 100, 1 << 20, 1100);
        NpyFormatException total = reject("four.npz", elements, false);
        assertEquals(Reason.TOO_LARGE, total.reason());
        assertEquals("array 'd' brings the model to 48 elements, more than the limit of 40", total.getMessage());
        NpyFormatException one = reject("four.npz", new ModelLimits(10, 1 << 20, 1000, 11, 1 << 20, 1100), false);
        assertEquals("array 'a': declared shape (3, 4) has 12 elements, more than the limit of 11", one.getMessage());
        NpyFormatException header = reject("four.npz", new ModelLimits(10, 100, 1000, 100, 1 << 20, 1100), false);
        assertEquals(Reason.TOO_LARGE, header.reason());
        assertTrue(header.getMessage().startsWith("zip central directory declares"), header.getMessage());
        NpyFormatException stHeader = reject("st_many.safetensors", new ModelLimits(10, 100, 1000, 100, 1 << 20, 1100), false);
        assertEquals(Reason.TOO_LARGE, stHeader.reason());
    }

    @Test
    void compressionRatioAndInflatedTotal() {
        // nan.npz's entries are deflated 3x4 float32 arrays: 176 bytes each from about 50.
        NpyFormatException ratio = reject("nan.npz", new ModelLimits(10, 1 << 20, 1000, 100, 1 << 20, 2), false);
        assertEquals(Reason.ZIP_BOMB, ratio.reason());
        assertTrue(ratio.getMessage().startsWith("array 'w': "), ratio.getMessage());
        NpyFormatException inflated = reject("nan.npz", new ModelLimits(10, 1 << 20, 1000, 100, 300, 1100), false);
        assertEquals(Reason.ZIP_BOMB, inflated.reason());
        assertEquals("array 'bad': the deflated entries inflate to more than the limit of 300 bytes", inflated.getMessage());
    }

    /**
     * A body of a few hundred bytes that claims 4 GiB, and one whose 64 MiB of zeros hide behind an honest
     * 176-byte array: both are refused with less than 1 MiB allocated (the limit is generous against the
     * JIT's and JUnit's own allocations; inflating either would allocate over 60 MiB) in well under a second.
     */
    @Test
    void zipBombsAreRefusedWithoutInflating() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (String file : new String[] {"claims_4gib.npz", "expands.npz"}) {
            ByteBuffer body = body(dir.resolve(file));
            assertThrows(NpyFormatException.class, () -> ModelDecoder.decode(body, ModelLimits.DEFAULT));
            long allocated = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            NpyFormatException e = assertThrows(NpyFormatException.class,
                    () -> ModelDecoder.decode(body, ModelLimits.DEFAULT));
            long nanos = System.nanoTime() - start;
            allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
            assertEquals(Reason.ZIP_BOMB, e.reason(), e.getMessage());
            assertTrue(allocated < 1 << 20, file + " allocated " + allocated + " bytes");
            assertTrue(nanos < 500_000_000L, file + " took " + nanos / 1_000_000 + " ms");
            assertTrue(body.capacity() < 1 << 20, file + " is " + body.capacity() + " bytes");
        }
    }

    @Test
    void unknownBodies() {
        assertEquals(Reason.EMPTY_BODY, reject(new byte[0]).reason());
        NpyFormatException npy = reject(NpyEncoder.encode(WeightMatrix.of(1, 1, new double[] {1}, false)));
        assertEquals(Reason.BAD_MAGIC, npy.reason());
        assertTrue(npy.getMessage().contains("(a single .npy array"), npy.getMessage());
        NpyFormatException json = reject("{\"w\": 1}".getBytes(StandardCharsets.US_ASCII));
        assertEquals("body is neither an .npz archive (which starts with PK\\x03\\x04) nor a safetensors file "
                + "(an 8-byte header length, then '{'): it starts with b'{\"w\": 1}'", json.getMessage());
    }

    @Test
    void everyReasonIsReachableFromSomeBody() {
        Set<Reason> seen = EnumSet.noneOf(Reason.class);
        String[] files = {"pickle.npz", "duplicate.npz", "space.npz", "not_npy.npz", "zero.npz", "only_biases.npz",
            "bzip2.npz", "short_npy.npz", "truncated.npz", "claims_4gib.npz", "nan.npz", "st_truncated.safetensors",
            "st_huge_header.safetensors", "st_meta.safetensors", "four.npz"};
        for (String file : files) {
            seen.add(reject(file, SMALL, true).reason());
        }
        seen.add(reject(new byte[0]).reason());
        assertEquals(EnumSet.allOf(Reason.class), seen);
    }

    private static NpyFormatException reject(String file, ModelLimits limits, boolean decode) {
        ByteBuffer body = body(dir.resolve(file));
        return assertThrows(NpyFormatException.class, () -> {
            if (decode) {
                ModelDecoder.decode(body, limits);
            } else {
                ModelDecoder.header(body, limits);
            }
        }, file);
    }

    private static NpyFormatException reject(byte[] body) {
        return assertThrows(NpyFormatException.class, () -> ModelDecoder.decode(ByteBuffer.wrap(body), ModelLimits.DEFAULT));
    }
}

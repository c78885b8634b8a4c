package org.dysonmonitor.ingest;

import static org.dysonmonitor.ingest.ModelFiles.assertValues;
import static org.dysonmonitor.ingest.ModelFiles.body;
import static org.dysonmonitor.ingest.ModelFiles.expected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole models written by numpy ({@code np.savez}, {@code np.savez_compressed}) and by a safetensors writer
 * decode to the values numpy holds, every layer reshaped as {@code w.reshape(w.shape[0], -1)}. Fails
 * (never skips) without python3 and numpy.
 */
class ModelDecoderInteropTest {

    /**
     * For each of stored/deflated × float16/32/64 × little/big-endian × C/Fortran order, one {@code .npz}
     * with a matrix, a 3-D array, a 4-D convolution kernel, a bias, a scalar and an int64 counter; the
     * reference values of every layer next to it.
     */
    private static final String WRITE = ModelFiles.PYTHON + """
            out = sys.argv[1]
            rng = np.random.default_rng(7)
            base = {'fc.weight': rng.standard_normal((5, 7)), 'cube': rng.standard_normal((3, 4, 5)),
                    'conv1.weight': rng.standard_normal((4, 3, 2, 2))}
            for compressed in (False, True):
                for dt in ('f2', 'f4', 'f8'):
                    for bo in '<>':
                        for order in 'CF':
                            name = f"{'z' if compressed else 's'}_{dt}_{'le' if bo == '<' else 'be'}_{order}"
                            arrays = {k: np.asarray(v.astype(bo + dt), order=order) for k, v in base.items()}
                            arrays['fc.bias'] = rng.standard_normal(5).astype(bo + dt)
                            arrays['scale'] = np.array(0.5, dtype=bo + dt)
                            arrays['bn.num_batches_tracked'] = np.array(12, dtype=np.int64)
                            (np.savez_compressed if compressed else np.savez)(os.path.join(out, name + '.npz'), **arrays)
                            for k in base:
                                expect(os.path.join(out, name + '.' + k + '.f64'), arrays[k])

            # Every finite float16 (2 x 31 x 1024 bit patterns) and bfloat16 (2 x 255 x 128) value, exactly.
            halves = np.arange(65536, dtype='<u2').view('<f2')
            halves = halves[np.isfinite(halves)].reshape(62, 1024)
            np.savez(os.path.join(out, 'all_halves.npz'), h=halves)
            expect(os.path.join(out, 'all_halves.h.f64'), halves)
            bf = (np.arange(65536, dtype='<u4') << 16).view('<f4')
            bf = bf[np.isfinite(bf)].reshape(255, 256)

            w = rng.standard_normal((6, 4)).astype('<f4')
            conv = rng.standard_normal((8, 3, 3, 3)).astype('<f4')
            d = rng.standard_normal((3, 5))
            h = rng.standard_normal((4, 4)).astype('<f2')
            b16 = rng.standard_normal((5, 3)).astype('<f4')
            safetensors(os.path.join(out, 'model.safetensors'),
                        {'encoder.layers.0.self_attn.in_proj_weight': ('F32', w), 'conv.weight': ('F32', conv),
                         'head.weight': ('F64', d), 'half.weight': ('F16', h), 'bf.weight': ('BF16', b16),
                         'all_bf16': ('BF16', bf), 'head.bias': ('F32', np.zeros(3, '<f4')),
                         'num_batches_tracked': ('I64', np.array(3, '<i8'))},
                        metadata={'step': '1200', 'format': 'pt'})
            for k, a in (('encoder.layers.0.self_attn.in_proj_weight', w), ('conv.weight', conv), ('head.weight', d),
                         ('half.weight', h), ('bf.weight', bf16_values(b16)), ('all_bf16', bf)):
                expect(os.path.join(out, 'model.' + k + '.f64'), a)
            """;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeFiles() {
        Numpy.run(dir, WRITE, dir.toString());
    }

    static Stream<String> npzFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[sz]_f\\d_.._[CF]\\.npz"))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("npzFiles")
    void npzDecodesToNumpysValues(String file) throws NpyFormatException {
        String stem = file.substring(0, file.length() - 4);
        ByteBuffer body = body(dir.resolve(file));
        assertEquals(ModelDecoder.Format.NPZ, ModelDecoder.detect(body));
        DecodedModel model = ModelDecoder.decode(body, ModelLimits.DEFAULT);

        assertEquals(List.of("fc.weight", "cube", "conv1.weight"), model.layers().stream().map(NamedMatrix::name).toList());
        for (NamedMatrix layer : model.layers()) {
            assertValues(expected(dir.resolve(stem + "." + layer.name() + ".f64")), layer.matrix(), file + " " + layer.name());
            assertEquals(!file.contains("_f8_"), layer.matrix().float32(), layer.name());
        }
        NamedMatrix conv = model.layers().get(2);
        assertArrayEquals(new long[] {4, 3, 2, 2}, conv.originalShape());
        assertEquals(4, conv.matrix().rows());
        assertEquals(12, conv.matrix().cols());
        assertEquals(List.of("fc.bias", "scale", "bn.num_batches_tracked"),
                model.skipped().stream().map(ArrayHeader::name).toList());
        assertArrayEquals(new long[] {5}, model.skipped().get(0).shape());
        assertArrayEquals(new long[0], model.skipped().get(1).shape());
        assertEquals(ElementType.INT64, model.skipped().get(2).dtype());
        assertTrue(model.metadata().isEmpty());
    }

    @Test
    void everyVariantWasWritten() throws IOException {
        assertEquals(24, npzFiles().count());
    }

    @Test
    void headersDescribeEveryArrayWithoutDecoding() throws NpyFormatException {
        ModelHeader h = ModelDecoder.header(body(dir.resolve("z_f2_be_F.npz")), ModelLimits.DEFAULT);
        assertEquals(ModelDecoder.Format.NPZ, h.format());
        ArrayHeader conv = h.arrays().get(2);
        assertEquals("conv1.weight", conv.name());
        assertArrayEquals(new long[] {4, 3, 2, 2}, conv.shape());
        assertEquals(ElementType.FLOAT16, conv.dtype());
        assertEquals(48 * 2, conv.byteSize());
        assertTrue(conv.isLayer());
        assertEquals(4, conv.rows());
        assertEquals(12, conv.cols());
        assertFalse(h.arrays().get(3).isLayer());
        assertEquals(3, h.layers().size());
        assertEquals(3, h.skipped().size());
        assertEquals(h.arrays(), ModelDecoder.headers(body(dir.resolve("z_f2_be_F.npz")), ModelLimits.DEFAULT));
    }

    @Test
    void everyFiniteFloat16WidensExactly() throws NpyFormatException {
        DecodedModel model = ModelDecoder.decode(body(dir.resolve("all_halves.npz")), ModelLimits.DEFAULT);
        assertValues(expected(dir.resolve("all_halves.h.f64")), model.layers().get(0).matrix(), "all halves");
    }

    @Test
    void safetensorsDecodesToNumpysValuesWithItsMetadata() throws NpyFormatException {
        ByteBuffer body = body(dir.resolve("model.safetensors"));
        assertEquals(ModelDecoder.Format.SAFETENSORS, ModelDecoder.detect(body));
        DecodedModel model = ModelDecoder.decode(body, ModelLimits.DEFAULT);
        List<String> names = model.layers().stream().map(NamedMatrix::name).toList();
        assertEquals(List.of("encoder.layers.0.self_attn.in_proj_weight", "conv.weight", "head.weight", "half.weight",
                "bf.weight", "all_bf16"), names);
        for (NamedMatrix layer : model.layers()) {
            assertValues(expected(dir.resolve("model." + layer.name() + ".f64")), layer.matrix(), layer.name());
        }
        assertEquals(27, model.layers().get(1).matrix().cols());
        assertFalse(model.layers().get(2).matrix().float32());
        assertTrue(model.layers().get(4).matrix().float32());
        assertEquals(List.of("head.bias", "num_batches_tracked"), model.skipped().stream().map(ArrayHeader::name).toList());
        assertEquals(Map.of("step", "1200", "format", "pt"), model.metadata());
        assertEquals(model.metadata(), ModelDecoder.header(body, ModelLimits.DEFAULT).metadata());
    }
}

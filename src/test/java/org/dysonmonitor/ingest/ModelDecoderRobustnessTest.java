package org.dysonmonitor.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated model bodies (flipped bytes, cuts, and length or offset fields overwritten with extreme values)
 * either decode or are rejected with an {@link NpyFormatException}: nothing else ever escapes, whatever the
 * bytes. A short, seeded stand-in for the fuzzer the decoder will later face.
 */
class ModelDecoderRobustnessTest {

    private static final int MUTATIONS = 2000;

    private static final String WRITE = ModelFiles.PYTHON + """
            out = sys.argv[1]
            rng = np.random.default_rng(3)
            arrays = {'a.weight': rng.standard_normal((4, 6)).astype('<f4'), 'b': rng.standard_normal(3),
                      'conv': np.asfortranarray(rng.standard_normal((2, 3, 2, 2)).astype('>f2'))}
            np.savez(os.path.join(out, 'stored.npz'), **arrays)
            np.savez_compressed(os.path.join(out, 'deflated.npz'), **arrays)
            safetensors(os.path.join(out, 'model.safetensors'),
                        {'w': ('BF16', arrays['a.weight']), 'v': ('F64', rng.standard_normal((3, 2))),
                         'i': ('I64', np.arange(3))}, metadata={'step': '5'})
            """;

    private static final long[] EXTREMES = {0, 1, 0xff, 0xffff, 0x7fff_ffffL, 0xffff_ffffL, -1L, Long.MIN_VALUE,
        Long.MAX_VALUE, 1L << 32, 1L << 40};

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeFiles() {
        Numpy.run(dir, WRITE, dir.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"stored.npz", "deflated.npz", "model.safetensors"})
    void onlyFormatExceptionsEscape(String file) throws IOException {
        byte[] original = Files.readAllBytes(dir.resolve(file));
        SplittableRandom random = new SplittableRandom(file.hashCode());
        int decoded = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] body = mutate(original, random);
            try {
                ModelDecoder.header(ByteBuffer.wrap(body), ModelLimits.DEFAULT);
                ModelDecoder.decode(ByteBuffer.wrap(body), ModelLimits.DEFAULT);
                decoded++;
            } catch (NpyFormatException expected) {
                assertEquals(expected.getMessage(), expected.getMessage().strip());
            } catch (RuntimeException | Error e) {
                fail(file + " mutation " + i + " threw " + e + "; body " + Arrays.toString(body), e);
            }
        }
        // Some mutations only touch values or padding, so a few bodies still decode.
        if (decoded == MUTATIONS) {
            fail("no mutation of " + file + " was rejected: the mutations do not reach the structure");
        }
    }

    private static byte[] mutate(byte[] original, SplittableRandom random) {
        byte[] body = original.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int k = 1 + random.nextInt(8); k > 0; k--) {
                    body[random.nextInt(body.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> body = Arrays.copyOf(body, random.nextInt(body.length));
            case 2 -> {
                int at = random.nextInt(Math.max(1, body.length - 8));
                long value = EXTREMES[random.nextInt(EXTREMES.length)];
                ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
                switch (random.nextInt(3)) {
                    case 0 -> b.putShort(at, (short) value);
                    case 1 -> b.putInt(at, (int) value);
                    default -> b.putLong(at, value);
                }
            }
            default -> {
                // Near the end: where the zip directory and the last header fields are.
                int at = Math.max(0, body.length - 1 - random.nextInt(Math.min(body.length, 120)));
                body[at] = (byte) random.nextInt(256);
            }
        }
        return body;
    }
}

package org.dysonmonitor.ingest;

import static org.dysonmonitor.ingest.ModelFiles.assertValues;
import static org.dysonmonitor.ingest.ModelFiles.expected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.dysonmonitor.ingest.NpyFormatException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory that numpy and a safetensors writer fill as a training would: checkpoints already there at
 * the first scan, a file written in two halves, a sharded checkpoint whose last shard comes late, a corrupt
 * file, and files that are no checkpoints. Checks what each scan returns, in which order, the identities,
 * and the decoded values against numpy's.
 */
class CheckpointDirectoryTest {

    /** Writes the initial directory into argv[1] (files dated two hours back) and later files into argv[2]. */
    private static final String WRITE = ModelFiles.PYTHON + """
            import time
            watched, staging = sys.argv[1], sys.argv[2]
            rng = np.random.default_rng(11)
            p = lambda *parts: os.path.join(*parts)

            def model(tag, shapes):
                arrays = {k: rng.standard_normal(s).astype('<f4') for k, s in shapes.items()}
                for k, a in arrays.items():
                    if a.ndim >= 2:
                        expect(p(staging, tag + '.' + k + '.f64'), a)
                return arrays

            m100 = model('100', {'fc1.weight': (6, 4), 'fc1.bias': (6,)})
            np.savez(p(watched, 'run-100.npz'), **m100)
            os.makedirs(p(watched, 'checkpoint-300'))
            m300 = model('300', {'conv.weight': (4, 2, 3, 3), 'fc.weight': (3, 8)})
            safetensors(p(watched, 'checkpoint-300', 'model.safetensors'), {k: ('F32', a) for k, a in m300.items()})
            os.makedirs(p(watched, 'checkpoint-200'))
            m200 = model('200', {'a.weight': (5, 3), 'b.weight': (2, 5), 'b.bias': (2,)})
            safetensors(p(watched, 'checkpoint-200', 'model-00001-of-00002.safetensors'), {'a.weight': ('F32', m200['a.weight'])})
            safetensors(p(watched, 'checkpoint-200', 'model-00002-of-00002.safetensors'),
                        {'b.weight': ('F32', m200['b.weight']), 'b.bias': ('F32', m200['b.bias'])})
            with open(p(watched, 'checkpoint-200', 'model.safetensors.index.json'), 'w') as f:
                json.dump({'metadata': {'total_size': 76}, 'weight_map': {'a.weight': 'model-00001-of-00002.safetensors',
                           'b.bias': 'model-00002-of-00002.safetensors', 'b.weight': 'model-00002-of-00002.safetensors'}}, f)
            m250 = model('250', {'w': (4, 4)})
            safetensors(p(watched, 'weights.safetensors'), {'w': ('BF16', m250['w'])}, metadata={'step': '250'})
            expect(p(staging, '250.w.f64'), bf16_values(m250['w']))
            with open(p(watched, 'corrupt-150.safetensors'), 'wb') as f:
                f.write(struct.pack('<Q', 400) + b'{"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}')
            open(p(watched, 'notes-7.txt'), 'w').write('not a checkpoint')
            np.savez(p(watched, '.hidden-5.npz'), w=np.ones((2, 2)))
            np.savez(open(p(watched, 'run-400.npz.tmp'), 'wb'), w=np.ones((2, 2)))
            past = time.time() - 7200
            for root, dirs, files in os.walk(watched):
                for name in files + dirs:
                    os.utime(p(root, name), (past, past))

            np.savez(p(staging, 'run-500.npz'), **model('500', {'head.weight': (3, 7)}))
            m600 = model('600', {'x.weight': (2, 3), 'y.weight': (3, 2)})
            safetensors(p(staging, '600-1.safetensors'), {'x.weight': ('F32', m600['x.weight'])})
            safetensors(p(staging, '600-2.safetensors'), {'y.weight': ('F32', m600['y.weight'])})
            with open(p(staging, '600.index.json'), 'w') as f:
                json.dump({'weight_map': {'x.weight': 'model-00001-of-00002.safetensors',
                                          'y.weight': 'model-00002-of-00002.safetensors'}}, f)
            np.savez(p(staging, 'run-100-new.npz'), **model('100new', {'fc1.weight': (6, 4)}))
            """;

    @TempDir
    Path watched;

    @TempDir
    Path staging;

    @Test
    void followsADirectoryAsATrainingFillsIt() throws IOException, NpyFormatException {
        Numpy.run(staging, WRITE, watched.toString(), staging.toString());
        CheckpointDirectory directory = new CheckpointDirectory(watched, Duration.ofHours(1));

        // Existing checkpoints, quiet for two hours, come at the first scan, in step order.
        List<Checkpoint> first = directory.scan();
        assertEquals(List.of(100L, 150L, 200L, 250L, 300L), first.stream().map(Checkpoint::step).toList());
        assertValuesOf(first.get(0), "100", "fc1.weight");
        assertEquals(List.of("fc1.bias"), CheckpointDirectory.read(first.get(0), ModelLimits.DEFAULT).skipped()
                .stream().map(ArrayHeader::name).toList());
        NpyFormatException corrupt = assertThrows(NpyFormatException.class,
                () -> CheckpointDirectory.read(first.get(1), ModelLimits.DEFAULT));
        assertEquals(Reason.TRUNCATED, corrupt.reason());
        assertTrue(corrupt.getMessage().startsWith("corrupt-150.safetensors: safetensors header declares 400 bytes but only 65 follow"),
                corrupt.getMessage());
        Checkpoint sharded = first.get(2);
        assertTrue(sharded.sharded());
        assertEquals(List.of("model.safetensors.index.json", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors"), sharded.files().stream().map(f -> f.getFileName().toString()).toList());
        DecodedModel union = assertValuesOf(sharded, "200", "a.weight", "b.weight");
        assertEquals(List.of("b.bias"), union.skipped().stream().map(ArrayHeader::name).toList());
        DecodedModel bf16 = assertValuesOf(first.get(3), "250", "w");
        assertEquals("250", bf16.metadata().get("step"));
        DecodedModel hf = assertValuesOf(first.get(4), "300", "conv.weight", "fc.weight");
        assertEquals(18, hf.layers().get(0).matrix().cols());
        assertEquals(List.of(), directory.scan());

        // A file written in two halves is returned only once it has stayed the same for one whole scan.
        byte[] run500 = Files.readAllBytes(staging.resolve("run-500.npz"));
        Path file500 = watched.resolve("run-500.npz");
        Files.write(file500, Arrays.copyOf(run500, run500.length / 2));
        assertEquals(List.of(), directory.scan());
        Files.write(file500, run500);
        assertEquals(List.of(), directory.scan());
        List<Checkpoint> third = directory.scan();
        assertEquals(List.of(500L), third.stream().map(Checkpoint::step).toList());
        assertValuesOf(third.get(0), "500", "head.weight");
        assertTrue(third.get(0).identity().endsWith("run-500.npz|" + run500.length + "|"
                + Files.getLastModifiedTime(file500).toMillis()), third.get(0).identity());

        // A sharded checkpoint waits for its last shard, and for that shard to be stable.
        Path dir600 = Files.createDirectories(watched.resolve("checkpoint-600"));
        Files.copy(staging.resolve("600.index.json"), dir600.resolve("model.safetensors.index.json"));
        Files.copy(staging.resolve("600-1.safetensors"), dir600.resolve("model-00001-of-00002.safetensors"));
        assertEquals(List.of(), directory.scan());
        assertEquals(List.of(), directory.scan());
        Files.copy(staging.resolve("600-2.safetensors"), dir600.resolve("model-00002-of-00002.safetensors"));
        assertEquals(List.of(), directory.scan());
        List<Checkpoint> fourth = directory.scan();
        assertEquals(List.of(600L), fourth.stream().map(Checkpoint::step).toList());
        assertValuesOf(fourth.get(0), "600", "x.weight", "y.weight");

        // A rewritten checkpoint has a new identity and comes again.
        Files.move(staging.resolve("run-100-new.npz"), watched.resolve("run-100.npz"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals(List.of(), directory.scan());
        List<Checkpoint> fifth = directory.scan();
        assertEquals(List.of(100L), fifth.stream().map(Checkpoint::step).toList());
        assertValuesOf(fifth.get(0), "100new", "fc1.weight");

        // A restarted watch skips what a store says was processed, and would return the rest in step order.
        Set<String> processed = new HashSet<>();
        for (List<Checkpoint> scan : List.of(first, third, fourth, fifth)) {
            scan.forEach(c -> processed.add(c.identity()));
        }
        CheckpointDirectory restarted = new CheckpointDirectory(watched, Duration.ofHours(1));
        assertEquals(List.of(), restarted.scan(processed));
        assertEquals(List.of(), restarted.scan(processed));
        CheckpointDirectory fresh = new CheckpointDirectory(watched, Duration.ofHours(1));
        assertEquals(List.of(150L, 200L, 250L, 300L), fresh.scan().stream().map(Checkpoint::step).toList());
        // run-100.npz was rewritten just now, so like 500 and 600 it is not quiet and comes at the second scan.
        assertEquals(List.of(100L, 500L, 600L), fresh.scan().stream().map(Checkpoint::step).toList());
    }

    @Test
    void aShardedCheckpointMustAgreeWithItsIndex() throws IOException {
        Numpy.run(staging, ModelFiles.PYTHON + """
                d = sys.argv[1]
                w = np.ones((2, 2), '<f4')
                for name, shards, index in (
                        ('checkpoint-1', {'s1': {'w': w}, 's2': {'w': w}}, {'w': 's1', 'v': 's2'}),
                        ('checkpoint-2', {'s1': {'w': w}, 's2': {'v': w}}, {'w': 's1', 'v': 's1', 'x': 's2'}),
                        ('checkpoint-3', {'s1': {'w': w}}, {'w': 's1', 'gone': 's1'})):
                    os.makedirs(os.path.join(d, name))
                    for s, tensors in shards.items():
                        safetensors(os.path.join(d, name, s + '.safetensors'), {k: ('F32', a) for k, a in tensors.items()})
                    with open(os.path.join(d, name, 'model.safetensors.index.json'), 'w') as f:
                        json.dump({'weight_map': {k: v + '.safetensors' for k, v in index.items()}}, f)
                os.makedirs(os.path.join(d, 'checkpoint-4'))
                with open(os.path.join(d, 'checkpoint-4', 'model.safetensors.index.json'), 'w') as f:
                    json.dump({'weight_map': {'w': '../../escape.safetensors'}}, f)
                """, watched.toString());
        List<Checkpoint> found = new CheckpointDirectory(watched, Duration.ZERO).scan();
        assertEquals(List.of(1L, 2L, 3L, 4L), found.stream().map(Checkpoint::step).toList());
        assertRejected(found.get(0), Reason.DUPLICATE_NAME, "s2.safetensors: array 'w' is in both s1.safetensors and s2.safetensors");
        assertRejected(found.get(1), Reason.BAD_ARCHIVE,
                "s2.safetensors: array 'v' is in s2.safetensors but model.safetensors.index.json does not put it there");
        assertRejected(found.get(2), Reason.BAD_ARCHIVE,
                "model.safetensors.index.json puts 'gone' in s1.safetensors, which does not hold it");
        assertRejected(found.get(3), Reason.BAD_HEADER,
                "model.safetensors.index.json names shard '../../escape.safetensors', not a .safetensors file next to the index");
    }

    @Test
    void stepIsTheLastIntegerOfTheName() {
        assertEquals(1200, CheckpointDirectory.lastInteger("checkpoint-1200"));
        assertEquals(1200, CheckpointDirectory.lastInteger("run3_step1200"));
        assertEquals(7, CheckpointDirectory.lastInteger("v2-epoch-7"));
        assertEquals(-1, CheckpointDirectory.lastInteger("final"));
        assertEquals(-1, CheckpointDirectory.lastInteger("hash-1234567890123456789"));
    }

    private static void assertRejected(Checkpoint c, Reason reason, String message) {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> CheckpointDirectory.read(c, ModelLimits.DEFAULT));
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(message, e.getMessage());
    }

    private DecodedModel assertValuesOf(Checkpoint c, String tag, String... layers) throws IOException, NpyFormatException {
        DecodedModel model = CheckpointDirectory.read(c, ModelLimits.DEFAULT);
        assertEquals(List.of(layers), model.layers().stream().map(NamedMatrix::name).toList());
        for (NamedMatrix layer : model.layers()) {
            assertValues(expected(staging.resolve(tag + "." + layer.name() + ".f64")), layer.matrix(),
                    "step " + c.step() + " " + layer.name());
        }
        return model;
    }
}

package org.dysonmonitor.ingest;

import static org.dysonmonitor.ingest.NpyAssertions.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.dysonmonitor.ingest.NpyFormatException.Reason;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files written by numpy itself decode to the values numpy wrote, bad ones are rejected for the right
 * reason, and numpy loads what {@link NpyEncoder} writes. Fails (never skips) without python3 and numpy.
 *
 * <p>Both sides compute element (r, c) of a rows × cols matrix as {@code (r * cols + c + 1) / 3.0 - rows}:
 * IEEE division and subtraction are correctly rounded in both languages, and the float32 variants round that
 * double to nearest-even in both, so the expected values are bit-identical without shipping any data.
 */
class NumpyInteropTest {

    private static final int[][] SHAPES = {{5, 7}, {1, 1}, {1, 9}, {9, 1}, {300, 600}};

    /** Writes every good and bad file the tests below read into the directory given as argv[1]. */
    private static final String WRITE_FILES = """
            import os, sys
            import numpy as np
            out = sys.argv[1]

            def base(rows, cols):
                return (np.arange(rows * cols, dtype=np.float64).reshape(rows, cols) + 1) / 3.0 - rows

            def save(name, a, version=None, allow_pickle=False):
                with open(os.path.join(out, name + ".npy"), "wb") as f:
                    if version is None:
                        np.save(f, a, allow_pickle=allow_pickle)
                    else:
                        np.lib.format.write_array(f, a, version=version, allow_pickle=allow_pickle)

            for dt in ("f4", "f8"):
                for bo, endian in (("<", "le"), (">", "be")):
                    for order in "CF":
                        for rows, cols in ((5, 7), (1, 1), (1, 9), (9, 1), (300, 600)):
                            a = np.asarray(base(rows, cols).astype(bo + dt), order=order)
                            save(f"good_{dt}_{endian}_{order}_{rows}x{cols}", a)
                            for major in (2, 3):
                                save(f"good_{dt}_{endian}_{order}_{rows}x{cols}_v{major}", a, version=(major, 0))

            save("object_1d", np.array([1.0, "a", None], dtype=object), allow_pickle=True)
            objects = np.empty((2, 2), dtype=object)
            objects[:] = 1.5
            save("object_2d", objects, allow_pickle=True)
            save("complex64", base(3, 4).astype(np.complex64))
            save("complex128", base(3, 4).astype(np.complex128))
            save("int32", np.arange(12, dtype=np.int32).reshape(3, 4))
            save("int64", np.arange(12, dtype=np.int64).reshape(3, 4))
            save("bool", base(3, 4) > 0)
            save("unicode", np.array([["a", "bc"], ["d", "e"]]))
            save("structured", np.zeros((2, 3), dtype=[("w", "<f4"), ("b", "<i4")]))
            save("datetime", np.zeros((2, 2), dtype="datetime64[s]"))
            save("vector", np.ones(10, dtype=np.float32))
            save("scalar", np.float32(1.5))
            save("cube", np.ones((2, 3, 4)))
            save("conv", np.ones((8, 3, 3, 3), dtype=np.float32))
            save("zero_rows", np.zeros((0, 5), dtype=np.float32))
            save("zero_cols", np.zeros((5, 0), dtype=np.float64))

            a = base(5, 9).astype(np.float32)
            a[3, 7] = np.nan
            save("nan", a)
            a = base(5, 9)
            a[1, 2] = np.inf
            save("posinf", a)
            a = base(5, 9).astype(">f8")
            a[2, 2] = -np.inf
            save("neginf_be", a)
            a = np.asfortranarray(base(5, 9).astype(np.float32))
            a[4, 0] = -np.inf   # first in column-major memory ...
            a[0, 3] = np.nan    # ... but this one comes first in row-major order
            save("nonfinite_fortran", a)
            print("ok")
            """;

    /** Loads every file in argv[1] written by the Java encoder and checks it against numpy's own values. */
    private static final String CHECK_FILES = """
            import os, sys
            import numpy as np
            folder = sys.argv[1]

            def base(rows, cols):
                return (np.arange(rows * cols, dtype=np.float64).reshape(rows, cols) + 1) / 3.0 - rows

            errors, checked = [], 0
            for name in sorted(os.listdir(folder)):
                dt, endian, order, shape = name[:-4].split("_")
                rows, cols = map(int, shape.split("x"))
                path = os.path.join(folder, name)
                a = np.load(path, allow_pickle=False)
                descr = ("<" if endian == "le" else ">") + dt
                expected = base(rows, cols).astype(descr)
                with open(path, "rb") as f:
                    major, minor = np.lib.format.read_magic(f)
                    shape_, fortran, dtype = np.lib.format.read_array_header_1_0(f)
                    offset = f.tell()
                if (major, minor) != (1, 0):
                    errors.append(f"{name}: version {major}.{minor}")
                if offset % 64:
                    errors.append(f"{name}: data starts at {offset}, not a multiple of 64")
                if fortran != (order == "F"):
                    errors.append(f"{name}: fortran_order {fortran}")
                if a.dtype.str != descr or a.shape != (rows, cols):
                    errors.append(f"{name}: got {a.dtype.str} {a.shape}")
                elif not np.array_equal(a, expected):
                    errors.append(f"{name}: values differ")
                checked += 1
            if errors:
                sys.exit("\\n".join(errors))
            print(checked)
            """;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeFilesWithNumpy() {
        assertEquals("ok", Numpy.run(dir, WRITE_FILES, dir.toString()).strip());
    }

    private static byte[] read(String name) {
        try {
            return Files.readAllBytes(dir.resolve(name + ".npy"));
        } catch (IOException e) {
            throw new AssertionError("numpy did not write " + name + ".npy", e);
        }
    }

    private static WeightMatrix expected(int rows, int cols, boolean float32) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            double x = (i + 1) / 3.0 - rows;
            v[i] = float32 ? (float) x : x;
        }
        return WeightMatrix.of(rows, cols, v, float32);
    }

    static Stream<Arguments> goodFiles() {
        List<Arguments> all = new ArrayList<>();
        for (String dt : new String[] {"f4", "f8"}) {
            for (String endian : new String[] {"le", "be"}) {
                for (String order : new String[] {"C", "F"}) {
                    for (int[] s : SHAPES) {
                        for (String version : new String[] {"", "_v2", "_v3"}) {
                            String name = "good_" + dt + "_" + endian + "_" + order + "_" + s[0] + "x" + s[1] + version;
                            all.add(Arguments.of(name, s[0], s[1], dt.equals("f4")));
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodFiles")
    void decodesWhatNumpyWrites(String name, int rows, int cols, boolean float32) throws NpyFormatException {
        assertEquals(expected(rows, cols, float32), NpyDecoder.decode(read(name)));
    }

    @Test
    void theFortranFilesReallyAreColumnMajor() {
        // Otherwise the test above would not cover the transpose: numpy writes fortran_order only when the
        // array is F-contiguous and not also C-contiguous, so never for a single row or column.
        for (String name : new String[] {"good_f4_le_F_5x7", "good_f8_be_F_300x600_v2", "good_f4_be_F_5x7_v3"}) {
            String head = new String(read(name), 0, 128, StandardCharsets.ISO_8859_1);
            assertTrue(head.contains("'fortran_order': True"), name + ": " + head);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '"', value = {
        "object_1d  => UNSUPPORTED_DTYPE => dtype '|O' (Python objects, stored as a pickle) is not supported: the monitor never unpickles; send float32 or float64",
        "object_2d  => UNSUPPORTED_DTYPE => dtype '|O' (Python objects, stored as a pickle) is not supported: the monitor never unpickles; send float32 or float64",
        "complex64  => UNSUPPORTED_DTYPE => dtype '<c8' (complex64) is not supported: send float32 or float64",
        "complex128 => UNSUPPORTED_DTYPE => dtype '<c16' (complex128) is not supported: send float32 or float64",
        "int32      => UNSUPPORTED_DTYPE => dtype '<i4' (int32) is not supported: send float32 or float64",
        "int64      => UNSUPPORTED_DTYPE => dtype '<i8' (int64) is not supported: send float32 or float64",
        "bool       => UNSUPPORTED_DTYPE => dtype '|b1' (bool) is not supported: send float32 or float64",
        "unicode    => UNSUPPORTED_DTYPE => dtype '<U2' (unicode strings) is not supported: send float32 or float64",
        "structured => UNSUPPORTED_DTYPE => structured dtype [('w', '<f4'), ('b', '<i4')] is not supported: send a plain 2-D float32 or float64 array",
        "datetime   => UNSUPPORTED_DTYPE => dtype '<M8[s]' (datetime64) is not supported: send float32 or float64",
        "vector     => BAD_SHAPE         => array must be 2-D, got shape (10,)",
        "scalar     => BAD_SHAPE         => array must be 2-D, got a 0-D scalar, shape ()",
        "cube       => BAD_SHAPE         => array must be 2-D, got 3-D shape (2, 3, 4); flatten it first, e.g. w.reshape(w.shape[0], -1) for a convolution kernel",
        "conv       => BAD_SHAPE         => array must be 2-D, got 4-D shape (8, 3, 3, 3); flatten it first, e.g. w.reshape(w.shape[0], -1) for a convolution kernel",
        "zero_rows  => BAD_SHAPE         => array must have at least 1 row and 1 column, got shape (0, 5)",
        "zero_cols  => BAD_SHAPE         => array must have at least 1 row and 1 column, got shape (5, 0)",
        "nan        => NON_FINITE        => value at row 3, col 7 is NaN (has training diverged?)",
        "posinf     => NON_FINITE        => value at row 1, col 2 is +Inf (has training diverged?)",
        "neginf_be  => NON_FINITE        => value at row 2, col 2 is -Inf (has training diverged?)",
        "nonfinite_fortran => NON_FINITE => value at row 0, col 3 is NaN (has training diverged?)",
    })
    void rejectsWhatNumpyWritesButTheMonitorCannotUse(String name, Reason reason, String message) {
        assertRejected(reason, message, read(name));
    }

    @Test
    void numpyLoadsWhatTheEncoderWrites() throws IOException {
        Path out = Files.createDirectories(dir.resolve("from-java"));
        int written = 0;
        for (boolean float32 : new boolean[] {true, false}) {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                for (boolean fortran : new boolean[] {false, true}) {
                    for (int[] s : SHAPES) {
                        String name = (float32 ? "f4" : "f8") + "_" + (order == ByteOrder.LITTLE_ENDIAN ? "le" : "be")
                                + "_" + (fortran ? "F" : "C") + "_" + s[0] + "x" + s[1] + ".npy";
                        WeightMatrix m = expected(s[0], s[1], float32);
                        Files.write(out.resolve(name), NpyEncoder.encode(m, float32, fortran, order));
                        written++;
                    }
                }
            }
        }
        assertEquals(String.valueOf(written), Numpy.run(dir, CHECK_FILES, out.toString()).strip());
    }
}

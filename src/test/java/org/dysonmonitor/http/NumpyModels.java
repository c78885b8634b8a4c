package org.dysonmonitor.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Whole models written by numpy (np.savez, np.savez_compressed, and safetensors laid out byte by byte
 * as its specification says: an 8-byte little-endian header length, the JSON header, the raw
 * little-endian data), with numpy's own eigenvalues of the smaller Gram matrix of every layer as the
 * independent reference: {@code eigvalsh(W.T @ W)} or {@code eigvalsh(W @ W.T)} in float64, W the
 * array reshaped to (shape[0], -1). Debian's python3-numpy; a missing interpreter fails the test.
 */
final class NumpyModels {

    /** Defines {@code model(seed, step)}, {@code save(path, arrays)} and {@code reference(arrays)}. */
    static final String LIBRARY = """
            import json, sys, os
            import numpy as np

            def model(seed, step=1, dtype_head=np.float64):
                rng = np.random.default_rng(seed)
                s = 1.0 + 0.25 * step
                return {
                    "enc.0.weight": (s * rng.standard_normal((6, 4))).astype(np.float32),
                    "enc.0.bias": rng.standard_normal(6).astype(np.float32),
                    "conv.weight": (s * rng.standard_normal((5, 2, 3, 3))).astype(np.float32),
                    "head.weight": (s * rng.standard_normal((3, 6))).astype(dtype_head),
                    "norm.weight": np.ones(6, dtype=np.float32),
                }

            def safetensors(path, arrays, metadata=None):
                header, blobs, offset = {}, [], 0
                codes = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(np.float16): "F16"}
                for name, a in arrays.items():
                    raw = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()
                    header[name] = {"dtype": codes[a.dtype], "shape": list(a.shape),
                                    "data_offsets": [offset, offset + len(raw)]}
                    blobs.append(raw)
                    offset += len(raw)
                if metadata:
                    header["__metadata__"] = metadata
                text = json.dumps(header).encode("utf-8")
                text += b" " * (-len(text) % 8)
                with open(path, "wb") as f:
                    f.write(len(text).to_bytes(8, "little"))
                    f.write(text)
                    for b in blobs:
                        f.write(b)

            def save(path, arrays, metadata=None):
                if path.endswith(".safetensors"):
                    safetensors(path, arrays, metadata)
                elif path.endswith(".c.npz"):
                    np.savez_compressed(path, **arrays)
                else:
                    np.savez(path, **arrays)
                # np.savez appends .npz when missing; every path here ends with it.

            def reference(arrays):
                out = {}
                for name, a in arrays.items():
                    if a.ndim < 2:
                        continue
                    w = a.reshape(a.shape[0], -1).astype(np.float64)
                    g = w.T @ w if w.shape[1] <= w.shape[0] else w @ w.T
                    out[name] = {"rows": w.shape[0], "cols": w.shape[1],
                                 "float32": a.dtype != np.float64,
                                 "eigenvalues": np.linalg.eigvalsh(g).tolist()}
                return out
            """;

    private NumpyModels() {
    }

    /**
     * float64 layers: 1e-9 relative to the largest eigenvalue. float32 layers: the solver may form the
     * Gram matrix in float32 (its native path), whose round-off is about n·2⁻²⁴ of the largest
     * eigenvalue; 1e-5 relative is ten times that for n ≤ 18.
     */
    static void assertSpectrum(String what, JsonNode ref, JsonNode actual) {
        JsonNode expected = ref.get("eigenvalues");
        assertEquals(expected.size(), actual.size(), what);
        double max = expected.get(expected.size() - 1).asDouble();
        double tolerance = (ref.get("float32").asBoolean() ? 1e-5 : 1e-9) * max;
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i).asDouble();
            double a = actual.get(i).asDouble();
            assertTrue(Math.abs(e - a) <= tolerance, what + " eigenvalue " + i + ": numpy " + e + ", monitor " + a);
        }
    }

    /** Runs {@link #LIBRARY} followed by {@code script} in {@code dir}; returns the JSON it prints. */
    static JsonNode run(Path dir, String script) {
        Path out = dir.resolve("python-out.json");
        Path err = dir.resolve("python-err.txt");
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", LIBRARY + "\n" + script));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("python3 did not finish within 120 s");
            }
            assertEquals(0, p.exitValue(), () -> "python3 failed: " + read(err));
            return ApiClient.JSON.readTree(read(out));
        } catch (IOException e) {
            return fail("cannot run /usr/bin/python3 with numpy (apt-get install python3-numpy): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }
}

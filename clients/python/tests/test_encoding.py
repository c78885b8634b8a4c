"""Request bodies and names, offline: what the client writes is read back with numpy's own np.load."""

import io
import subprocess
import sys
import unittest
import zipfile

import numpy as np

from dyson_monitor import encode_npy, encode_npz, validate_name
from dyson_monitor.encoding import model_arrays

try:
    import torch
except ImportError:  # the Maven suite runs these with Debian's python3-torch, where this never happens
    torch = None


def load(npy: bytes) -> np.ndarray:
    return np.load(io.BytesIO(npy), allow_pickle=False)


def load_npz(body: bytes) -> dict:
    with np.load(io.BytesIO(body), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


class EncodeNpyTest(unittest.TestCase):

    def test_every_float_layout_decodes_with_numpy(self):
        rng = np.random.default_rng(1)
        for dtype in ("<f4", ">f4", "<f8", ">f8"):
            for order in "CF":
                for shape in ((1, 1), (1, 9), (9, 1), (20, 10)):
                    with self.subTest(dtype=dtype, order=order, shape=shape):
                        a = np.asarray(rng.standard_normal(shape).astype(dtype), order=order)
                        npy = encode_npy(a)
                        self.assertTrue(npy.startswith(b"\x93NUMPY"))
                        b = load(npy)
                        self.assertEqual(a.dtype, b.dtype)
                        np.testing.assert_array_equal(a, b)

    def test_views_and_lists_are_saved_by_value(self):
        a = np.arange(12, dtype=np.float32).reshape(3, 4)
        np.testing.assert_array_equal(a.T, load(encode_npy(a.T)))
        np.testing.assert_array_equal(a[::2, 1:], load(encode_npy(a[::2, 1:])))
        self.assertEqual(np.float64, load(encode_npy([[1.0, 2.0], [3.0, 4.0]])).dtype)

    def test_float16_is_widened_exactly(self):
        a = np.array([[0.1, -2.5], [1e-3, 7.0]], dtype=np.float16)
        b = load(encode_npy(a))
        self.assertEqual(np.float32, b.dtype)
        np.testing.assert_array_equal(a.astype(np.float32), b)

    def test_refuses_what_the_monitor_refuses(self):
        cases = {
            "weights must be a 2-D matrix, got shape (10,)": np.ones(10, np.float32),
            "weights must be a 2-D matrix, got shape (2, 3, 4); flatten it first": np.ones((2, 3, 4)),
            "weights must have at least 1 row and 1 column, got shape (0, 5)": np.ones((0, 5)),
            "weights must be float32 or float64, got dtype int64": np.ones((2, 2), np.int64),
            "weights must be float32 or float64, got dtype complex128": np.ones((2, 2), complex),
            "weights must be float32 or float64, got dtype bool": np.ones((2, 2), bool),
            "weights must be float32 or float64, got dtype object": np.ones((2, 2), object),
        }
        for message, weights in cases.items():
            with self.subTest(message=message):
                with self.assertRaises(ValueError) as caught:
                    encode_npy(weights)
                self.assertIn(message, str(caught.exception))
        with self.assertRaisesRegex(ValueError, r"got shape \(\)$"):
            encode_npy(np.float32(1.0))

    def test_names_the_first_non_finite_value(self):
        a = np.zeros((5, 9), np.float32)
        a[3, 7] = np.nan
        a[4, 0] = np.inf
        with self.assertRaisesRegex(ValueError, r"^value at row 3, col 7 is NaN"):
            encode_npy(a)
        a[3, 7] = -np.inf
        with self.assertRaisesRegex(ValueError, r"^value at row 3, col 7 is -Inf"):
            encode_npy(a)

    def test_without_validation_sends_as_is_but_never_pickles(self):
        self.assertEqual((10,), load(encode_npy(np.ones(10, np.int32), validate=False)).shape)
        with self.assertRaises(ValueError):
            encode_npy(np.array([1, "a"], dtype=object), validate=False)


class EncodeNpzTest(unittest.TestCase):

    def test_numpy_reads_every_layer_back_by_name(self):
        rng = np.random.default_rng(2)
        layers = {
            "encoder.layers.0.self_attn.in_proj_weight": rng.standard_normal((96, 32)).astype(np.float32),
            "fc.weight": np.asfortranarray(rng.standard_normal((5, 7))),  # float64, Fortran order
            "half": rng.standard_normal((3, 4)).astype(np.float16),
            "big-endian": rng.standard_normal((4, 2)).astype(">f4"),
            "conv.weight": rng.standard_normal((8, 3, 3, 3)).astype(np.float32),
            "file": np.ones((2, 2), np.float32),  # np.savez(file, **layers) could not write this name
        }
        body = encode_npz(layers)
        self.assertTrue(body.startswith(b"PK\x03\x04"))
        back = load_npz(body)
        self.assertEqual(list(layers), list(back))
        for name, a in layers.items():
            with self.subTest(name=name):
                self.assertEqual(a.dtype, back[name].dtype)
                np.testing.assert_array_equal(a, back[name])
        with zipfile.ZipFile(io.BytesIO(body)) as archive:  # stored, as np.savez writes it
            self.assertEqual({zipfile.ZIP_STORED}, {info.compress_type for info in archive.infolist()})
            self.assertEqual([name + ".npy" for name in layers], archive.namelist())

    def test_model_arrays_keeps_matrices_and_skips_vectors(self):
        arrays = {"fc1.weight": np.ones((4, 3)), "fc1.bias": np.ones(4), "scale": np.float32(2.0),
                  "fc2.weight": [[1.0, 2.0]]}
        layers, skipped = model_arrays(arrays)
        self.assertEqual(["fc1.weight", "fc2.weight"], list(layers))
        self.assertEqual(["fc1.bias", "scale"], skipped)

    def test_model_arrays_names_the_bad_entry(self):
        nan = np.zeros((3, 3), np.float32)
        nan[1, 2] = np.nan
        cases = {
            "layer 'x' must be float16, float32 or float64, got dtype int32": {"x": np.ones((2, 2), np.int32)},
            "layer 'x' has an empty dimension: shape (0, 3)": {"x": np.ones((0, 3))},
            "layer 'x': value at row 1, col 2 is NaN (has training diverged?)": {"x": nan},
            "layer name 'a b' is invalid": {"a b": np.ones((2, 2))},
            "layer name '_private' is invalid: names starting with _ are reserved": {"_private": np.ones((2, 2))},
        }
        for message, arrays in cases.items():
            with self.subTest(message=message):
                with self.assertRaises(ValueError) as caught:
                    model_arrays(arrays)
                self.assertIn(message, str(caught.exception))
        conv = np.zeros((2, 2, 3, 3), np.float32)
        conv[1, 0, 2, 1] = np.inf
        with self.assertRaisesRegex(ValueError, r"value at index \(1, 0, 2, 1\) is \+Inf"):
            model_arrays({"conv": conv})

    @unittest.skipIf(torch is None, "needs torch")
    def test_torch_tensors_are_accepted_and_bfloat16_widened(self):
        w = torch.randn(6, 4, requires_grad=True)
        b16 = torch.randn(3, 5).to(torch.bfloat16)
        layers, _ = model_arrays({"w": w, "b16": b16, "bias": torch.zeros(6)})
        back = load_npz(encode_npz(layers))
        np.testing.assert_array_equal(w.detach().numpy(), back["w"])
        self.assertEqual(np.float32, back["b16"].dtype)
        np.testing.assert_array_equal(b16.float().numpy(), back["b16"])  # widening bfloat16 is exact


class NameValidationTest(unittest.TestCase):

    def test_accepts_names_as_pytorch_writes_them(self):
        for kind, name in (("run", "a"), ("run", "mnist-sgd.2"), ("run", "r" + "x" * 63), ("run", "9:_x"),
                           ("layer", "fc1"), ("layer", "layers.0.self_attn.in_proj_weight"),
                           ("layer", "A-Z_a-z.0-9:-"), ("layer", "x" * 128), ("layer", "0.weight")):
            with self.subTest(kind=kind, name=name):
                self.assertEqual(name, validate_name(kind, name))

    def test_rejects_anything_else_with_a_clear_message(self):
        for kind, name, longest in (("run", "x" * 65, 64), ("layer", "x" * 129, 128), ("run", "", 64),
                                    ("layer", "bad name", 128), ("run", "a/b", 64), ("layer", "naïve", 128),
                                    ("run", "run\n", 64), ("layer", "a?b", 128), ("run", "../x", 64)):
            with self.subTest(kind=kind, name=name):
                with self.assertRaises(ValueError) as caught:
                    validate_name(kind, name)
                self.assertEqual(f"{kind} name {name!r} is invalid: use 1 to {longest} characters from A-Z, "
                                 f"a-z, 0-9 and _ . : -", str(caught.exception))
        with self.assertRaisesRegex(ValueError, r"^run name '_invalid' is invalid: names starting with _ are reserved$"):
            validate_name("run", "_invalid")
        with self.assertRaisesRegex(ValueError, "layer name must be a string, got int 3"):
            validate_name("layer", 3)


class ImportTest(unittest.TestCase):

    def test_importing_the_package_does_not_import_torch(self):
        code = "import sys, dyson_monitor; print(sorted(m for m in sys.modules if m.split('.')[0] == 'torch'))"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
        self.assertEqual("[]", out.stdout.strip(), out.stderr)


if __name__ == "__main__":
    unittest.main()

"""Request bodies: one layer as ``.npy``, a whole model as ``.npz``, both as numpy writes them.

Never pickled. Torch tensors are accepted without importing torch: anything with ``detach`` is
brought to the CPU, and bfloat16 (which numpy cannot hold) is widened to float32 exactly.
"""

import io
import zipfile
from typing import Any, Dict, List, Mapping, Tuple

import numpy as np

from .names import validate_name

#: dtypes of a single-layer ``.npy`` body (the server widens float16 there too, but it is sent as float32).
_NPY_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
#: dtypes of a whole-model ``.npz`` entry: the server widens float16 to float32 itself.
_NPZ_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def as_array(value: Any) -> np.ndarray:
    """``value`` as a numpy array: a torch tensor is detached and copied to the CPU, bfloat16 widened."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):
        tensor = value.detach()
        if str(tensor.dtype) == "torch.bfloat16":
            tensor = tensor.float()
        return tensor.cpu().numpy()
    return np.asarray(value)


def check_finite(what: str, a: np.ndarray) -> None:
    """Raise ``ValueError`` naming the first NaN or infinity of ``a`` (by row and column if 2-D)."""
    finite = np.isfinite(a)
    if finite.all():
        return
    index = tuple(int(i) for i in np.argwhere(~finite)[0])
    value = a[index]
    kind = "NaN" if np.isnan(value) else ("+Inf" if value > 0 else "-Inf")
    where = f"row {index[0]}, col {index[1]}" if len(index) == 2 else f"index {index}"
    raise ValueError(f"{what}value at {where} is {kind} (has training diverged?)")


def encode_npy(weights: Any, validate: bool = True) -> bytes:
    """The ``.npy`` bytes (``numpy.save``) of one weight matrix.

    With ``validate`` (the default) the array must be 2-D with no empty dimension, float16 is widened to
    float32 (exactly), any other dtype than float32/float64 is refused, and NaN or infinity is refused
    with its position; all as ``ValueError``. Without ``validate`` the array is sent as it is, so that
    the server's own checks can be exercised.
    """
    a = as_array(weights)
    if validate:
        if a.ndim != 2:
            hint = "; flatten it first, e.g. w.reshape(w.shape[0], -1)" if a.ndim > 2 else ""
            raise ValueError(f"weights must be a 2-D matrix, got shape {a.shape}{hint}")
        if 0 in a.shape:
            raise ValueError(f"weights must have at least 1 row and 1 column, got shape {a.shape}")
        if a.dtype == np.float16:
            a = a.astype(np.float32)
        elif a.dtype.newbyteorder("=") not in _NPY_DTYPES:
            raise ValueError(f"weights must be float32 or float64, got dtype {a.dtype}")
        check_finite("", a)
    buffer = io.BytesIO()
    np.save(buffer, a, allow_pickle=False)
    return buffer.getvalue()


def model_arrays(arrays: Mapping[str, Any], validate: bool = True) -> Tuple[Dict[str, np.ndarray], List[str]]:
    """Split a model's arrays into its layers (≥ 2-D) and the names of the rest (biases, norms, scalars).

    With ``validate``, a layer must have a valid name, no empty dimension, a float16/32/64 dtype and only
    finite values (``ValueError`` naming the entry otherwise); a ≥ 3-D kernel is sent as it is (the
    server takes (out, in, kh, kw) as (out, in·kh·kw)).
    """
    layers: Dict[str, np.ndarray] = {}
    skipped: List[str] = []
    for name, value in arrays.items():
        a = as_array(value)
        if a.ndim < 2:
            skipped.append(name)
            continue
        if validate:
            validate_name("layer", name)
            if 0 in a.shape:
                raise ValueError(f"layer {name!r} has an empty dimension: shape {a.shape}")
            if a.dtype.newbyteorder("=") not in _NPZ_DTYPES:
                raise ValueError(f"layer {name!r} must be float16, float32 or float64, got dtype {a.dtype}")
            check_finite(f"layer {name!r}: ", a)
        layers[name] = a
    return layers, skipped


def encode_npz(layers: Mapping[str, np.ndarray]) -> bytes:
    """The ``.npz`` bytes of ``layers``, entry ``<name>.npy`` per array: what ``numpy.savez`` writes.

    Written entry by entry rather than through ``np.savez(file, **layers)``, where a layer named
    ``file`` would collide with the function's own argument.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, a in layers.items():
            with archive.open(name + ".npy", mode="w", force_zip64=True) as entry:
                np.lib.format.write_array(entry, np.asanyarray(a), allow_pickle=False)
    return buffer.getvalue()

#!/usr/bin/env python3
"""numpy side of SpectrumBench: time numpy's routes to the spectrum of W on the same .npy matrices.

Usage: numpy_spectrum.py MANIFEST.json  (normally run by org.dysonmonitor.bench.SpectrumBench)

The manifest is {"clock": "wall", "matrices": [{"file": "...npy", "min_repeats": 3, "max_repeats": 21,
"budget_seconds": 3.0, "warmup_below_seconds": 1.0, "single_above_seconds": 8.0, "skip_svd": false},
...]}; clock "cpu" times the calling thread's CPU time instead of wall time (meaningful with one
BLAS thread, where all the work runs on the calling thread). For each matrix W
(stored as float32, loaded and widened to float64 outside the timed region) it times

  eigvalsh_f64  numpy.linalg.eigvalsh(W.T @ W)              float64 (the reference of the table)
  eigvalsh_f32  numpy.linalg.eigvalsh(W32.T @ W32)          float32
  svd_f64       numpy.linalg.svd(W, compute_uv=False)       float64, the route other tools take

with the same rule as the Java side: one untimed warm-up call unless that call took longer than
warmup_below_seconds (then it counts as a sample; if it took longer than single_above_seconds it is
the only one), then calls until min_repeats samples exist and budget_seconds have passed, at most
max_repeats; the median is reported. W.T @ W is the smaller Gram
matrix because the benchmark's shapes have rows >= cols. The float64 eigenvalues are written next to
the matrix as FILE.numpy-eig.npy (shape (1, n)) so that the Java side can check its own against them.

Prints one JSON object on stdout: the numpy version, the BLAS numpy uses and the kernel it picked,
and the kernel the system OpenBLAS (what the JVM loads through liblapack.so.3) picks in the same
environment, then the timings.
"""
import ctypes
import ctypes.util
import json
import os
import platform
import statistics
import sys
import time

import numpy as np


def blas_info():
    """What numpy's BLAS is and which kernel it runs (threadpoolctl if installed, else ctypes)."""
    info = {"source": None}
    try:
        import threadpoolctl  # optional

        for lib in threadpoolctl.threadpool_info():
            if lib.get("user_api") == "blas":
                info = {"source": "threadpoolctl", "internal_api": lib.get("internal_api"),
                        "version": lib.get("version"), "architecture": lib.get("architecture"),
                        "threading_layer": lib.get("threading_layer"), "num_threads": lib.get("num_threads"),
                        "filepath": lib.get("filepath")}
                break
        return info
    except ImportError:
        pass
    libs_dir = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    try:
        for name in sorted(os.listdir(libs_dir)):
            if "openblas" in name:
                lib = ctypes.CDLL(os.path.join(libs_dir, name))
                for prefix, suffix in (("scipy_openblas", "64_"), ("scipy_openblas", ""), ("openblas", "")):
                    fn = getattr(lib, prefix + "_get_corename" + suffix, None)
                    if fn is not None:
                        fn.restype = ctypes.c_char_p
                        cfg = getattr(lib, prefix + "_get_config" + suffix)
                        cfg.restype = ctypes.c_char_p
                        return {"source": "ctypes", "architecture": fn().decode(), "config": cfg().decode(),
                                "filepath": os.path.join(libs_dir, name)}
    except OSError as e:
        info["error"] = str(e)
    return info


def system_openblas_core():
    """The kernel the system libopenblas.so.0 picks here (the library the JVM loads), or None."""
    for name in ("libopenblas.so.0", ctypes.util.find_library("openblas")):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return {"library": name, "core": lib.openblas_get_corename().decode(),
                    "config": lib.openblas_get_config().decode()}
        except (OSError, AttributeError):
            continue
    return None


def measure(fn, m, clock):
    """Median seconds of fn() by the rule in the module docstring."""
    samples = []
    t = clock()
    fn()
    first = clock() - t
    if first > m.get("warmup_below_seconds", 1.0):
        samples.append(first)
    if first > m.get("single_above_seconds", float("inf")):
        return {"median_seconds": first, "repeats": 1}
    start = time.perf_counter()
    min_r, max_r, budget = m.get("min_repeats", 3), m.get("max_repeats", 21), m.get("budget_seconds", 3.0)
    while len(samples) < max_r and (len(samples) < min_r or time.perf_counter() - start < budget):
        t = clock()
        fn()
        samples.append(clock() - t)
    return {"median_seconds": statistics.median(samples), "repeats": len(samples)}


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        manifest = json.load(f)
    env = {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE",
                                          "OPENBLAS_L2_SIZE")}
    clock = time.thread_time if manifest.get("clock", "wall") == "cpu" else time.perf_counter
    out = {"numpy": np.__version__, "python": platform.python_version(), "environment": env,
           "clock": manifest.get("clock", "wall"),
           "numpy_blas": blas_info(), "system_openblas": system_openblas_core(), "results": []}
    for m in manifest["matrices"]:
        w32 = np.load(m["file"])
        w64 = w32.astype(np.float64)
        res = {"file": m["file"], "rows": int(w32.shape[0]), "cols": int(w32.shape[1])}
        eig = np.linalg.eigvalsh(w64.T @ w64)
        np.save(m["file"] + ".numpy-eig.npy", eig.reshape(1, -1))
        res["eigvalsh_f64"] = measure(lambda: np.linalg.eigvalsh(w64.T @ w64), m, clock)
        res["eigvalsh_f32"] = measure(lambda: np.linalg.eigvalsh(w32.T @ w32), m, clock)
        if not m.get("skip_svd", False):
            res["svd_f64"] = measure(lambda: np.linalg.svd(w64, compute_uv=False), m, clock)
        out["results"].append(res)
        print("numpy: %dx%d done" % (res["rows"], res["cols"]), file=sys.stderr, flush=True)
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

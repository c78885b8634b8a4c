"""Tests of the Python client: python3 -m unittest discover -s clients/python -v

Standard library and numpy only. ``LiveServerTest`` runs only when DYSON_URL points at a running
monitor (and DYSON_TOKEN holds its token, if it needs one); everything else uses a local stub server.
"""

import io
import json
import os
import threading
import time
import unittest
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from unittest import mock

import numpy as np

from dyson_client import DysonClient, DysonError, encode_npy, validate_name
from torch_example import SnapshotHook, attach, layer_weights


def load(npy: bytes) -> np.ndarray:
    return np.load(io.BytesIO(npy), allow_pickle=False)


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
        b = load(encode_npy([[1.0, 2.0], [3.0, 4.0]]))
        self.assertEqual(np.float64, b.dtype)

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


class NameValidationTest(unittest.TestCase):

    def test_accepts_names_of_the_monitor_alphabet(self):
        for name in ("a", "fc1", "layer.0:weight", "A-Z_a-z.0-9:-", "x" * 64):
            with self.subTest(name=name):
                self.assertEqual(name, validate_name("layer", name))

    def test_rejects_anything_else_with_a_clear_message(self):
        for name in ("", "x" * 65, "bad name", "a/b", "naïve", "run\n", "a?b", "../x", "a%2Fb"):
            with self.subTest(name=name):
                with self.assertRaises(ValueError) as caught:
                    validate_name("run", name)
                self.assertEqual(f"run name {name!r} is invalid: use 1 to 64 characters from A-Z, a-z, "
                                 f"0-9 and _ . : -", str(caught.exception))
        with self.assertRaisesRegex(ValueError, "layer name must be a string, got int 3"):
            validate_name("layer", 3)

    def test_the_client_validates_before_sending(self):
        client = DysonClient("http://127.0.0.1:9")  # discard port: nothing may be sent
        w = np.ones((2, 2), np.float32)
        with self.assertRaisesRegex(ValueError, "run name 'bad name' is invalid"):
            client.post_snapshot("bad name", "fc1", 1, w)
        with self.assertRaisesRegex(ValueError, "layer name 'fc/1' is invalid"):
            client.post_snapshot("run", "fc/1", 1, w)
        with self.assertRaisesRegex(ValueError, "step must be an integer >= 0"):
            client.post_snapshot("run", "fc1", -1, w)
        with self.assertRaisesRegex(ValueError, "policy must be one of"):
            client.put_run("run", policy="newest")
        with self.assertRaisesRegex(ValueError, "learning_rate must be a finite number above 0"):
            client.put_run("run", learning_rate=float("nan"))
        with self.assertRaisesRegex(ValueError, "batch_size must be a positive integer"):
            client.put_run("run", batch_size=0)
        with self.assertRaisesRegex(ValueError, "base_url must look like"):
            DysonClient("127.0.0.1:8080")


class _Stub:
    """A local HTTP server that records requests and answers from a script of (status, headers, body)."""

    def __init__(self):
        self.requests: List[Dict[str, Any]] = []
        self.replies: List[Tuple[int, Dict[str, str], bytes]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                stub.requests.append({
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": self.rfile.read(length),
                })
                status, headers, body = stub.replies.pop(0) if stub.replies else (200, {}, b"{}")
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = do_POST = _handle

            def log_message(self, *args):  # keep test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def reply(self, status: int, body: Any = None, headers: Optional[Dict[str, str]] = None):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.replies.append((status, headers or {"Content-Type": "application/json"}, raw))

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class StubServerTest(unittest.TestCase):

    def setUp(self):
        # A proxy configured in the environment must not intercept requests to the stub.
        patcher = mock.patch.dict(os.environ, {"no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"})
        patcher.start()
        self.addCleanup(patcher.stop)
        self.stub = _Stub()
        self.addCleanup(self.stub.close)
        self.client = DysonClient(self.stub.url + "/", token="s3cret", timeout=5)
        self.waits: List[float] = []
        self.client._sleep = self.waits.append

    def test_put_run_sends_json_with_the_token(self):
        self.stub.reply(200, {"run": "r1"})
        result = self.client.put_run("r1", learning_rate=0.01, batch_size=32, policy="all",
                                     targets={"fc1": np.array([0.5, 1.0, 2.0])})
        self.assertEqual({"run": "r1"}, result)
        request = self.stub.requests[0]
        self.assertEqual(("PUT", "/api/v1/runs/r1"), (request["method"], request["path"]))
        self.assertEqual("Bearer s3cret", request["headers"]["Authorization"])
        self.assertEqual("application/json", request["headers"]["Content-Type"])
        self.assertEqual({"learning_rate": 0.01, "batch_size": 32, "policy": "all",
                          "targets": {"fc1": [0.5, 1.0, 2.0]}}, json.loads(request["body"]))

    def test_put_run_sends_only_the_fields_given(self):
        self.client.put_run("r1")
        self.assertEqual({}, json.loads(self.stub.requests[0]["body"]))

    def test_post_snapshot_sends_npy_bytes(self):
        self.stub.reply(202, {"accepted": True})
        w = np.random.default_rng(0).standard_normal((20, 10)).astype(np.float32)
        self.assertEqual({"accepted": True}, self.client.post_snapshot("r1", "fc1", 7, w, lr=0.001, batch=64))
        self.assertEqual(202, self.client.last_status)
        request = self.stub.requests[0]
        path, _, query = request["path"].partition("?")
        self.assertEqual(("POST", "/api/v1/runs/r1/layers/fc1/snapshots"), (request["method"], path))
        self.assertEqual({"step": ["7"], "lr": ["0.001"], "batch": ["64"]}, urllib.parse.parse_qs(query))
        self.assertEqual("application/octet-stream", request["headers"]["Content-Type"])
        np.testing.assert_array_equal(w, load(request["body"]))

    def test_other_endpoints(self):
        self.stub.reply(200, {"runs": []})
        self.assertEqual({"runs": []}, self.client.runs())
        self.stub.reply(200, {"run": "r1", "layer": "fc1", "eigenvalues": [1.0]})
        self.assertEqual([1.0], self.client.layer_report("r1", "fc1")["eigenvalues"])
        self.stub.reply(202, b"")
        self.assertIsNone(self.client.finish("r1"))
        self.assertEqual([("GET", "/api/v1/runs"), ("GET", "/api/v1/runs/r1/layers/fc1"),
                          ("POST", "/api/v1/runs/r1/finish")],
                         [(r["method"], r["path"]) for r in self.stub.requests])

    def test_errors_carry_status_and_the_servers_explanation(self):
        self.stub.reply(422, {"error": "array must be 2-D, got shape (10,)"})
        with self.assertRaises(DysonError) as caught:
            self.client.post_snapshot("r1", "fc1", 1, np.ones((2, 2)))
        self.assertEqual(422, caught.exception.status)
        self.assertEqual("array must be 2-D, got shape (10,)", caught.exception.message)
        self.assertEqual("HTTP 422: array must be 2-D, got shape (10,)", str(caught.exception))

        self.stub.reply(404, b"no such run", {"Content-Type": "text/plain"})
        with self.assertRaises(DysonError) as caught:
            self.client.layer_report("r1", "fc9")
        self.assertEqual((404, "no such run"), (caught.exception.status, caught.exception.message))

        self.stub.reply(500, b"", {})
        with self.assertRaises(DysonError) as caught:
            self.client.runs()
        self.assertEqual((500, "Internal Server Error"), (caught.exception.status, caught.exception.message))

    def test_503_is_retried_as_retry_after_asks(self):
        self.stub.reply(503, {"error": "queue full"}, {"Retry-After": "2"})
        self.stub.reply(503, {"error": "queue full"}, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
        self.stub.reply(503, {"error": "queue full"}, {"Retry-After": "3600"})
        self.stub.reply(202, {"ok": True})
        self.assertEqual({"ok": True}, self.client.post_snapshot("r1", "fc1", 1, np.ones((2, 2))))
        self.assertEqual(4, len(self.stub.requests))
        # As asked; a date in the past means now; an hour is capped at max_retry_wait.
        self.assertEqual([2.0, 0.0, 30.0], self.waits)
        self.assertEqual(self.stub.requests[0]["body"], self.stub.requests[3]["body"])

    def test_503_without_retry_after_backs_off_and_gives_up(self):
        for _ in range(4):
            self.stub.reply(503, {"error": "queue full"}, {"Content-Type": "application/json"})
        with self.assertRaises(DysonError) as caught:
            self.client.post_snapshot("r1", "fc1", 1, np.ones((2, 2)))
        self.assertEqual((503, "queue full"), (caught.exception.status, caught.exception.message))
        self.assertEqual([0.5, 1.0, 2.0], self.waits)
        self.assertEqual(4, len(self.stub.requests))

    def test_other_errors_are_not_retried(self):
        self.stub.reply(400, {"error": "bad"})
        with self.assertRaises(DysonError):
            self.client.finish("r1")
        self.assertEqual(1, len(self.stub.requests))
        self.assertEqual([], self.waits)

    def test_without_validation_names_are_quoted_and_left_to_the_server(self):
        raw = DysonClient(self.stub.url, validate=False)
        self.stub.reply(400, {"error": "invalid run name"})
        with self.assertRaises(DysonError) as caught:
            raw.post_snapshot("bad name/..", "fc1", 1, np.ones(10, np.float32))
        self.assertEqual(400, caught.exception.status)
        request = self.stub.requests[0]
        self.assertTrue(request["path"].startswith("/api/v1/runs/bad%20name%2F../layers/fc1/snapshots?"))
        self.assertNotIn("Authorization", request["headers"])
        self.assertEqual((10,), load(request["body"]).shape)


class _FakeTensor:
    """The part of the torch.Tensor API that layer_weights uses, backed by a NumPy array."""

    def __init__(self, array: np.ndarray):
        self.array = array

    def detach(self):
        return self

    def cpu(self):
        return self

    def float(self):
        return _FakeTensor(self.array.astype(np.float32))

    def numpy(self):
        return self.array  # shares memory, as torch does on the CPU

    def is_floating_point(self):
        return self.array.dtype.kind == "f"

    def element_size(self):
        return self.array.dtype.itemsize

    def dim(self):
        return self.array.ndim


class _FakeLayer:
    def __init__(self, *shape: int, dtype=np.float32):
        self.weight = _FakeTensor(np.ones(shape, dtype=dtype))


class _FakeModel:
    def __init__(self, **layers: Any):
        self.layers = layers

    def named_modules(self):
        return [("", self)] + list(self.layers.items())


class _RecordingClient:
    """Stands in for DysonClient; can hold every send until released, to fill the queue."""

    base_url = "http://fake"

    def __init__(self, fail: bool = False):
        self.posts: List[Tuple[str, str, int, np.ndarray]] = []
        self.runs_put: List[Dict[str, Any]] = []
        self.release = threading.Event()
        self.release.set()
        self.started = threading.Event()
        self.fail = fail

    def put_run(self, run, **kwargs):
        self.runs_put.append(dict(run=run, **kwargs))

    def post_snapshot(self, run, layer, step, weights, lr=None, batch=None):
        self.started.set()
        self.release.wait(5)
        if self.fail:
            raise DysonError(503, "queue full")
        self.posts.append((run, layer, step, weights))


class AttachTest(unittest.TestCase):

    def test_copies_weights_and_flattens_kernels(self):
        layer = _FakeLayer(3, 4)
        w = layer_weights(layer)
        layer.weight.array[0, 0] = 99.0  # the next optimizer step
        self.assertEqual(1.0, w[0, 0])
        self.assertEqual((8, 27), layer_weights(_FakeLayer(8, 3, 3, 3)).shape)
        self.assertEqual(np.float32, layer_weights(_FakeLayer(2, 2, dtype=np.float16)).dtype)

    def test_blocking_hook_sends_every_n_steps(self):
        client = _RecordingClient()
        model = _FakeModel(fc1=_FakeLayer(4, 3), fc2=_FakeLayer(2, 4))
        hook = attach(model, client, "r1", ["fc1", "fc2"], every=5, lr=0.1, batch=8, nonblocking=False)
        for step in range(1, 16):
            hook(step)
        self.assertEqual([{"run": "r1", "learning_rate": 0.1, "batch_size": 8, "policy": None}], client.runs_put)
        self.assertEqual([("fc1", 5), ("fc2", 5), ("fc1", 10), ("fc2", 10), ("fc1", 15), ("fc2", 15)],
                         [(layer, step) for _, layer, step, _ in client.posts])
        self.assertEqual(6, hook.sent)
        self.assertTrue(hook.close())

    def test_counts_steps_when_none_are_given(self):
        client = _RecordingClient()
        hook = attach(_FakeModel(fc1=_FakeLayer(2, 2)), client, "r1", ["fc1"], every=2, nonblocking=False)
        for _ in range(5):
            hook()
        self.assertEqual([2, 4], [step for _, _, step, _ in client.posts])

    def test_nonblocking_queue_drops_the_oldest_and_close_flushes(self):
        client = _RecordingClient()
        client.release.clear()  # the monitor is stuck
        hook = attach(_FakeModel(fc1=_FakeLayer(2, 2)), client, "r1", ["fc1"], every=1, queue_size=3)
        hook(1)
        self.assertTrue(client.started.wait(5))  # step 1 is being sent and holds the sender
        for step in range(2, 9):
            hook(step)  # returns at once although nothing can be sent
        self.assertEqual(4, hook.dropped)  # steps 2..5 replaced by 6, 7, 8
        client.release.set()
        self.assertTrue(hook.close(timeout=5))
        self.assertEqual([1, 6, 7, 8], [step for _, _, step, _ in client.posts])
        self.assertEqual((4, 0), (hook.sent, hook.errors))
        hook(9)  # after close: ignored, no error
        self.assertEqual(4, len(client.posts))

    def test_monitor_failures_are_counted_not_raised(self):
        client = _RecordingClient(fail=True)
        hook = SnapshotHook(client, "r1", {"fc1": _FakeLayer(2, 2)}, every=1, nonblocking=False)
        with self.assertLogs("dyson", level="WARNING") as logs:
            for step in range(1, 4):
                hook(step)
        self.assertEqual((0, 3), (hook.sent, hook.errors))
        self.assertEqual(1, len(logs.records))  # the first failure only, not one line per step

    def test_unknown_layers_and_bad_names_fail_at_once(self):
        model = _FakeModel(fc1=_FakeLayer(2, 2), bias=_FakeLayer(4))
        with self.assertRaisesRegex(ValueError, r"model has no layer 'fc9' with a weight matrix; choose from \['fc1'\]"):
            attach(model, _RecordingClient(), "r1", ["fc9"])
        with self.assertRaisesRegex(ValueError, "no layer 'bias' with a weight matrix"):
            attach(model, _RecordingClient(), "r1", ["bias"])
        with self.assertRaisesRegex(ValueError, "run name 'my run' is invalid"):
            attach(model, _RecordingClient(), "my run", ["fc1"])


@unittest.skipUnless(os.environ.get("DYSON_URL"), "set DYSON_URL (and DYSON_TOKEN) to test a live monitor")
class LiveServerTest(unittest.TestCase):
    """Against a running monitor: a run, a few snapshots, the errors for bad input, and the run list.

    Run by the Java test PythonClientLiveTest against a real server with a token.
    """

    def setUp(self):
        url = os.environ["DYSON_URL"]
        token = os.environ.get("DYSON_TOKEN")
        self.client = DysonClient(url, token=token)
        # Sends bad input unchecked, to see the server's own validation.
        self.unchecked = DysonClient(url, token=token, validate=False)
        self.run = "client-test-" + uuid.uuid4().hex[:12]
        self.weights = np.random.default_rng(7).standard_normal((20, 10)).astype(np.float32)

    def put_run(self, **metadata):
        response = self.client.put_run(self.run, **metadata)
        self.assertEqual(200, self.client.last_status)
        self.assertEqual({"run": self.run, "message": f"run {self.run} created"}, response)
        self.addCleanup(self.client.finish, self.run)

    def wait_for(self, what, observe, done, seconds=30.0):
        """Polls observe() until done(value); the deadline only stops a hung test."""
        deadline = time.monotonic() + seconds
        value = observe()
        while not done(value):
            if time.monotonic() > deadline:
                self.fail(f"still not {what} after {seconds} s; last seen {value!r}")
            time.sleep(0.02)
            value = observe()
        return value

    def listed(self):
        runs = {r["run"]: r for r in self.client.runs()["runs"]}
        return runs.get(self.run)

    def test_a_run_round_trip(self):
        self.put_run(learning_rate=0.01, batch_size=32, policy="all")
        for step in (10, 20, 30):
            response = self.client.post_snapshot(self.run, "fc1", step, self.weights * step, lr=0.01, batch=32)
            self.assertEqual(202, self.client.last_status)
            self.assertEqual({"run": self.run, "layer": "fc1", "step": step, "rows": 20, "cols": 10,
                              "policy": "all", "status": "queued"}, response)
        # Policy "all": nothing is dropped, so all three are processed.
        run = self.wait_for("3 snapshots processed", self.listed,
                            lambda r: r is not None and r["layers"] and r["layers"][0]["processed"] == 3)
        self.assertEqual(("active", 0.01, 32, "all", 30),
                         (run["status"], run["learning_rate"], run["batch_size"], run["policy"], run["step"]))
        layer = run["layers"][0]
        self.assertEqual({"layer": "fc1", "rows": 20, "cols": 10, "has_target": False, "received": 3,
                          "processed": 3, "dropped": 0, "rejected": 0}, layer)
        report = self.client.layer_report(self.run, "fc1")
        self.assertEqual((self.run, "fc1", 30, 20, 10, 3),
                         (report["run"], report["layer"], report["step"], report["rows"], report["cols"],
                          report["snapshots"]))
        w = (self.weights * 30).astype(np.float64)  # exactly the float32 values sent at step 30
        expected = np.linalg.eigvalsh(w.T @ w)  # ascending, of the smaller Gram matrix (10×10)
        np.testing.assert_allclose(report["eigenvalues"], expected, rtol=1e-9)
        self.assertEqual((0.01, 32), (report["learning_rate"], report["batch_size"]))

    def test_finish_refuses_later_snapshots(self):
        self.put_run()
        self.client.post_snapshot(self.run, "fc1", 1, self.weights)
        self.assertEqual(f"run {self.run} finished; its series are removed in 300 s",
                         self.client.finish(self.run)["message"])
        with self.assertRaises(DysonError) as caught:
            self.client.post_snapshot(self.run, "fc1", 2, self.weights)
        self.assertEqual(409, caught.exception.status)
        self.assertEqual(f"run {self.run} is finished and accepts no more snapshots; use a new run name",
                         caught.exception.message)
        self.assertEqual("finished", self.listed()["status"])

    def test_bad_name_is_rejected_by_the_server(self):
        with self.assertRaises(DysonError) as caught:
            self.unchecked.post_snapshot("bad name!", "fc1", 1, self.weights)
        self.assertEqual(400, caught.exception.status)
        self.assertEqual('name "bad name!" is not allowed: use 1 to 64 characters of A-Z a-z 0-9 _ . : -',
                         caught.exception.message)

    def test_one_dimensional_array_is_rejected_by_the_server(self):
        self.put_run(learning_rate=0.01, batch_size=32)
        with self.assertRaises(DysonError) as caught:
            self.unchecked.post_snapshot(self.run, "fc1", 1, np.ones(10, np.float32))
        self.assertEqual(422, caught.exception.status)
        self.assertEqual("array must be 2-D, got shape (10,)", caught.exception.message)

    def test_non_finite_values_are_rejected_by_the_server(self):
        self.put_run()
        w = self.weights.copy()
        w[3, 7] = np.nan
        with self.assertRaises(DysonError) as caught:
            self.unchecked.post_snapshot(self.run, "fc1", 1, w)
        self.assertEqual(422, caught.exception.status)
        self.assertEqual("value at row 3, col 7 is NaN (has training diverged?)", caught.exception.message)

    def test_a_negative_step_is_rejected_by_the_server(self):
        self.put_run()
        with self.assertRaises(DysonError) as caught:
            self.unchecked.post_snapshot(self.run, "fc1", -1, self.weights)
        self.assertEqual(400, caught.exception.status)
        self.assertEqual("step must be a non-negative integer, got -1", caught.exception.message)

    def test_a_wrong_token_is_401_when_the_monitor_has_one(self):
        wrong = DysonClient(os.environ["DYSON_URL"], token="not-the-token")
        if not os.environ.get("DYSON_TOKEN"):
            self.assertIn("runs", wrong.runs())  # a monitor without a token ignores the header
            return
        with self.assertRaises(DysonError) as caught:
            wrong.runs()
        self.assertEqual((401, "the bearer token is wrong"), (caught.exception.status, caught.exception.message))


if __name__ == "__main__":
    unittest.main()

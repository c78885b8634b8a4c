"""The client's requests, offline against a stub server: paths, queries, bodies, tokens, errors, retries."""

import io
import json
import os
import threading
import unittest
import urllib.error
import urllib.parse
from unittest import mock

import numpy as np

from dyson_monitor import Client, DysonError
from stub_server import StubServer


def load(npy: bytes) -> np.ndarray:
    return np.load(io.BytesIO(npy), allow_pickle=False)


def load_npz(body: bytes) -> dict:
    with np.load(io.BytesIO(body), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def no_proxy(test: unittest.TestCase) -> None:
    """A proxy configured in the environment must not intercept requests to 127.0.0.1."""
    patcher = mock.patch.dict(os.environ, {"no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"})
    patcher.start()
    test.addCleanup(patcher.stop)


class ValidationTest(unittest.TestCase):

    def test_the_client_validates_before_sending(self):
        client = Client("http://127.0.0.1:9")  # discard port: nothing may be sent
        w = np.ones((2, 2), np.float32)
        cases = [
            ("run name 'bad name' is invalid", lambda: client.post_snapshot("bad name", "fc1", 1, w)),
            ("layer name 'fc/1' is invalid", lambda: client.post_snapshot("run", "fc/1", 1, w)),
            ("step must be an integer >= 0", lambda: client.post_snapshot("run", "fc1", -1, w)),
            ("step must be an integer >= 0", lambda: client.post_model("run", 1.5, {"w": w})),
            ("lr must be a finite number above 0", lambda: client.post_model("run", 1, {"w": w}, lr=0)),
            ("batch must be a positive integer", lambda: client.post_model("run", 1, {"w": w}, batch=True)),
            (r"no array with 2 or more dimensions among \['b'\]", lambda: client.post_model("run", 1, {"b": [1.0]})),
            ("layer name '_x' is invalid", lambda: client.post_model("run", 1, {"_x": w})),
            ("policy must be one of", lambda: client.put_run("run", policy="newest")),
            ("learning_rate must be a finite number above 0", lambda: client.put_run("run", learning_rate=float("nan"))),
            ("batch_size must be a positive integer", lambda: client.put_run("run", batch_size=0)),
            ("url must look like", lambda: Client("127.0.0.1:8080")),
        ]
        for message, call in cases:
            with self.subTest(message=message):
                with self.assertRaisesRegex(ValueError, message):
                    call()


class StubServerTest(unittest.TestCase):

    def setUp(self):
        no_proxy(self)
        self.stub = StubServer()
        self.addCleanup(self.stub.close)
        self.client = Client(self.stub.url + "/", token="s3cret", timeout=5)
        self.addCleanup(self.client.close)
        self.waits = []
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

    def test_post_model_sends_one_npz_of_the_matrices(self):
        answer = {"run": "r1", "step": 30, "layers": [], "skipped": []}
        self.stub.reply(202, answer)
        rng = np.random.default_rng(3)
        state = {"layers.0.self_attn.in_proj_weight": rng.standard_normal((12, 4)).astype(np.float32),
                 "layers.0.self_attn.in_proj_bias": np.zeros(12, np.float32),
                 "head.weight": rng.standard_normal((2, 4))}
        self.assertEqual(answer, self.client.post_model("r1", 30, state, lr=0.5, batch=16))
        request = self.stub.requests[0]
        path, _, query = request["path"].partition("?")
        self.assertEqual(("POST", "/api/v1/runs/r1/snapshots"), (request["method"], path))
        self.assertEqual({"step": ["30"], "lr": ["0.5"], "batch": ["16"]}, urllib.parse.parse_qs(query))
        self.assertEqual("application/octet-stream", request["headers"]["Content-Type"])
        sent = load_npz(request["body"])
        self.assertEqual(["layers.0.self_attn.in_proj_weight", "head.weight"], list(sent))  # the bias is left out
        for name, a in sent.items():
            np.testing.assert_array_equal(state[name], a)

    def test_post_model_passes_bytes_through(self):
        body = b"\x08\x00\x00\x00\x00\x00\x00\x00{}      "  # e.g. a safetensors file, read from disk
        self.client.post_model("r1", 1, body)
        self.assertEqual(body, self.stub.requests[0]["body"])
        self.assertEqual("/api/v1/runs/r1/snapshots?step=1", self.stub.requests[0]["path"])

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

        self.stub.reply(200, b"<html>proxy</html>", {"Content-Type": "text/html"})
        with self.assertRaisesRegex(DysonError, "a body that is not JSON: <html>proxy</html>"):
            self.client.runs()

    def test_503_is_retried_as_retry_after_asks(self):
        self.stub.reply(503, {"error": "queue full"}, {"Retry-After": "2"})
        self.stub.reply(503, {"error": "queue full"}, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
        self.stub.reply(503, {"error": "queue full"}, {"Retry-After": "3600"})
        self.stub.reply(202, {"ok": True})
        self.assertEqual({"ok": True}, self.client.post_model("r1", 1, {"w": np.ones((2, 2))}))
        self.assertEqual(4, len(self.stub.requests))
        # As asked; a date in the past means now; an hour is capped at max_retry_wait.
        self.assertEqual([2.0, 0.0, 30.0], self.waits)
        self.assertEqual(self.stub.requests[0]["body"], self.stub.requests[3]["body"])

    def test_a_partly_queued_model_is_retried_with_the_layers_not_queued_only(self):
        # Policy "all": a.weight was queued (it will be processed), b.weight's queue stayed full. A retry
        # of the whole model would make a.weight count twice at this step.
        self.stub.reply(503, {"error": "layers b.weight of run r1 are still busy",
                              "layers": [{"layer": "a.weight", "rows": 2, "cols": 2, "status": "queued"},
                                         {"layer": "b.weight", "rows": 3, "cols": 2, "status": "not_queued"}]},
                        {"Retry-After": "1"})
        self.stub.reply(202, {"run": "r1", "step": 7, "layers": [{"layer": "b.weight", "status": "queued"}]})
        model = {"a.weight": np.ones((2, 2)), "b.weight": np.full((3, 2), 2.0), "b.bias": np.zeros(3)}
        self.client.post_model("r1", 7, model)
        self.assertEqual(2, len(self.stub.requests))
        first = np.load(io.BytesIO(self.stub.requests[0]["body"]))
        retry = np.load(io.BytesIO(self.stub.requests[1]["body"]))
        self.assertEqual(["a.weight", "b.weight"], sorted(first.files))
        self.assertEqual(["b.weight"], retry.files)
        np.testing.assert_array_equal(np.full((3, 2), 2.0), retry["b.weight"])
        self.assertEqual(self.stub.requests[0]["path"], self.stub.requests[1]["path"])

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
        raw = Client(self.stub.url, validate=False)
        self.addCleanup(raw.close)
        self.stub.reply(400, {"error": "invalid run name"})
        with self.assertRaises(DysonError) as caught:
            raw.post_snapshot("bad name/..", "fc1", 1, np.ones(10, np.float32))
        self.assertEqual(400, caught.exception.status)
        request = self.stub.requests[0]
        self.assertTrue(request["path"].startswith("/api/v1/runs/bad%20name%2F../layers/fc1/snapshots?"))
        self.assertNotIn("Authorization", request["headers"])
        self.assertEqual((10,), load(request["body"]).shape)


class ConnectionTest(unittest.TestCase):
    """One kept connection per thread, a new one when the server closes it."""

    def setUp(self):
        no_proxy(self)
        self.stub = StubServer()
        self.addCleanup(self.stub.close)
        self.client = Client(self.stub.url, timeout=5)
        self.addCleanup(self.client.close)
        self.w = np.ones((4, 4), np.float32)

    def ports(self):
        return [r["port"] for r in self.stub.requests]

    def test_requests_of_one_thread_share_one_connection(self):
        self.client.put_run("r1")
        for step in range(1, 4):
            self.client.post_snapshot("r1", "fc1", step, self.w)
        self.client.runs()
        self.assertEqual(5, len(self.stub.requests))
        self.assertEqual(1, len(set(self.ports())), self.ports())
        self.assertNotEqual("close", self.stub.requests[0]["headers"].get("Connection"))

    def test_each_thread_has_its_own_connection(self):
        self.client.runs()
        other = threading.Thread(target=lambda: (self.client.runs(), self.client.runs(), self.client.close()))
        other.start()
        other.join(10)
        self.client.runs()
        first, second, third, fourth = self.ports()
        self.assertEqual(first, fourth)
        self.assertEqual(second, third)
        self.assertNotEqual(first, second)

    def test_connection_close_from_the_server_opens_a_new_one(self):
        self.stub.reply(200, {}, {"Connection": "close"})
        self.client.runs()
        self.client.runs()
        self.client.runs()
        first, second, third = self.ports()
        self.assertNotEqual(first, second)
        self.assertEqual(second, third)

    def test_a_kept_connection_the_server_hung_up_is_replaced_and_the_request_sent_once(self):
        self.stub.reply(202, {"accepted": True}, {"X-Stub-Hang-Up": "1"})
        self.client.post_snapshot("r1", "fc1", 1, self.w)
        self.client.post_snapshot("r1", "fc1", 2, self.w)
        self.assertEqual(200, self.client.last_status)
        steps = [r["path"].rpartition("step=")[2] for r in self.stub.of("POST", "/api/v1/runs/r1/layers/fc1/")]
        self.assertEqual(["1", "2"], steps)
        self.assertNotEqual(*self.ports())

    def test_a_refused_connection_is_a_url_error(self):
        self.stub.reply(200, {}, {"X-Stub-Hang-Up": "1"})
        self.client.runs()
        self.stub.close()
        # The kept connection is gone and no server listens any more: the new connection is refused.
        with self.assertRaises(urllib.error.URLError) as caught:
            self.client.runs()
        self.assertIsInstance(caught.exception.reason, ConnectionRefusedError)
        self.assertEqual(1, len(self.stub.requests))

if __name__ == "__main__":
    unittest.main()

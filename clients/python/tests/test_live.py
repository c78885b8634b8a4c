"""Against a real monitor at DYSON_URL (with DYSON_TOKEN, if it has one); skipped without DYSON_URL.

Run by the Java test PythonClientLiveTest against a real server with a token. The whole-model tests
skip, with NO_MODEL_ROUTE as their reason, only when the server answers 404/405 for
``POST /api/v1/runs/{run}/snapshots``; the Java test checks the server really has no such route then.
"""

import io
import logging
import os
import time
import unittest
import uuid

import numpy as np

import dyson_monitor
from dyson_monitor import Client, DysonError

try:
    import torch
    from torch import nn
except ImportError:  # the Maven suite runs these with Debian's python3-torch, where this never happens
    torch = None

NO_MODEL_ROUTE = "the server has no whole-model route POST /api/v1/runs/{run}/snapshots"


def new_run(prefix: str = "client-test") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@unittest.skipUnless(os.environ.get("DYSON_URL"), "set DYSON_URL (and DYSON_TOKEN) to test a live monitor")
class LiveTestCase(unittest.TestCase):

    def setUp(self):
        self.url = os.environ["DYSON_URL"]
        self.token = os.environ.get("DYSON_TOKEN")
        self.client = Client(self.url, token=self.token)
        # Sends bad input unchecked, to see the server's own validation.
        self.unchecked = Client(self.url, token=self.token, validate=False)
        self.run = new_run()
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

    def listed(self, run=None):
        runs = {r["run"]: r for r in self.client.runs()["runs"]}
        return runs.get(run or self.run)

    def layers_of(self, run=None):
        listed = self.listed(run)
        return {layer["layer"]: layer for layer in listed["layers"]} if listed else {}

    def post_model(self, *args, **kwargs):
        """client.post_model, or skip this test if the server does not have the route at all."""
        try:
            return self.client.post_model(*args, **kwargs)
        except DysonError as error:
            if error.status in (404, 405):
                self.skipTest(NO_MODEL_ROUTE)
            raise


class SingleLayerTest(LiveTestCase):

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
                          "processed": 3, "dropped": 0, "rejected": 0},
                         {k: layer[k] for k in ("layer", "rows", "cols", "has_target", "received", "processed",
                                                "dropped", "rejected")})
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
        self.assertIn('"bad name!" is not allowed', caught.exception.message)

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

    @unittest.skipUnless(os.environ.get("DYSON_MAX_BODY"), "set DYSON_MAX_BODY to the monitor's --max-body")
    def test_a_layer_over_the_body_limit_gets_the_servers_413(self):
        # http.client reads the answer only once it has sent the whole body: it sees the 413 only if
        # the server lets it finish sending instead of closing the connection under it.
        max_body = int(os.environ["DYSON_MAX_BODY"])
        big = np.ones((max_body // 512, 1024), np.float32)  # 8 × the limit, as .npy
        for attempt in (1, 2, 3):
            with self.assertRaises(DysonError) as caught:
                self.client.post_snapshot(self.run, "fc1", attempt, big)
            self.assertEqual(413, caught.exception.status)
            self.assertRegex(caught.exception.message,
                             rf"^body of \d+ bytes is over the limit of {max_body} bytes \(--max-body\)$")
            self.assertIn("runs", self.client.runs())  # the client's next request works

    def test_a_wrong_token_is_401_when_the_monitor_has_one(self):
        wrong = Client(self.url, token="not-the-token")
        if not self.token:
            self.assertIn("runs", wrong.runs())  # a monitor without a token ignores the header
            return
        with self.assertRaises(DysonError) as caught:
            wrong.runs()
        self.assertEqual((401, "the bearer token is wrong"), (caught.exception.status, caught.exception.message))


class WholeModelTest(LiveTestCase):

    def test_a_whole_model_round_trip(self):
        self.put_run(policy="all")
        rng = np.random.default_rng(11)
        state = {"encoder.layers.0.self_attn.in_proj_weight": rng.standard_normal((24, 8)).astype(np.float32),
                 "encoder.layers.0.self_attn.in_proj_bias": np.zeros(24, np.float32),
                 "head.weight": rng.standard_normal((3, 8))}
        response = self.post_model(self.run, 40, state, lr=0.02, batch=8)
        self.assertEqual(202, self.client.last_status)
        self.assertEqual((self.run, 40, []), (response["run"], response["step"], response["skipped"]))
        self.assertEqual([("encoder.layers.0.self_attn.in_proj_weight", 24, 8), ("head.weight", 3, 8)],
                         sorted((layer["layer"], layer["rows"], layer["cols"]) for layer in response["layers"]))
        layers = self.wait_for("both layers processed", self.layers_of,
                               lambda ls: len(ls) == 2 and all(layer["processed"] == 1 for layer in ls.values()))
        self.assertEqual({"encoder.layers.0.self_attn.in_proj_weight", "head.weight"}, set(layers))
        for name in layers:
            report = self.client.layer_report(self.run, name)
            w = state[name].astype(np.float64)
            gram = w.T @ w if w.shape[0] >= w.shape[1] else w @ w.T  # the smaller Gram matrix
            np.testing.assert_allclose(report["eigenvalues"], np.linalg.eigvalsh(gram), rtol=1e-9, atol=1e-12)
            self.assertEqual((40, 0.02, 8), (report["step"], report["learning_rate"], report["batch_size"]))

    def test_a_compressed_npz_passes_through_and_vectors_are_listed_as_skipped(self):
        self.put_run()
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **{"fc1.weight": self.weights, "fc1.bias": np.zeros(20, np.float32)})
        response = self.post_model(self.run, 1, buffer.getvalue())
        self.assertEqual(["fc1.bias"], response["skipped"])
        self.assertEqual([("fc1.weight", 20, 10)], [(l["layer"], l["rows"], l["cols"]) for l in response["layers"]])

    def test_one_bad_layer_refuses_the_whole_model(self):
        self.put_run()
        bad = self.weights.copy()
        bad[2, 5] = np.inf
        self.post_model(self.run, 1, {"fc0.weight": self.weights})  # the route exists, or the test skips here
        with self.assertRaises(DysonError) as caught:
            self.unchecked.post_model(self.run, 2, {"fc1.weight": self.weights, "fc2.weight": bad})
        self.assertTrue(400 <= caught.exception.status < 500, caught.exception)
        self.assertIn("fc2.weight", caught.exception.message)
        time.sleep(0.2)
        layers = self.layers_of()
        # No snapshot of the refused model is counted (its layers may be listed, empty).
        self.assertEqual({"fc0.weight": 1}, {name: l["received"] for name, l in layers.items() if l["received"]})


@unittest.skipIf(torch is None, "needs torch")
class WatchTest(LiveTestCase):

    def setUp(self):
        super().setUp()
        # The hook's warnings are kept here rather than printed amid unittest's own output.
        self.warnings = []
        handler = logging.Handler()
        handler.emit = lambda record: self.warnings.append(record.getMessage())
        logger = logging.getLogger("dyson_monitor")
        logger.addHandler(handler)
        logger.propagate = False
        self.addCleanup(setattr, logger, "propagate", True)
        self.addCleanup(logger.removeHandler, handler)

    def has_model_route(self) -> bool:
        try:
            self.client.post_model(new_run("client-probe"), 0, {"probe": np.eye(2, dtype=np.float32)})
            return True
        except DysonError as error:
            if error.status in (404, 405):
                return False
            raise

    def check_every_matrix_arrives(self, model, x, y, steps=40, every=5):
        matrices = [name for name, p in model.named_parameters() if p.dim() >= 2]
        expected_mode = "model" if self.has_model_route() else "layers"
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
        hook = dyson_monitor.watch(model, self.run, url=self.url, token=self.token, every=every, batch=len(x),
                                   policy="all", optimizer=optimizer)
        self.addCleanup(self.client.finish, self.run)
        for step in range(1, steps + 1):
            loss = nn.functional.mse_loss(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            hook(step)
        self.assertTrue(hook.close(30))
        self.assertEqual((0, expected_mode), (hook.errors, hook.mode), self.warnings)
        if expected_mode == "layers":
            self.assertEqual(1, len(self.warnings), self.warnings)
            self.assertIn("has no whole-model route (HTTP 404", self.warnings[0])
        self.assertEqual(steps // every, hook.sent + hook.dropped)
        self.assertGreaterEqual(hook.sent, 1)
        # Policy "all": every snapshot the hook sent is processed, for every matrix alike.
        layers = self.wait_for(f"{hook.sent} snapshots of each matrix processed", self.layers_of,
                               lambda ls: len(ls) == len(matrices)
                               and all(layer["processed"] == hook.sent for layer in ls.values()))
        self.assertEqual(sorted(matrices), sorted(layers))
        for name, layer in layers.items():
            self.assertEqual((hook.sent, 0, 0), (layer["received"], layer["dropped"], layer["rejected"]), name)
        run = self.listed()
        self.assertEqual((0.01, len(x), "all"), (run["learning_rate"], run["batch_size"], run["policy"]))
        return layers

    def test_an_mlp(self):
        torch.manual_seed(1)
        model = nn.Sequential(nn.Linear(12, 32), nn.Tanh(), nn.Linear(32, 4))
        layers = self.check_every_matrix_arrives(model, torch.randn(16, 12), torch.randn(16, 4))
        self.assertEqual({"0.weight": (32, 12), "2.weight": (4, 32)},
                         {name: (layer["rows"], layer["cols"]) for name, layer in layers.items()})

    def test_a_transformer_encoder_layer_with_its_in_proj_weight(self):
        torch.manual_seed(2)
        model = nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, batch_first=True)
        layers = self.check_every_matrix_arrives(model, torch.randn(8, 6, 32), torch.randn(8, 6, 32))
        self.assertEqual({"self_attn.in_proj_weight": (96, 32), "self_attn.out_proj.weight": (32, 32),
                          "linear1.weight": (64, 32), "linear2.weight": (32, 64)},
                         {name: (layer["rows"], layer["cols"]) for name, layer in layers.items()})


if __name__ == "__main__":
    unittest.main()

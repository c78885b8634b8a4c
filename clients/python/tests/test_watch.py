"""``watch`` with real torch models, offline against a stub server: what it selects, copies and sends,
and that a slow or absent monitor neither blocks nor breaks the training loop."""

import io
import socket
import time
import unittest
import urllib.parse

import numpy as np

import dyson_monitor
from stub_server import StubServer
from test_client import no_proxy

try:
    import torch
    from torch import nn
except ImportError:  # the Maven suite runs these with Debian's python3-torch, where this never happens
    torch = None


def load_npz(body: bytes) -> dict:
    with np.load(io.BytesIO(body), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def small_transformer():
    torch.manual_seed(0)
    return nn.Sequential(nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True), nn.Linear(16, 3))


TRANSFORMER_MATRICES = ["0.self_attn.in_proj_weight", "0.self_attn.out_proj.weight", "0.linear1.weight",
                        "0.linear2.weight", "1.weight"]


def train(model, hook, steps, lr=0.05, wait=False):
    """A real training loop: regression of random targets; the hook after each optimizer step.

    With ``wait``, each snapshot is sent before training goes on (for tests of what is sent).
    """
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    x, y = torch.randn(4, 5, 16), torch.randn(4, 5, 3)
    states = {}
    for step in range(1, steps + 1):
        loss = nn.functional.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        hook(step)
        states[step] = {n: p.detach().clone() for n, p in model.named_parameters()}
        if wait and step % hook.every == 0:
            hook.flush(10)
    return states


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unittest.skipIf(torch is None, "needs torch")
class SelectionTest(unittest.TestCase):

    def test_every_matrix_by_default_attention_included(self):
        self.assertEqual(TRANSFORMER_MATRICES, list(dyson_monitor.select_parameters(small_transformer())))

    def test_a_list_or_a_predicate_narrows_it(self):
        model = small_transformer()
        self.assertEqual(["1.weight", "0.linear1.weight"],
                         list(dyson_monitor.select_parameters(model, ["1.weight", "0.linear1.weight"])))
        self.assertEqual(["0.self_attn.in_proj_weight"],
                         list(dyson_monitor.select_parameters(model, lambda name, p: "in_proj" in name)))

    def test_bad_selections_fail_at_once(self):
        model = small_transformer()
        with self.assertRaisesRegex(ValueError, r"no parameter with 2 or more dimensions named \['1.bias'\]; "
                                                r"choose from \['0.self_attn.in_proj_weight'"):
            dyson_monitor.watch(model, "r1", layers=["1.bias"])
        with self.assertRaisesRegex(ValueError, "no parameter to watch"):
            dyson_monitor.watch(model, "r1", layers=lambda name, p: False)
        with self.assertRaisesRegex(ValueError, "layers must be a list of names or a predicate"):
            dyson_monitor.watch(model, "r1", layers="1.weight")
        with self.assertRaisesRegex(ValueError, "run name 'my run' is invalid"):
            dyson_monitor.watch(model, "my run")
        with self.assertRaisesRegex(ValueError, "every must be a positive integer"):
            dyson_monitor.watch(model, "r1", every=0)
        with self.assertRaisesRegex(ValueError, "policy must be one of"):
            dyson_monitor.watch(model, "r1", policy="some")
        model.register_parameter("_hidden", nn.Parameter(torch.ones(2, 2)))
        with self.assertRaisesRegex(ValueError, "layer name '_hidden' is invalid: names starting with _ are reserved"):
            dyson_monitor.watch(model, "r1")


@unittest.skipIf(torch is None, "needs torch")
class SendTest(unittest.TestCase):

    def setUp(self):
        no_proxy(self)
        self.stub = StubServer(default=(202, {"Content-Type": "application/json"}, b"{}"))
        self.addCleanup(self.stub.close)

    def snapshots(self):
        return self.stub.of("POST", "/api/v1/runs/r1/snapshots")

    def test_one_whole_model_post_per_snapshot_with_the_weights_of_that_step(self):
        model = small_transformer()
        hook = dyson_monitor.watch(model, "r1", url=self.stub.url, every=5, lr=0.05, batch=4, policy="all")
        states = train(model, hook, 20, wait=True)
        self.assertTrue(hook.close(5))
        self.assertEqual((4, 0, 0, "model"), (hook.sent, hook.dropped, hook.errors, hook.mode))
        put = self.stub.of("PUT", "/api/v1/runs/r1")
        self.assertEqual(1, len(put))
        self.assertEqual(b'{"learning_rate": 0.05, "batch_size": 4, "policy": "all"}', put[0]["body"])
        posts = self.snapshots()
        self.assertEqual(4, len(posts))
        for request, step in zip(posts, (5, 10, 15, 20)):
            path, _, query = request["path"].partition("?")
            self.assertEqual({"step": [str(step)], "lr": ["0.05"], "batch": ["4"]}, urllib.parse.parse_qs(query))
            arrays = load_npz(request["body"])
            self.assertEqual(TRANSFORMER_MATRICES, list(arrays))
            for name, a in arrays.items():
                self.assertEqual(np.float32, a.dtype)
                np.testing.assert_array_equal(states[step][name].numpy(), a)

    def test_a_slow_monitor_drops_whole_snapshots_and_never_blocks_training(self):
        self.stub.hold.clear()  # the monitor answers nothing until released
        model = small_transformer()
        hook = dyson_monitor.watch(model, "r1", url=self.stub.url, every=1)
        hook(1)
        self.assertTrue(self.stub.arrived.wait(10))  # the sender is stuck in its first request
        longest = 0.0
        for step in range(2, 51):
            started = time.perf_counter()
            hook(step)
            longest = max(longest, time.perf_counter() - started)
        # Snapshot 1 is with the sender, snapshot 2 waits in the mailbox, 3..50 are dropped whole.
        self.assertEqual((0, 48, 0), (hook.sent, hook.dropped, hook.errors))
        # The stub holds the sender for up to 30 s: a blocked hook would take that long, a copy takes µs.
        self.assertLess(longest, 1.0)
        self.assertFalse(hook.flush(0.1))
        self.stub.hold.set()
        self.assertTrue(hook.flush(10))
        self.assertEqual((2, 48, 0), (hook.sent, hook.dropped, hook.errors))
        self.assertTrue(hook.close(10))
        self.assertEqual(["step=1", "step=2"], [r["path"].partition("?")[2] for r in self.snapshots()])
        for request in self.snapshots():
            self.assertEqual(TRANSFORMER_MATRICES, list(load_npz(request["body"])))  # never a partial model

    def test_a_dead_monitor_counts_errors_and_training_goes_on(self):
        model = small_transformer()
        hook = dyson_monitor.watch(model, "r1", url=f"http://127.0.0.1:{free_port()}", every=5)
        with self.assertLogs("dyson_monitor", level="WARNING") as logs:
            states = train(model, hook, 30)
            self.assertTrue(hook.close(10))
        self.assertEqual(30, len(states))
        self.assertEqual(0, hook.sent)
        self.assertEqual(6, hook.errors + hook.dropped)
        self.assertGreaterEqual(hook.errors, 1)
        failures = [r for r in logs.records if "not sent" in r.getMessage()]
        self.assertEqual(1, len(failures), "the first failure is logged, not one line per snapshot")

    def test_a_refused_snapshot_is_an_error_not_an_exception(self):
        self.stub.default = (409, {"Content-Type": "application/json"}, b'{"error": "run r1 is finished"}')
        model = small_transformer()
        hook = dyson_monitor.watch(model, "r1", url=self.stub.url, every=10)
        with self.assertLogs("dyson_monitor", level="WARNING") as logs:
            train(model, hook, 10)
            self.assertTrue(hook.close(10))
        self.assertEqual((0, 1), (hook.sent, hook.errors))
        self.assertIn("HTTP 409: run r1 is finished", "\n".join(r.getMessage() for r in logs.records))

    def test_without_the_whole_model_route_each_layer_is_sent_alone(self):
        self.stub.reply(200, {"run": "r1"})  # the PUT
        self.stub.reply(404, {"error": "The requested resource could not be found."})
        model = small_transformer()
        hook = dyson_monitor.watch(model, "r1", url=self.stub.url, every=3, optimizer=None)
        with self.assertLogs("dyson_monitor", level="WARNING"):
            states = train(model, hook, 3)
            self.assertTrue(hook.close(10))
        self.assertEqual((1, 0, "layers"), (hook.sent, hook.errors, hook.mode))
        singles = self.stub.of("POST", "/api/v1/runs/r1/layers/")
        self.assertEqual([f"/api/v1/runs/r1/layers/{name}/snapshots?step=3" for name in TRANSFORMER_MATRICES],
                         [r["path"] for r in singles])
        for request, name in zip(singles, TRANSFORMER_MATRICES):
            np.testing.assert_array_equal(states[3][name].numpy(), np.load(io.BytesIO(request["body"])))

    def test_bfloat16_weights_arrive_as_float32_and_lr_follows_the_optimizer(self):
        model = small_transformer().to(torch.bfloat16)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: [1.0, 1.0, 0.5, 0.5, 0.0, 0.0, 0.0][epoch])
        hook = dyson_monitor.watch(model, "r1", url=self.stub.url, every=2, batch=4, optimizer=optimizer,
                                   layers=["1.weight"])
        x, y = torch.randn(4, 5, 16).to(torch.bfloat16), torch.randn(4, 5, 3).to(torch.bfloat16)
        expected = {}
        for step in range(1, 7):
            loss = (model(x).float() - y.float()).pow(2).mean()  # torch 1.13 has no bfloat16 mse_loss on the CPU
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            hook(step)
            scheduler.step()
            expected[step] = model[1].weight.detach().float().numpy().copy()
            hook.flush(10)
        self.assertTrue(hook.close(10))
        self.assertEqual(b'{"learning_rate": 0.1, "batch_size": 4}', self.stub.of("PUT", "/api/v1/runs/r1")[0]["body"])
        posts = self.snapshots()
        # An lr of 0 (a warm-up, or the end of a schedule) is not sent: the monitor needs it above 0.
        self.assertEqual(["step=2&lr=0.1&batch=4", "step=4&lr=0.05&batch=4", "step=6&batch=4"],
                         [r["path"].partition("?")[2] for r in posts])
        for request, step in zip(posts, (2, 4, 6)):
            a = load_npz(request["body"])["1.weight"]
            self.assertEqual(np.float32, a.dtype)
            np.testing.assert_array_equal(expected[step], a)


if __name__ == "__main__":
    unittest.main()

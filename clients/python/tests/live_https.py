"""Against a real monitor over HTTPS with a test CA; skipped without DYSON_TLS_URL (not named test_*: run it
explicitly, `python3 -m unittest live_https`, as PythonClientTlsTest does).

Run by the Java test PythonClientTlsTest with DYSON_TLS_URL (https://127.0.0.1:PORT), DYSON_CA_FILE (the
test CA), DYSON_OTHER_CA_FILE (a CA that signed nothing of the server's), DYSON_INGEST_TOKEN and
DYSON_READ_TOKEN.
"""

import os
import ssl
import unittest
import urllib.error
import uuid

import numpy as np

import dyson_monitor
from dyson_monitor import Client, DysonError

try:
    import torch
    from torch import nn
except ImportError:  # the Maven suite runs these with Debian's python3-torch
    torch = None


@unittest.skipUnless(os.environ.get("DYSON_TLS_URL"), "set DYSON_TLS_URL, DYSON_CA_FILE, ... to test HTTPS")
class HttpsTest(unittest.TestCase):

    def setUp(self):
        self.url = os.environ["DYSON_TLS_URL"]
        self.ca_file = os.environ["DYSON_CA_FILE"]
        self.ingest = os.environ["DYSON_INGEST_TOKEN"]
        self.read = os.environ["DYSON_READ_TOKEN"]
        self.run = f"tls-test-{uuid.uuid4().hex[:12]}"
        self.weights = np.random.default_rng(3).standard_normal((12, 6)).astype(np.float32)

    def assert_handshake_fails(self, client):
        with self.assertRaises(urllib.error.URLError) as caught:
            client.runs()
        self.assertIsInstance(caught.exception.reason, ssl.SSLCertVerificationError, caught.exception)
        self.assertIn("certificate verify failed", str(caught.exception.reason))

    def test_a_run_round_trip_over_https_with_the_test_ca(self):
        client = Client(self.url, token=self.ingest, ca_file=self.ca_file)
        client.put_run(self.run, learning_rate=0.01, batch_size=8, policy="all")
        self.assertEqual(200, client.last_status)
        client.post_snapshot(self.run, "fc1", 1, self.weights)
        self.assertEqual(202, client.last_status)
        reader = Client(self.url, token=self.read, ca_file=self.ca_file)
        self.assertIn(self.run, [r["run"] for r in reader.runs()["runs"]])
        client.finish(self.run)

    def test_a_client_trusting_only_another_ca_fails_the_handshake(self):
        self.assert_handshake_fails(Client(self.url, token=self.ingest, ca_file=os.environ["DYSON_OTHER_CA_FILE"]))

    def test_the_system_trust_store_does_not_trust_the_test_ca(self):
        self.assert_handshake_fails(Client(self.url, token=self.ingest))

    def test_a_read_token_cannot_post(self):
        reader = Client(self.url, token=self.read, ca_file=self.ca_file)
        with self.assertRaises(DysonError) as caught:
            reader.post_snapshot(self.run, "fc1", 1, self.weights)
        self.assertEqual(403, caught.exception.status)
        self.assertEqual("this token has scope read: it may list and read, not POST; use a token of scope ingest",
                         caught.exception.message)
        self.assertNotIn(self.run, [r["run"] for r in reader.runs()["runs"]])

    def test_no_token_is_401(self):
        with self.assertRaises(DysonError) as caught:
            Client(self.url, ca_file=self.ca_file).runs()
        self.assertEqual(401, caught.exception.status)

    def test_ca_file_needs_https_and_a_readable_pem(self):
        with self.assertRaises(ValueError):
            Client("http://127.0.0.1:8080", ca_file=self.ca_file)
        with self.assertRaises(ValueError):
            Client(self.url, ca_file=__file__)  # a Python file is no CA certificate

    @unittest.skipIf(torch is None, "torch is not installed")
    def test_watch_passes_the_ca_file_and_token_through(self):
        model = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 2))
        hook = dyson_monitor.watch(model, self.run, url=self.url, token=self.ingest, ca_file=self.ca_file, every=1,
                                   batch=4, lr=0.01, policy="all")
        hook(1)
        self.assertTrue(hook.flush(30.0), "the snapshot was sent")
        hook.close()
        self.assertEqual((1, 0), (hook.sent, hook.errors))
        reader = Client(self.url, token=self.read, ca_file=self.ca_file)
        listed = {r["run"]: r for r in reader.runs()["runs"]}[self.run]
        self.assertEqual({"0.weight", "2.weight"}, {layer["layer"] for layer in listed["layers"]})
        Client(self.url, token=self.ingest, ca_file=self.ca_file).finish(self.run)


if __name__ == "__main__":
    unittest.main()

"""Stream the weight matrices of a PyTorch model to dyson-monitor while it trains.

Attaching to an existing training loop takes three lines::

    from dyson_client import DysonClient
    from torch_example import attach

    hook = attach(model, DysonClient(), "my-run", ["fc1", "fc2"], every=10, lr=0.01, batch=64)
    for step, (x, y) in enumerate(loader, 1):
        ...
        optimizer.step()
        hook(step)
    hook.close()

By default snapshots are sent from a background thread through a small queue that drops the oldest
snapshot when it is full, so a slow or absent monitor never slows training; the training thread only
copies the chosen weight matrices. Monitor errors are logged and counted, never raised into the loop.

Run the example itself (needs torch, which is imported only here, and a monitor started with
``dyson-monitor serve``)::

    python torch_example.py --url http://127.0.0.1:8080 --run mlp-demo --steps 2000 --every 10
"""

import argparse
import collections
import logging
import os
import sys
import threading
from typing import Any, Callable, Deque, Dict, List, Optional, Sequence, Tuple

import numpy as np

from dyson_client import DysonClient, validate_name

log = logging.getLogger("dyson")

Snapshot = Tuple[str, int, np.ndarray]  # (layer, step, weights)


def layer_weights(module: Any) -> np.ndarray:
    """A private float32/float64 NumPy copy of ``module.weight``, as a 2-D matrix.

    The copy matters: on the CPU ``tensor.numpy()`` shares memory with the parameter, which the next
    ``optimizer.step()`` overwrites while the sender thread may still be reading it. Half-precision
    weights (float16, bfloat16, which NumPy cannot hold) are widened to float32, exactly; convolution
    kernels (out, in, kh, kw) are flattened to (out, in·kh·kw), whose singular values are the layer's.
    """
    weight = module.weight.detach()
    if weight.is_floating_point() and weight.element_size() < 4:
        weight = weight.float()
    matrix = np.array(weight.cpu().numpy(), copy=True)
    if matrix.ndim > 2:
        matrix = matrix.reshape(matrix.shape[0], -1)
    return matrix


class SnapshotHook:
    """Callable returned by ``attach``: call it once per training step, after ``optimizer.step()``.

    Every ``every`` steps it copies the weights of the chosen layers and sends them, either from a
    background thread (``nonblocking=True``) through a queue of at most ``queue_size`` snapshots that
    drops the oldest when full, or at once in the calling thread (for runs with policy ``all``, where
    every snapshot must arrive and waiting for the monitor is acceptable).

    Counters: ``sent``, ``dropped`` (replaced in the full queue), ``errors`` (failed sends).
    ``close()`` sends what is still queued, waiting at most its timeout, and stops the thread; the hook
    is also a context manager that closes itself.
    """

    def __init__(self, client: DysonClient, run: str, modules: Dict[str, Any], every: int,
                 lr: Optional[float] = None, batch: Optional[int] = None,
                 nonblocking: bool = True, queue_size: int = 8):
        if every < 1 or queue_size < 1:
            raise ValueError("every and queue_size must be at least 1")
        self.client = client
        self.run = run
        self.modules = dict(modules)
        self.every = every
        self.lr = lr
        self.batch = batch
        self.nonblocking = nonblocking
        self.queue_size = queue_size
        self.sent = 0
        self.dropped = 0
        self.errors = 0
        self._calls = 0
        self._queue: Deque[Snapshot] = collections.deque()
        self._cond = threading.Condition()
        self._closed = False
        self._thread: Optional[threading.Thread] = None
        if nonblocking:
            # A daemon thread: an unfinished send must never keep a finished training script alive.
            self._thread = threading.Thread(target=self._drain, name=f"dyson-sender-{run}", daemon=True)
            self._thread.start()

    def __call__(self, step: Optional[int] = None) -> None:
        """Record training step ``step`` (default: count calls from 1); snapshot on multiples of ``every``."""
        self._calls += 1
        step = self._calls if step is None else int(step)
        if step % self.every != 0 or self._closed:
            return
        for layer, module in self.modules.items():
            snapshot = (layer, step, layer_weights(module))
            if self.nonblocking:
                self._enqueue(snapshot)
            else:
                self._send(snapshot)

    def close(self, timeout: float = 10.0) -> bool:
        """Send the queued snapshots (waiting at most ``timeout`` seconds) and stop; True if all went out."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def __enter__(self) -> "SnapshotHook":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def _enqueue(self, snapshot: Snapshot) -> None:
        with self._cond:
            if len(self._queue) >= self.queue_size:
                self._queue.popleft()
                self.dropped += 1
            self._queue.append(snapshot)
            self._cond.notify()

    def _drain(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if not self._queue:
                    return  # closed and everything sent
                snapshot = self._queue.popleft()
            self._send(snapshot)

    def _send(self, snapshot: Snapshot) -> None:
        layer, step, weights = snapshot
        try:
            self.client.post_snapshot(self.run, layer, step, weights, lr=self.lr, batch=self.batch)
            self.sent += 1
        except Exception as error:  # noqa: BLE001 - a monitor failure must not end the training run
            self.errors += 1
            # The first failure in full, then a reminder every 100, so an absent monitor cannot flood the log.
            if self.errors == 1 or self.errors % 100 == 0:
                log.warning("dyson: snapshot %s/%s step %d not sent (%d failures so far): %s",
                            self.run, layer, step, self.errors, error)


def attach(model: Any, client: DysonClient, run: str, layers: Sequence[str], every: int = 10,
           lr: Optional[float] = None, batch: Optional[int] = None, policy: Optional[str] = None,
           nonblocking: bool = True, queue_size: int = 8, register: bool = True) -> SnapshotHook:
    """Watch the weight matrices of ``layers`` (names from ``model.named_modules()``) of ``model``.

    Registers the run with its learning rate, batch size and policy first (``register``; a failure is
    logged, not raised, so an absent monitor does not stop training), and returns a ``SnapshotHook`` to
    call after each ``optimizer.step()``. Raises ``ValueError`` at once for an unknown layer, a layer
    without a weight matrix, or a name the monitor would refuse.
    """
    validate_name("run", run)
    available = dict(model.named_modules())
    modules: Dict[str, Any] = {}
    for name in layers:
        module = available.get(name)
        weight = getattr(module, "weight", None)
        if weight is None or weight.dim() < 2:
            candidates = [n for n, m in available.items()
                          if getattr(m, "weight", None) is not None and m.weight.dim() >= 2]
            raise ValueError(f"model has no layer {name!r} with a weight matrix; choose from {candidates}")
        modules[validate_name("layer", name)] = module
    if register:
        try:
            client.put_run(run, learning_rate=lr, batch_size=batch, policy=policy)
        except Exception as error:  # noqa: BLE001 - see docstring: training goes on without the monitor
            log.warning("dyson: could not register run %s with %s: %s", run, client.base_url, error)
    return SnapshotHook(client, run, modules, every, lr=lr, batch=batch,
                        nonblocking=nonblocking, queue_size=queue_size)


def main(argv: Optional[List[str]] = None) -> int:
    """Train a small MLP on a synthetic teacher-student regression and stream fc1 and fc2."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="monitor base URL")
    parser.add_argument("--token-file", help="file holding the bearer token (or set DYSON_TOKEN)")
    parser.add_argument("--run", default="mlp-demo", help="run name")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--every", type=int, default=10, help="send a snapshot every N steps")
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--policy", choices=("latest", "all"), default="latest")
    parser.add_argument("--blocking", action="store_true", help="send in the training thread")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    try:
        import torch
        from torch import nn
    except ImportError:
        print("this example needs PyTorch: pip install torch", file=sys.stderr)
        return 2

    token = os.environ.get("DYSON_TOKEN")
    if args.token_file:
        with open(args.token_file, encoding="utf-8") as f:
            token = f.read().strip()

    torch.manual_seed(0)
    inputs, hidden, outputs = 32, 128, 10
    teacher = nn.Sequential(nn.Linear(inputs, hidden), nn.Tanh(), nn.Linear(hidden, outputs))
    model = nn.Sequential(collections.OrderedDict([
        ("fc1", nn.Linear(inputs, hidden)), ("act1", nn.ReLU()),
        ("fc2", nn.Linear(hidden, hidden)), ("act2", nn.ReLU()),
        ("fc3", nn.Linear(hidden, outputs)),
    ]))
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    loss_fn = nn.MSELoss()

    client = DysonClient(args.url, token=token)
    hook = attach(model, client, args.run, ["fc1", "fc2"], every=args.every, lr=args.lr,
                  batch=args.batch, policy=args.policy, nonblocking=not args.blocking)
    with hook:
        for step in range(1, args.steps + 1):
            x = torch.randn(args.batch, inputs)
            with torch.no_grad():
                y = teacher(x) + 0.01 * torch.randn(args.batch, outputs)
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            hook(step)
            if step % 200 == 0:
                log.info("step %d loss %.4f", step, loss.item())
    try:
        client.finish(args.run)
    except Exception as error:  # noqa: BLE001 - the run is over either way
        log.warning("dyson: could not finish run %s: %s", args.run, error)
    log.info("snapshots sent %d, dropped %d, failed %d", hook.sent, hook.dropped, hook.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())

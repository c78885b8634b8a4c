"""Watch a PyTorch model while it trains: its weight matrices go to the monitor from a background thread.

torch is imported only here, and only when ``watch`` is called. The training thread does the least it
can: every ``every`` steps it copies the watched parameters into preallocated CPU buffers (one
``Tensor.copy_`` each, which also widens bfloat16 to float32) and leaves them in a one-slot mailbox.
A sender thread encodes them as one ``.npz`` and POSTs them as one whole-model snapshot. Two buffer
sets exist: one the sender may be sending, one waiting in the mailbox. When both are taken, the
monitor is slower than the training and that step's snapshot is dropped as a whole, before anything
is copied, so a slow monitor costs the training nothing; no single layer is ever dropped.
"""

import logging
import math
import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from .client import DEFAULT_URL, POLICIES, Client, DysonError
from .encoding import encode_npz
from .names import validate_name

log = logging.getLogger("dyson_monitor")

LayerSelection = Union[None, Sequence[str], Callable[[str, Any], bool]]

# One snapshot in flight: (step, learning rate, buffer set); a buffer set maps layer name to tensor.
Snapshot = Tuple[int, Optional[float], Dict[str, Any]]


def select_parameters(model: Any, layers: LayerSelection = None) -> Dict[str, Any]:
    """The parameters of ``model`` to watch, by name: every one with ≥ 2 dimensions by default.

    ``layers`` is a list of names from ``model.named_parameters()``, or a predicate ``(name, param) ->
    bool`` over the ≥ 2-D parameters. A name that is not a ≥ 2-D parameter, or that the monitor would
    refuse, is a ``ValueError`` listing the choices.
    """
    matrices = {name: p for name, p in model.named_parameters() if p.dim() >= 2}
    if layers is None:
        chosen = dict(matrices)
    elif callable(layers):
        chosen = {name: p for name, p in matrices.items() if layers(name, p)}
    elif isinstance(layers, str):
        raise ValueError(f"layers must be a list of names or a predicate, got the string {layers!r}")
    else:
        unknown = [name for name in layers if name not in matrices]
        if unknown:
            raise ValueError(f"model has no parameter with 2 or more dimensions named {unknown}; "
                             f"choose from {list(matrices)}")
        chosen = {name: matrices[name] for name in layers}
    if not chosen:
        raise ValueError(f"no parameter to watch; parameters with 2 or more dimensions: {list(matrices)}")
    bad = []
    for name, p in chosen.items():
        try:
            validate_name("layer", name)
        except ValueError as error:
            bad.append(str(error))
        if not p.is_floating_point():
            bad.append(f"parameter {name!r} is {p.dtype}, not floating point")
    if bad:
        raise ValueError("; ".join(bad))
    return chosen


class Watch:
    """The hook ``watch`` returns: call it once per training step, after ``optimizer.step()``.

    Counters (whole-model snapshots): ``sent`` (accepted by the monitor), ``dropped`` (skipped on the
    client because the monitor was still busy with earlier ones), ``errors`` (failed: monitor absent,
    refused, or a copy that failed). ``mode`` is ``"model"`` (one POST per snapshot) or ``"layers"``
    (a monitor without the whole-model route: the layers of each snapshot one POST each).
    """

    def __init__(self, client: Client, run: str, parameters: Dict[str, Any], every: int = 10,
                 lr: Optional[float] = None, batch: Optional[int] = None, policy: Optional[str] = None,
                 optimizer: Any = None, register: bool = True):
        import torch  # only here: ``import dyson_monitor`` must not pull in torch

        if isinstance(every, bool) or int(every) != every or every < 1:
            raise ValueError(f"every must be a positive integer, got {every!r}")
        self._torch = torch
        self.client = client
        self.run = validate_name("run", run)
        self.every = int(every)
        self.lr = lr
        self.batch = batch
        self.policy = policy
        self.optimizer = optimizer
        self.parameters = dict(parameters)
        self.sent = 0
        self.dropped = 0
        self.errors = 0
        self.mode = "model"
        self._registered = not register
        # The run is registered with the learning rate at the start, whatever a scheduler does later.
        self._start_lr = lr if lr is not None or optimizer is None else self._optimizer_lr()
        self._calls = 0
        self._free: List[Dict[str, Any]] = [self._buffers(), self._buffers()]
        self._mailbox: Optional[Snapshot] = None
        self._closed = False
        self._cond = threading.Condition()
        # A daemon thread: an unfinished send must never keep a finished training script alive.
        self._thread = threading.Thread(target=self._send_loop, name=f"dyson-monitor-{run}", daemon=True)
        self._thread.start()

    def _buffers(self) -> Dict[str, Any]:
        """One CPU copy target per parameter: float32 for bfloat16 (numpy has no bfloat16), else its dtype."""
        torch = self._torch
        return {name: torch.empty(tuple(p.shape),
                                  dtype=torch.float32 if p.dtype == torch.bfloat16 else p.dtype, device="cpu")
                for name, p in self.parameters.items()}

    def __call__(self, step: Optional[int] = None) -> None:
        """Training step ``step`` is done (default: count calls from 1); snapshot on multiples of ``every``."""
        self._calls += 1
        step = self._calls if step is None else int(step)
        if step % self.every != 0 or self._closed:
            return
        with self._cond:
            buffers = self._free.pop() if self._free else None
        if buffers is None:
            self.dropped += 1  # one snapshot waits, another is being sent: skip this one, copy nothing
            return
        try:
            with self._torch.no_grad():
                for name, p in self.parameters.items():
                    buffers[name].copy_(p.detach())
            lr = self.lr if self.lr is not None or self.optimizer is None else self._optimizer_lr()
        except Exception as error:  # noqa: BLE001 - a monitoring failure must not end the training run
            with self._cond:
                self._free.append(buffers)
            self._failed(step, error)
            return
        with self._cond:
            if self._mailbox is not None:  # the sender has not woken up yet: the newer snapshot wins
                self._free.append(self._mailbox[2])
                self.dropped += 1
            self._mailbox = (step, lr, buffers)
            self._cond.notify_all()  # the sender, and anyone in flush()

    def _optimizer_lr(self) -> Optional[float]:
        """The first parameter group's learning rate, or None while it is not above 0 (as in a warm-up)."""
        lr = self.optimizer.param_groups[0].get("lr")
        try:
            lr = float(lr)
        except (TypeError, ValueError):
            return None
        return lr if math.isfinite(lr) and lr > 0 else None

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait (at most ``timeout`` seconds) until every snapshot taken so far is sent; True if it is."""
        with self._cond:
            return self._cond.wait_for(lambda: self._mailbox is None and len(self._free) == 2, timeout)

    def close(self, timeout: float = 10.0) -> bool:
        """Send the snapshot still waiting (at most ``timeout`` seconds) and stop; True if nothing is left."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def __enter__(self) -> "Watch":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # --- the sender thread -------------------------------------------------------------------------

    def _send_loop(self) -> None:
        while True:
            with self._cond:
                while self._mailbox is None and not self._closed:
                    self._cond.wait()
                if self._mailbox is None:
                    self.client.close()  # this thread's connection
                    return  # closed and everything sent
                snapshot, self._mailbox = self._mailbox, None
            try:
                self._send(*snapshot)
                self.sent += 1
            except Exception as error:  # noqa: BLE001 - see _failed
                self._failed(snapshot[0], error)
            finally:
                with self._cond:
                    self._free.append(snapshot[2])
                    self._cond.notify_all()

    def _send(self, step: int, lr: Optional[float], buffers: Dict[str, Any]) -> None:
        if not self._registered:
            self._register()
        arrays = {name: tensor.numpy() for name, tensor in buffers.items()}  # views, no copy
        if self.mode == "model":
            try:
                self.client.post_model(self.run, step, encode_npz(arrays), lr=lr, batch=self.batch)
                return
            except DysonError as error:
                if error.status not in (404, 405):
                    raise
                # Only a route the server does not have answers 404/405 here (a new run is created).
                self.mode = "layers"
                log.warning("dyson-monitor at %s has no whole-model route (HTTP %d: %s); sending each "
                            "snapshot layer by layer", self.client.url, error.status, error.message)
        for name, a in arrays.items():
            self.client.post_snapshot(self.run, name, step, a.reshape(a.shape[0], -1), lr=lr, batch=self.batch)

    def _register(self) -> None:
        try:
            self.client.put_run(self.run, learning_rate=self._start_lr, batch_size=self.batch, policy=self.policy)
            self._registered = True
        except Exception as error:  # noqa: BLE001 - tried again before the next snapshot
            log.warning("dyson-monitor: could not register run %s at %s: %s", self.run, self.client.url, error)

    def _failed(self, step: int, error: Exception) -> None:
        with self._cond:  # both threads count failures
            self.errors += 1
            errors = self.errors
        # The first failure in full, then a reminder every 100, so an absent monitor cannot flood the log.
        if errors == 1 or errors % 100 == 0:
            log.warning("dyson-monitor: snapshot of run %s at step %d not sent (%d failures so far): %s",
                        self.run, step, errors, error)


def watch(model: Any, run: str, url: str = DEFAULT_URL, every: int = 10, lr: Optional[float] = None,
          batch: Optional[int] = None, layers: LayerSelection = None, token: Optional[str] = None,
          policy: Optional[str] = None, optimizer: Any = None, client: Optional[Client] = None,
          ca_file: Optional[str] = None) -> Watch:
    """Watch the weight matrices of a PyTorch ``model``; call the returned hook after ``optimizer.step()``.

    By default every parameter with ≥ 2 dimensions of ``model.named_parameters()`` is watched
    (attention ``in_proj_weight`` included); ``layers`` narrows that (see ``select_parameters``). Every
    ``every`` steps one whole-model snapshot goes to the monitor at ``url``, with the learning rate
    ``lr`` (or, if an ``optimizer`` is given instead, its first parameter group's current ``lr``) and
    the batch size ``batch``. The run is registered with them and ``policy`` before the first snapshot;
    an absent monitor only counts ``errors``. Bad arguments are a ``ValueError`` here, at once.
    ``token`` and ``ca_file`` go to the ``Client`` (an ``https://`` monitor with a private CA).
    """
    if policy is not None and policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    if client is None:
        client = Client(url, token=token, ca_file=ca_file)
    parameters = select_parameters(model, layers)
    if lr is not None:
        client._positive_float("lr", lr)
    if batch is not None:
        client._positive_int("batch", batch)
    return Watch(client, run, parameters, every=every, lr=lr, batch=batch, policy=policy, optimizer=optimizer)

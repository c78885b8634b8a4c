"""A synchronous client of the dyson-monitor HTTP API, on ``http.client`` (standard library only).

Each thread that uses a client keeps one connection to the server open (HTTP/1.1 keep-alive): over
HTTPS a snapshot then costs no TCP connect and no TLS handshake of its own.
"""

import email.utils
import http.client
import json
import math
import os
import threading
import time
import urllib.error
import urllib.parse
import weakref
from datetime import datetime, timezone
from typing import Callable, Any, Dict, Iterable, Mapping, Optional, Union

import numpy as np

from . import __version__
from .encoding import encode_npy, encode_npz, model_arrays
from .names import validate_name
from .transport import Endpoint, peer_closed, tls_context

#: Overload policies of a run: ``latest`` may drop queued snapshots, ``all`` never drops.
POLICIES = ("latest", "all")

DEFAULT_URL = "http://127.0.0.1:8080"


class DysonError(Exception):
    """The monitor answered with an HTTP error (4xx or 5xx).

    Attributes:
        status: the HTTP status code, e.g. 400, 404, 409, 413, 415, 422 or 503.
        message: the server's explanation (its JSON ``"error"`` text), or the raw body if it sent none.
    """

    def __init__(self, status: int, message: str):
        super().__init__(status, message)
        self.status = status
        self.message = message

    def __str__(self) -> str:
        return f"HTTP {self.status}: {self.message}"


class Client:
    """One dyson-monitor server.

    Args:
        url: where the monitor listens, ``http://`` or ``https://``.
        token: bearer token, sent as ``Authorization: Bearer <token>`` when given.
        timeout: seconds to wait for a connection or a response, per attempt.
        max_retries: how many times a request answered with 503 (under policy ``all`` the layer's queue
            stayed full) is repeated, after the wait its ``Retry-After`` asks for, before
            ``DysonError(503, ...)`` is raised.
        max_retry_wait: longest wait in seconds before a retry, whatever ``Retry-After`` asks for.
        validate: check names, numbers and arrays before sending (``ValueError``); turn off only to test
            the server's own validation.
        ca_file: for an ``https://`` URL, a PEM file of the CA certificates to trust instead of the system's
            trust store (a private CA, e.g. the ``ca.crt`` of ``dyson-monitor certs``). The server's
            certificate must also name the URL's host. TLS 1.2 or newer.

    Methods return the server's parsed JSON (or None for an empty body) and raise ``DysonError`` for an
    HTTP error status; network failures propagate as ``urllib.error.URLError`` / ``OSError``. The status
    of the last response is kept in ``last_status``. A client may be shared between threads, but then
    ``last_status`` belongs to whichever request finished last.

    Each thread keeps its own connection open between requests (``close()`` closes the calling thread's);
    a new one is opened when the server closes it (``Connection: close``, or silently while it was idle:
    a request that finds the kept connection gone is sent once more on a new one) or after a network
    error. Proxies come from the environment (``https_proxy``, ``http_proxy``, ``no_proxy``), as urllib's.
    """

    def __init__(self, url: str = DEFAULT_URL, token: Optional[str] = None, timeout: float = 10,
                 max_retries: int = 3, max_retry_wait: float = 30.0, validate: bool = True,
                 ca_file: Optional[str] = None):
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"url must look like http://host:port, got {url!r}")
        if max_retries < 0 or max_retry_wait < 0 or timeout <= 0:
            raise ValueError("timeout must be positive, max_retries and max_retry_wait not negative")
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.max_retries = int(max_retries)
        self.max_retry_wait = float(max_retry_wait)
        self.validate = validate
        self.last_status: Optional[int] = None
        if ca_file is not None and parsed.scheme != "https":
            raise ValueError(f"ca_file is for https:// URLs, got {url!r}")
        self._endpoint = Endpoint(parsed, tls_context(parsed.scheme, ca_file), timeout)
        self._local = threading.local()  # this thread's connection
        self._opened: "weakref.WeakSet[http.client.HTTPConnection]" = weakref.WeakSet()  # every thread's
        self._sleep = time.sleep  # replaced by tests to observe retry waits without waiting

    def close(self) -> None:
        """Close the calling thread's connection (the next request opens a new one)."""
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None and connection[0] == os.getpid():
            connection[1].close()

    def __del__(self) -> None:
        # No thread can use the client any more: every thread's connection is closed, not left to the
        # socket's own finalizer (which warns of an unclosed socket).
        try:
            for connection in list(self._opened):
                connection.close()
        except Exception:  # noqa: BLE001 - at interpreter exit anything may be gone already
            pass

    # --- the API -----------------------------------------------------------------------------------

    def put_run(self, run: str, learning_rate: Optional[float] = None, batch_size: Optional[int] = None,
                policy: Optional[str] = None, targets: Optional[Mapping[str, Iterable[float]]] = None) -> Any:
        """Create or update a run: ``PUT /api/v1/runs/{run}``.

        Only the fields given are sent. ``policy`` is ``"latest"`` (the server's default: under load,
        newer snapshots replace queued ones) or ``"all"`` (nothing dropped; the server may answer 503).
        ``targets`` maps a layer name to its target spectrum (eigenvalues of WᵀW).
        """
        body: Dict[str, Any] = {}
        if learning_rate is not None:
            body["learning_rate"] = self._positive_float("learning_rate", learning_rate)
        if batch_size is not None:
            body["batch_size"] = self._positive_int("batch_size", batch_size)
        if policy is not None:
            if self.validate and policy not in POLICIES:
                raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
            body["policy"] = policy
        if targets is not None:
            body["targets"] = {self._name("layer", layer): self._spectrum(layer, values)
                               for layer, values in targets.items()}
        payload = json.dumps(body, allow_nan=False).encode("utf-8")
        return self._request("PUT", self._path(run), payload, "application/json")

    def post_snapshot(self, run: str, layer: str, step: int, weights: Any,
                      lr: Optional[float] = None, batch: Optional[int] = None) -> Any:
        """Send one weight matrix: ``POST /api/v1/runs/{run}/layers/{layer}/snapshots?step=N``.

        ``weights`` is a 2-D float array or tensor (see ``encode_npy``); ``lr`` and ``batch`` are the
        learning rate and batch size in force at this step, if they change during the run. Returns the
        server's JSON; ``last_status`` is 202 once the snapshot is accepted.
        """
        body = encode_npy(weights, validate=self.validate)
        path = self._path(run, "layers", self._name("layer", layer), "snapshots")
        return self._request("POST", path + self._query(step, lr, batch), body, "application/octet-stream")

    def post_model(self, run: str, step: int, arrays: Union[Mapping[str, Any], bytes, bytearray, memoryview],
                   lr: Optional[float] = None, batch: Optional[int] = None) -> Any:
        """Send a whole model in one request: ``POST /api/v1/runs/{run}/snapshots?step=N``.

        ``arrays`` maps names (as ``model.state_dict()`` writes them) to arrays or tensors: every one
        with ≥ 2 dimensions is a layer, sent as the ``.npz`` that ``numpy.savez`` writes (bfloat16
        widened to float32); 1-D and 0-D ones (biases, norms) are left out. Bytes are sent as they are
        (an ``.npz`` or safetensors file). The server accepts every layer or none; it answers 202 with
        ``{"run", "step", "layers": [{"layer", "rows", "cols", "status"}], "skipped": [...]}``.
        """
        path = self._path(run, "snapshots") + self._query(step, lr, batch)
        if isinstance(arrays, (bytes, bytearray, memoryview)):
            return self._request("POST", path, bytes(arrays), "application/octet-stream")
        layers, _ = model_arrays(arrays, validate=self.validate)
        if self.validate and not layers:
            raise ValueError(f"no array with 2 or more dimensions among {sorted(arrays)}")

        def not_queued(payload: bytes) -> Optional[bytes]:
            # Under policy "all" a 503 lists each layer's status: the queued ones will be processed, so a
            # retry carries only the others (sending the whole model again would count them twice).
            try:
                statuses = json.loads(payload.decode("utf-8")).get("layers", [])
                waiting = {entry["layer"] for entry in statuses if entry.get("status") != "queued"}
            except (UnicodeDecodeError, json.JSONDecodeError, AttributeError, KeyError, TypeError):
                return None  # no statuses: nothing was queued, retry the whole model
            nonlocal layers
            layers = {name: array for name, array in layers.items() if name in waiting}
            return encode_npz(layers) if layers else None

        return self._request("POST", path, encode_npz(layers), "application/octet-stream", retry_body=not_queued)

    def finish(self, run: str) -> Any:
        """Mark a run finished: ``POST /api/v1/runs/{run}/finish``."""
        return self._request("POST", self._path(run, "finish"))

    def runs(self) -> Any:
        """List runs with their layers, counts and status: ``GET /api/v1/runs``."""
        return self._request("GET", "/api/v1/runs")

    def layer_report(self, run: str, layer: str) -> Any:
        """The latest report of a layer (eigenvalues and statistics): ``GET /api/v1/runs/{run}/layers/{layer}``."""
        return self._request("GET", self._path(run, "layers", self._name("layer", layer)))

    # --- helpers -----------------------------------------------------------------------------------

    def _name(self, kind: str, name: Any) -> str:
        return validate_name(kind, name) if self.validate else str(name)

    def _path(self, run: str, *rest: str) -> str:
        # Quote every segment, so that even an unvalidated name stays one segment of the path.
        segments = ["api", "v1", "runs", self._name("run", run), *rest]
        return "/" + "/".join(urllib.parse.quote(s, safe="") for s in segments)

    def _query(self, step: Any, lr: Optional[float], batch: Optional[int]) -> str:
        query: Dict[str, Any] = {"step": self._step(step)}
        if lr is not None:
            query["lr"] = repr(self._positive_float("lr", lr))
        if batch is not None:
            query["batch"] = self._positive_int("batch", batch)
        return "?" + urllib.parse.urlencode(query)

    def _positive_float(self, what: str, value: Any) -> float:
        number = float(value)
        if self.validate and not (math.isfinite(number) and number > 0):
            raise ValueError(f"{what} must be a finite number above 0, got {value!r}")
        return number

    def _positive_int(self, what: str, value: Any) -> int:
        if self.validate and (isinstance(value, bool) or int(value) != value or value < 1):
            raise ValueError(f"{what} must be a positive integer, got {value!r}")
        return int(value)

    def _step(self, step: Any) -> int:
        if self.validate and (isinstance(step, bool) or int(step) != step or step < 0):
            raise ValueError(f"step must be an integer >= 0, got {step!r}")
        return int(step)

    def _spectrum(self, layer: str, values: Iterable[float]) -> list:
        spectrum = np.asarray(values, dtype=np.float64).ravel()
        if self.validate and (spectrum.size == 0 or not np.isfinite(spectrum).all()):
            raise ValueError(f"target spectrum of layer {layer!r} must be a non-empty list of finite numbers")
        return spectrum.tolist()

    def _request(self, method: str, path: str, body: Optional[bytes] = None,
                 content_type: Optional[str] = None,
                 retry_body: Optional[Callable[[bytes], Optional[bytes]]] = None) -> Any:
        """One request; a 503 is repeated up to ``max_retries`` times. ``retry_body``, given the 503's
        payload, returns the body of the retry (None: the same body again)."""
        headers = {"Accept": "application/json", "User-Agent": f"dyson-monitor-python/{__version__}"}
        if content_type is not None:
            headers["Content-Type"] = content_type
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        retries = 0
        while True:
            status, reason, response_headers, payload = self._exchange(method, path, body, headers)
            self.last_status = status
            if 200 <= status < 300:
                return _parse_body(status, payload)
            if status == 503 and retries < self.max_retries:
                retries += 1
                if retry_body is not None:
                    body = retry_body(payload) or body
                self._sleep(self._retry_delay(response_headers.get("Retry-After"), retries))
                continue
            raise DysonError(status, _error_message(payload, reason))

    def _exchange(self, method: str, path: str, body: Optional[bytes], headers: Dict[str, str]):
        """One request and its whole response on this thread's connection: (status, reason, headers, body).

        A kept connection the server has closed meanwhile (its idle timeout) fails before any answer:
        the request is then sent once more on a new connection, as ``xmlrpc.client`` does. Failures to
        connect or send are ``URLError`` (its ``reason`` the ``OSError``, e.g. ``ssl.SSLCertVerificationError``),
        as urllib raised them; the connection is dropped after any failure.
        """
        for attempt in (1, 2):
            connection, reused = self._connection()
            try:
                try:
                    connection.request(method, self._endpoint.target(path), body=body,
                                       headers=self._endpoint.headers(headers))
                except OSError as error:
                    if reused and attempt == 1 and peer_closed(error):
                        self.close()
                        continue
                    raise urllib.error.URLError(error) from None
                try:
                    response = connection.getresponse()
                except (http.client.RemoteDisconnected, ConnectionResetError, ConnectionAbortedError,
                        BrokenPipeError):
                    if reused and attempt == 1:
                        self.close()
                        continue
                    raise
                payload = response.read()
            except BaseException:
                self.close()
                raise
            if response.will_close:
                self.close()
            return response.status, response.reason, response.headers, payload
        raise AssertionError("unreachable")

    def _connection(self):
        """This thread's connection, and whether it served a request before (a child process opens its own)."""
        kept = getattr(self._local, "connection", None)
        if kept is not None and kept[0] == os.getpid():
            return kept[1], True
        connection = self._endpoint.connect()
        self._local.connection = (os.getpid(), connection)
        self._opened.add(connection)
        return connection, False

    def _retry_delay(self, retry_after: Optional[str], attempt: int) -> float:
        """Seconds to wait before retry number ``attempt``: as the server asks, capped by max_retry_wait.

        ``Retry-After`` is either delta-seconds or an HTTP date; without it (or if it is unreadable), back
        off exponentially from half a second.
        """
        delay = None
        if retry_after is not None:
            text = retry_after.strip()
            try:
                delay = float(text)
            except ValueError:
                try:
                    when = email.utils.parsedate_to_datetime(text)
                except (TypeError, ValueError):
                    when = None
                if when is not None:
                    if when.tzinfo is None:
                        when = when.replace(tzinfo=timezone.utc)
                    delay = (when - datetime.now(timezone.utc)).total_seconds()
        if delay is None or not math.isfinite(delay):
            delay = 0.5 * 2 ** (attempt - 1)
        return min(max(delay, 0.0), self.max_retry_wait)


def _parse_body(status: int, payload: bytes) -> Any:
    if not payload.strip():
        return None
    try:
        return json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DysonError(status, "the server answered with a body that is not JSON: "
                         + _shorten(payload.decode("utf-8", "replace"))) from None


def _error_message(payload: bytes, reason: Any) -> str:
    """The ``"error"`` text of a JSON error body, else the body itself, else the HTTP reason phrase."""
    text = payload.decode("utf-8", "replace").strip()
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        document = None
    if isinstance(document, dict) and isinstance(document.get("error"), str):
        return document["error"]
    return _shorten(text) if text else str(reason or "no explanation given")


def _shorten(text: str, limit: int = 500) -> str:
    return text if len(text) <= limit else text[:limit] + "..."

"""A local HTTP server that records requests and answers from a script, for the offline tests.

It stands in for the network, not for the monitor: what the monitor itself answers is tested by
test_live against a real server.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple


class StubServer:
    """Answers each request with the next scripted (status, headers, body), else with ``default``.

    ``hold`` (an Event, set by default) is waited on before answering, to make a slow server. Each
    recorded request has the client's ``port``: requests on one kept connection share it. A reply with
    the pseudo-header ``X-Stub-Hang-Up`` (not sent) is followed by closing the connection without a word,
    as a server does with a connection idle too long.
    """

    def __init__(self, default: Tuple[int, Dict[str, str], bytes] = (200, {}, b"{}")):
        self.requests: List[Dict[str, Any]] = []
        self.replies: List[Tuple[int, Dict[str, str], bytes]] = []
        self.default = default
        self.hold = threading.Event()
        self.hold.set()
        self.arrived = threading.Event()
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                request = {"method": self.command, "path": self.path, "headers": dict(self.headers),
                           "body": self.rfile.read(length), "port": self.client_address[1]}
                with stub._lock:
                    stub.requests.append(request)
                    reply = stub.replies.pop(0) if stub.replies else stub.default
                stub.arrived.set()
                stub.hold.wait(30)
                status, headers, body = reply
                self.send_response(status)
                for key, value in headers.items():
                    if key == "X-Stub-Hang-Up":
                        self.close_connection = True
                    else:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = do_POST = _handle

            def log_message(self, *args):  # keep test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def reply(self, status: int, body: Any = None, headers: Optional[Dict[str, str]] = None):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.replies.append((status, headers or {"Content-Type": "application/json"}, raw))

    def of(self, method: str, path_prefix: str) -> List[Dict[str, Any]]:
        with self._lock:
            return [r for r in self.requests if r["method"] == method and r["path"].startswith(path_prefix)]

    def close(self):
        self.hold.set()
        self.server.shutdown()
        self.server.server_close()

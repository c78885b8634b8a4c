"""Where the client's requests go and how: the server or the environment's proxy, TLS settings, and which
failures mean that the server closed a kept connection."""

import base64
import http.client
import ssl
import urllib.parse
import urllib.request
from typing import Dict, Optional


def tls_context(scheme: str, ca_file: Optional[str]) -> Optional[ssl.SSLContext]:
    """For https: verifies the server against ``ca_file`` (or the system's CAs) and its host name, TLS 1.2+."""
    if scheme != "https":
        return None
    try:
        context = ssl.create_default_context(cafile=ca_file)  # verifies the chain and the host name
    except (OSError, ssl.SSLError) as error:
        raise ValueError(f"ca_file {ca_file!r} cannot be read as PEM CA certificates: {error}") from None
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def peer_closed(error: OSError) -> bool:
    """Whether sending failed because the peer had closed the connection (over TLS too)."""
    return isinstance(error, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, ssl.SSLEOFError,
                              ssl.SSLZeroReturnError))


class Endpoint:
    """Where requests go: the server, or the proxy the environment names for it (as urllib chooses)."""

    def __init__(self, parsed: urllib.parse.SplitResult, context: Optional[ssl.SSLContext], timeout: float):
        self.https = parsed.scheme == "https"
        self.host = parsed.hostname
        self.port = parsed.port or (443 if self.https else 80)
        self.prefix = parsed.path.rstrip("/")
        self.origin = f"{parsed.scheme}://{parsed.netloc}"
        self.context = context
        self.timeout = timeout
        self.proxy: Optional[urllib.parse.SplitResult] = None
        self.proxy_headers: Dict[str, str] = {}
        proxy = urllib.request.getproxies().get(parsed.scheme)
        if proxy and not urllib.request.proxy_bypass(parsed.netloc):
            self.proxy = urllib.parse.urlsplit(proxy if "://" in proxy else "http://" + proxy)
            if self.proxy.username is not None:
                credentials = urllib.parse.unquote(self.proxy.username) + ":" + urllib.parse.unquote(
                    self.proxy.password or "")
                self.proxy_headers = {
                    "Proxy-Authorization": "Basic " + base64.b64encode(credentials.encode()).decode("ascii")}

    def connect(self) -> http.client.HTTPConnection:
        """A new connection (it connects on its first request)."""
        if self.proxy is None:
            if self.https:
                return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout, context=self.context)
            return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        if not self.https:  # the proxy forwards each request, named by its absolute URL
            return http.client.HTTPConnection(self.proxy.hostname, self.proxy.port or 80, timeout=self.timeout)
        connection = http.client.HTTPSConnection(self.proxy.hostname, self.proxy.port or 80, timeout=self.timeout,
                                                 context=self.context)
        # TLS end to end through the proxy's CONNECT, which alone sees the proxy's credentials.
        connection.set_tunnel(self.host, self.port, headers=self.proxy_headers)
        return connection

    def headers(self, headers: Dict[str, str]) -> Dict[str, str]:
        """A request's headers, with the credentials of a plain-HTTP proxy (it reads every request)."""
        if self.proxy is not None and not self.https:
            return {**headers, **self.proxy_headers}
        return headers

    def target(self, path: str) -> str:
        """The request target: the path, or the absolute URL for a plain-HTTP proxy."""
        if self.proxy is not None and not self.https:
            return self.origin + self.prefix + path
        return self.prefix + path

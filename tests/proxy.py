"""A forwarding proxy and a cookie-keeping HTTP client, for tests of what the app sees behind
deploy/nginx.conf.

The proxy does to each request what that nginx does: it passes it to the app with
``X-Forwarded-For`` extended by the address the connection came from
(``$proxy_add_x_forwarded_for``), ``X-Real-IP`` set to that address and ``X-Forwarded-Proto``
overwritten. The client can leave from any loopback address (all of 127.0.0.0/8 is local on
Linux), so two clients really arrive at the proxy from two addresses.
"""

import http.client
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode, urlsplit

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream: tuple[str, int]

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        client = self.client_address[0]
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        for name in ("X-Forwarded-For", "X-Real-IP", "X-Forwarded-Proto"):
            headers.pop(name, None)
        forwarded = self.headers.get("X-Forwarded-For")
        headers["X-Forwarded-For"] = f"{forwarded}, {client}" if forwarded else client
        headers["X-Real-IP"] = client
        headers["X-Forwarded-Proto"] = "http"
        upstream = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            content = response.read()
            self.send_response(response.status, response.reason)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
        finally:
            upstream.close()

    do_GET = do_POST = do_HEAD = _forward

    def log_message(self, format, *args) -> None:  # noqa: A002
        pass


@contextmanager
def forwarding_proxy(upstream_url: str) -> Iterator[str]:
    """Run the proxy on 127.0.0.1 in front of ``upstream_url``; yields the proxy's base URL."""
    parts = urlsplit(upstream_url)
    handler = type("Handler", (_ProxyHandler,), {"upstream": (parts.hostname, parts.port)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class Client:
    """A small browser: keeps cookies, sends Django's CSRF token, leaves from ``address``."""

    def __init__(self, base_url: str, *, address: str, headers: dict | None = None) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.address = address
        self.headers = headers or {}
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None):
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=30, source_address=(self.address, 0)
        )
        headers = {"Accept-Language": "zh-hans", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(value)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, data: dict):
        if "csrftoken" not in self.cookies:
            self.get(path)
        return self.request("POST", path, data)


def form_errors(html: str) -> str:
    """The page's text without tags, to look for a refusal in."""
    return re.sub(r"<[^>]+>", " ", html)

"""An HTTP proxy on a free loopback port in front of one local server, the base of the benchmarks' timing proxy
and the reliability tests' fault proxy: `with Proxy(upstream_url) as proxy:`, clients point at `proxy.url`.

Each request is read whole and given to `handle(handler, body)`, which by default passes it through (`relay`).
Subclasses override `handle` and use `forward` (the upstream's answer, not yet sent) and `answer` (send one).
"""

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

# Hop-by-hop headers and those the proxy sets itself.
_NOT_FORWARDED = {"host", "content-length", "connection", "transfer-encoding", "keep-alive"}
_NOT_ANSWERED = _NOT_FORWARDED | {"date", "server"}

Answer = tuple[int, list[tuple[str, str]], bytes]


class LoopbackProxy:
    def __init__(self, upstream: str, upstream_timeout: float = 60.0) -> None:
        target = urlsplit(upstream)
        self.upstream_host, self.upstream_port = target.hostname or "127.0.0.1", target.port or 80
        self.upstream_timeout = upstream_timeout
        self.stopping = threading.Event()  # set on exit: a held-back answer stops waiting
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                proxy.handle(self, self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            do_GET = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        self.relay(handler, body)

    def forward(self, handler: BaseHTTPRequestHandler, body: bytes) -> Answer:
        """The request as the client sent it (with `body` instead of its own), to the upstream: its answer."""
        connection = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=self.upstream_timeout)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in _NOT_FORWARDED}
            headers["Content-Length"] = str(len(body))
            connection.request(handler.command, handler.path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def relay(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        self.answer(handler, *self.forward(handler, body))

    @staticmethod
    def answer(handler: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
        try:
            handler.send_response(status)
            for name, value in headers:
                if name.lower() not in _NOT_ANSWERED:
                    handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            handler.close_connection = True  # the client gave up (a slow answer): nothing to tell it


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a dropped or timed-out connection is the point of a fault, and a stopping job's, not a traceback

"""A pass-through HTTP proxy on loopback that timestamps every Timestream `WriteRecords` call it forwards.

moto's request recording keeps each call's body but not when it came; the freshness benchmark needs the
moment each write was accepted. The proxy sits between the job's sink and moto, forwards every request
unchanged, and for each `WriteRecords` keeps the wall-clock time it received the request, the time moto's
answer came back (the write is stored by then) and moto's status, with the body.
"""

import http.client
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

_HOP_HEADERS = {"host", "content-length", "connection", "transfer-encoding", "keep-alive"}


@dataclass(frozen=True, slots=True)
class TimedCall:
    """One `WriteRecords` call: received and accepted as Unix times (s), moto's HTTP status, the request body."""

    received: float
    accepted: float
    status: int
    body: dict[str, Any]


class TimingProxy:
    """`with TimingProxy(moto_url) as proxy:` point the sink at `proxy.url`; `proxy.calls()` afterwards."""

    def __init__(self, upstream: str) -> None:
        target = urlsplit(upstream)
        self._upstream = (target.hostname or "127.0.0.1", target.port or 80)
        self._calls: list[TimedCall] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                proxy._handle(self, "POST")

            def do_GET(self) -> None:
                proxy._handle(self, "GET")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def calls(self) -> list[TimedCall]:
        """Every `WriteRecords` call so far, in the order moto answered them."""
        with self._lock:
            return list(self._calls)

    def __enter__(self) -> "TimingProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        received = time.time()
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP_HEADERS}
        headers["Content-Length"] = str(len(body))
        connection = http.client.HTTPConnection(*self._upstream, timeout=60)
        try:
            connection.request(method, handler.path, body=body, headers=headers)
            response = connection.getresponse()
            status, answer_headers, payload = response.status, response.getheaders(), response.read()
        finally:
            connection.close()
        accepted = time.time()
        if handler.headers.get("X-Amz-Target", "").endswith(".WriteRecords"):
            with self._lock:
                self._calls.append(TimedCall(received, accepted, status, json.loads(body)))
        handler.send_response(status)
        for name, value in answer_headers:
            if name.lower() not in _HOP_HEADERS | {"date", "server"}:
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

"""A pass-through HTTP proxy on loopback that timestamps every Timestream `WriteRecords` call it forwards.

moto's request recording keeps each call's body but not when it came; the freshness benchmark needs the
moment each write was accepted. The proxy sits between the job's sink and moto, forwards every request
unchanged, and for each `WriteRecords` keeps the wall-clock time it received the request, the time moto's
answer came back (the write is stored by then) and moto's status, with the body.
"""

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from local_stack.loopback_proxy import LoopbackProxy


@dataclass(frozen=True, slots=True)
class TimedCall:
    """One `WriteRecords` call: received and accepted as Unix times (s), moto's HTTP status, the request body."""

    received: float
    accepted: float
    status: int
    body: dict[str, Any]


class TimingProxy(LoopbackProxy):
    """`with TimingProxy(moto_url) as proxy:` point the sink at `proxy.url`; `proxy.calls()` afterwards."""

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream)
        self._calls: list[TimedCall] = []
        self._lock = threading.Lock()

    def calls(self) -> list[TimedCall]:
        """Every `WriteRecords` call so far, in the order moto answered them."""
        with self._lock:
            return list(self._calls)

    def handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        received = time.time()
        status, headers, payload = self.forward(handler, body)
        accepted = time.time()
        if handler.headers.get("X-Amz-Target", "").endswith(".WriteRecords"):
            with self._lock:
                self._calls.append(TimedCall(received, accepted, status, json.loads(body)))
        self.answer(handler, status, headers, payload)

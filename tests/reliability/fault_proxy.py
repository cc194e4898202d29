"""A fault-injecting HTTP proxy for a store's write calls, on loopback, in front of the real local server:
Timestream's WriteRecords in front of moto (`TIMESTREAM`), or InfluxDB's `/write` in front of influxd
(`INFLUXDB`).

Neither local server throttles or fails; this proxy makes them do what the real service does on a bad day,
on a seeded schedule, so a test can check that the sink retries, recovers and loses nothing:

- `throttle`: as the store answers it: Timestream HTTP 400 `ThrottlingException`, InfluxDB HTTP 429;
- `server_error`: HTTP 500 (Timestream's `InternalServerException`, InfluxDB's `{"error": ...}`);
- `drop`: the request is read and the connection closed (reset) without an answer;
- `slow`: the answer is held back `slow_seconds` (longer than the sink's request timeout), then the request is
  forwarded anyway, so the write lands late, after the client gave up and retried: a duplicate, as in life.
  With `slow_lands_late=False` the request is forwarded at once and only the answer is late: the same retry
  and duplicate, without the write overtaking a later one (InfluxDB has no version to refuse a stale write
  with: connectors/README.md, "Versions");
- rejection: the records (Timestream) or points (InfluxDB) whose dimensions or tags match `reject_where` are
  refused while the rest of the request is written, which is each store's contract: Timestream answers
  `RejectedRecordsException` (reason and `ExistingVersion`), InfluxDB 1.x HTTP 400 "partial write ... dropped=N".

Only write calls are subject to faults; everything else passes through. Faults apply to the first
`len(schedule)` write calls, in the (seeded, shuffled) order of the schedule; later calls pass.
"""

import json
import random
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

from local_stack.loopback_proxy import LoopbackProxy

FAULTS = ("throttle", "server_error", "drop", "slow")
ERROR_PREFIX = "com.amazonaws.timestream.v20181101#"
PASS = "pass"
TIMESTREAM = "timestream"
INFLUXDB = "influxdb"


def line_tags(line: str) -> dict[str, str]:
    """The tags of one line of InfluxDB line protocol (`measurement,k=v,k2=v\\ 2 fields time`), unescaped."""
    parts, current, index = [], [], 0
    while index < len(line) and line[index] != " ":
        char = line[index]
        if char == "\\" and index + 1 < len(line):
            current.append(line[index + 1])
            index += 2
            continue
        if char == ",":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return dict(part.split("=", 1) for part in parts[1:])


def fault_schedule(seed: int, counts: dict[str, int], passes: int) -> list[str]:
    """`counts[f]` of each fault and `passes` clean answers, shuffled by `seed` (same seed, same order)."""
    schedule = [f for f, n in counts.items() for _ in range(n)] + [PASS] * passes
    random.Random(seed).shuffle(schedule)
    return schedule


@dataclass
class ProxyLog:
    """What the proxy saw and did (read under `lock`)."""

    write_requests: int = 0
    request_bodies: list[bytes] = field(default_factory=list)
    injected: Counter = field(default_factory=Counter)
    rejected_records: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[tuple[float, str]] = field(default_factory=list)  # (monotonic time, fault or "pass")
    lock: threading.Lock = field(default_factory=threading.Lock)


class FaultProxy(LoopbackProxy):
    def __init__(
        self,
        upstream: str,
        schedule: list[str],
        slow_seconds: float = 2.0,
        reject_where: Callable[[dict[str, str]], bool] | None = None,
        reject_reason: str = "The record version 1 is lower than the existing version 2. A higher version is "
        "required to update the measure value.",
        existing_version: int | None = 2,
        store: str = TIMESTREAM,
        slow_lands_late: bool = True,
    ) -> None:
        super().__init__(upstream, upstream_timeout=30)
        self.slow_lands_late = slow_lands_late
        if store not in (TIMESTREAM, INFLUXDB):
            raise ValueError(f"store must be {TIMESTREAM} or {INFLUXDB}, got {store!r}")
        self.store = store
        self.schedule = list(schedule)
        self.slow_seconds = slow_seconds
        self.reject_where = reject_where
        self.reject_reason = reject_reason
        self.existing_version = existing_version
        self.log = ProxyLog()

    # --- one request -------------------------------------------------------------------------------------------

    def _is_write(self, handler: BaseHTTPRequestHandler) -> bool:
        if self.store == INFLUXDB:
            return handler.command == "POST" and urlsplit(handler.path).path == "/write"
        return handler.headers.get("X-Amz-Target", "").endswith(".WriteRecords")

    def handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        if not self._is_write(handler):
            self.relay(handler, body)
            return
        with self.log.lock:
            index = self.log.write_requests
            self.log.write_requests += 1
            self.log.request_bodies.append(body)
            fault = self.schedule[index] if index < len(self.schedule) else PASS
            self.log.timeline.append((time.monotonic(), fault))
            if fault != PASS:
                self.log.injected[fault] += 1
        if fault == "throttle" and self.store == INFLUXDB:
            self._answer_influxdb(handler, 429, "too many requests")
        elif fault == "throttle":
            self._answer(handler, 400, "ThrottlingException", {"Message": "Rate exceeded"})
        elif fault == "server_error" and self.store == INFLUXDB:
            self._answer_influxdb(handler, 500, "internal error")
        elif fault == "server_error":
            self._answer(handler, 500, "InternalServerException", {"Message": "Internal server error"})
        elif fault == "drop":
            self._reset(handler)
        elif fault == "slow" and not self.slow_lands_late:
            self.forward(handler, body)  # stored now, answered too late
            self.stopping.wait(self.slow_seconds)
            self._reset(handler)
        elif fault == "slow":
            self.stopping.wait(self.slow_seconds)  # the client has timed out by now
            self.relay(handler, body)  # the write lands anyway, late
        elif self.store == INFLUXDB:
            self._write_points_with_rejections(handler, body)
        else:
            self._write_with_rejections(handler, body)

    def _write_points_with_rejections(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        """As InfluxDB 1.x answers a batch with bad points: the good ones are stored, the answer is 400."""
        lines = body.decode().splitlines()
        rejected = [line for line in lines if self.reject_where is not None and self.reject_where(line_tags(line))]
        if not rejected:
            self.relay(handler, body)
            return
        kept = [line for line in lines if line not in rejected]
        if kept:
            status, _, _ = self.forward(handler, "\n".join(kept).encode())
            if status != 204:
                self._answer_influxdb(handler, 500, f"upstream answered {status}")
                return
        with self.log.lock:
            self.log.rejected_records += [{"line": line, "tags": line_tags(line)} for line in rejected]
        self._answer_influxdb(handler, 400, f"partial write: {self.reject_reason} dropped={len(rejected)}")

    def _write_with_rejections(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        request = json.loads(body)
        rejected = [i for i, r in enumerate(request["Records"]) if self._rejects(request, r)]
        if not rejected:
            self.relay(handler, body)
            return
        kept = [r for i, r in enumerate(request["Records"]) if i not in rejected]
        if kept:
            status, _, _ = self.forward(handler, json.dumps({**request, "Records": kept}).encode())
            if status != 200:
                self._answer(handler, 500, "InternalServerException", {"Message": f"upstream answered {status}"})
                return
        with self.log.lock:
            self.log.rejected_records += [request["Records"][i] for i in rejected]
        self._answer(
            handler,
            400,
            "RejectedRecordsException",
            {
                "Message": "One or more records have been rejected. See RejectedRecords for details.",
                "RejectedRecords": [
                    {"RecordIndex": i, "Reason": self.reject_reason}
                    | ({} if self.existing_version is None else {"ExistingVersion": self.existing_version})
                    for i in rejected
                ],
            },
        )

    def _rejects(self, request: dict[str, Any], record: dict[str, Any]) -> bool:
        if self.reject_where is None:
            return False
        common = request.get("CommonAttributes", {}).get("Dimensions", [])
        dimensions = {d["Name"]: d["Value"] for d in common + record.get("Dimensions", [])}
        return self.reject_where(dimensions)

    # --- answers ----------------------------------------------------------------------------------

    def _answer(self, handler: BaseHTTPRequestHandler, status: int, error: str, document: dict[str, Any]) -> None:
        payload = json.dumps({"__type": ERROR_PREFIX + error, **document}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-RequestId", f"fault-{time.monotonic_ns()}")]
        self.answer(handler, status, headers, payload)

    def _answer_influxdb(self, handler: BaseHTTPRequestHandler, status: int, error: str) -> None:
        headers = [("Content-Type", "application/json"), ("X-Influxdb-Version", "1.6.7")]
        self.answer(handler, status, headers, json.dumps({"error": error}).encode())

    @staticmethod
    def _reset(handler: BaseHTTPRequestHandler) -> None:
        """Close with RST (SO_LINGER 0): the client sees a connection reset / unexpected end of stream."""
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        handler.connection.close()

"""A Timestream write endpoint that stores nothing: it accepts every `WriteRecords` at once and counts it.

The benchmark's third sink variant: with moto out of the way, what remains is the sink's own cost
(row mapping, JSON, the AWS SDK, HTTP on loopback). Run as its own process, stopped by PID:
`python -m bench.null_timestream --port N`. `GET /stats` returns the records of each call, in order;
`POST /stats/reset` empties them. Any other Timestream call gets an empty JSON object.
"""

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_lock = threading.Lock()
_calls: list[tuple[str, int]] = []  # (table, records) per WriteRecords


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's connection pool expects
    # One write per response, sent at once: headers and body in separate small segments would meet
    # the client's delayed ACK (Nagle), a 40 ms stall per call that would be measured as the sink's.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _reply(self, status: int, body: dict | list) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/stats":
            with _lock:
                self._reply(200, [list(call) for call in _calls])
        else:
            self._reply(200, {"status": "ok"})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/stats/reset":
            with _lock:
                _calls.clear()
            self._reply(200, {})
            return
        if self.headers.get("X-Amz-Target", "").endswith(".WriteRecords"):
            request = json.loads(body)
            records = len(request.get("Records", []))
            with _lock:
                _calls.append((request.get("TableName", ""), records))
            self._reply(200, {"RecordsIngested": {"Total": records, "MemoryStore": records, "MagneticStore": 0}})
        else:
            self._reply(200, {})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.null_timestream", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()

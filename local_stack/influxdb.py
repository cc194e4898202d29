"""A real InfluxDB 1.x server (`influxd`, Debian's package, fetched by `make influxdb`) on loopback ports,
for `make run STORE=influxdb` and the tests; always stopped by PID. Read back with `query` (InfluxQL over
HTTP, as Grafana's InfluxDB data source asks) or `points` (every point of a measurement, tags and fields).

`python -m local_stack.influxdb URL` prints the newest points of every measurement of a running server.
"""

import argparse
import json
import sys
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from local_stack.ports import free_port
from local_stack.processes import LoopbackServer, ManagedProcess

REPO_ROOT = Path(__file__).resolve().parent.parent
INFLUXD = REPO_ROOT / ".tools" / "influxdb" / "usr" / "bin" / "influxd"
DATABASE = "connect_monitor"


def _config(run_dir: Path, http_port: int, rpc_port: int) -> str:
    """Everything on 127.0.0.1 or off, everything in `run_dir`, no phoning home."""
    return f"""reporting-enabled = false
bind-address = "127.0.0.1:{rpc_port}"
[meta]
  dir = "{run_dir / "meta"}"
  logging-enabled = false
[data]
  dir = "{run_dir / "data"}"
  wal-dir = "{run_dir / "wal"}"
  query-log-enabled = false
[monitor]
  store-enabled = false
[subscriber]
  enabled = false
[continuous_queries]
  enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:{http_port}"
  log-enabled = false
  pprof-enabled = false
"""


def query(url: str, database: str, influxql: str, epoch: str | None = "ms") -> list[dict[str, Any]]:
    """The statements' results (`series` of columns and values); an error in any statement raises."""
    params = {"db": database, "q": influxql, **({"epoch": epoch} if epoch else {})}
    request = urllib.request.Request(f"{url}/query", data=urllib.parse.urlencode(params).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        results = json.load(response)["results"]
    errors = [r["error"] for r in results if "error" in r]
    if errors:
        raise ValueError(f"InfluxQL {influxql!r} failed: {'; '.join(errors)}")
    return results


@dataclass(frozen=True, slots=True)
class Point:
    measurement: str
    time: datetime
    tags: dict[str, str]
    fields: dict[str, Any]


class InfluxDbServer(LoopbackServer):
    """`with InfluxDbServer(run_dir) as influx:` then `influx.url`; the database `DATABASE` exists."""

    name = "influxd"
    health_path = "/ping"

    def __init__(self, run_dir: Path, binary: Path = INFLUXD, database: str = DATABASE) -> None:
        if not binary.exists():
            raise FileNotFoundError(f"{binary} is missing: run `make influxdb` (Debian's influxd, no root needed)")
        super().__init__(run_dir)
        self.binary = binary
        self.database = database

    def launch(self) -> ManagedProcess:
        config = self.run_dir / "influxdb.conf"
        config.write_text(_config(self.run_dir, self.port, free_port()))
        return ManagedProcess(
            self.name, [str(self.binary), "run", "-config", str(config)], self.run_dir / "influxd.log"
        )

    def when_healthy(self) -> None:
        self.query(f'CREATE DATABASE "{self.database}"')

    def query(self, influxql: str, epoch: str | None = "ms") -> list[dict[str, Any]]:
        return query(self.url, self.database, influxql, epoch)

    def point_count(self) -> int:
        """Points stored in every measurement (a measurement's count is that of its most-written field)."""
        total = 0
        for measurement in self.measurements():
            for series in self.query(f'SELECT COUNT(*) FROM "{measurement}"')[0].get("series", []):
                total += max((v for v in series["values"][0][1:] if isinstance(v, int)), default=0)
        return total

    def measurements(self) -> list[str]:
        series = self.query("SHOW MEASUREMENTS")[0].get("series", [])
        return [row[0] for s in series for row in s["values"]]

    def points(self, measurement: str) -> list[Point]:
        """Every point of `measurement`: one per series and time (a later write of the same one replaced it)."""
        tag_keys = self.query(f'SHOW TAG KEYS FROM "{measurement}"')[0].get("series", [])
        tags = {row[0] for s in tag_keys for row in s["values"]}
        points = []
        for series in self.query(f'SELECT * FROM "{measurement}"')[0].get("series", []):
            columns = series["columns"]
            for values in series["values"]:
                row = dict(zip(columns, values, strict=True))
                at = datetime.fromtimestamp(row.pop("time") / 1000, UTC)
                points.append(
                    Point(
                        measurement,
                        at,
                        {k: v for k, v in row.items() if k in tags and v is not None},
                        {k: v for k, v in row.items() if k not in tags and v is not None},
                    )
                )
        return points


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_stack.influxdb", description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the server, e.g. http://127.0.0.1:8086 (make run prints it)")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--limit", type=int, default=5, help="newest points per measurement (default 5)")
    args = parser.parse_args(argv)
    try:
        series = query(args.url, args.database, "SHOW MEASUREMENTS")[0].get("series", [])
        for measurement in [row[0] for s in series for row in s["values"]]:
            print(f"== {measurement}")
            newest = f'SELECT * FROM "{measurement}" ORDER BY time DESC LIMIT {args.limit}'
            for result in query(args.url, args.database, newest, epoch=None)[0].get("series", []):
                for values in result["values"]:
                    print("  " + ", ".join(f"{c}={v}" for c, v in zip(result["columns"], values, strict=True)))
    except (OSError, ValueError) as error:
        print(f"error: {args.url}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

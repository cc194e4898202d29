"""The local Timestream (moto): create the job's tables, and read back what the sink wrote.

moto stores Timestream records without their request's `CommonAttributes`, so what was written is
read from moto's request recording (`MOTO_ENABLE_RECORDING`), merging each request's common
attributes into its records. `python -m local_stack.timestream` prints the latest rows per queue.
"""

import argparse
import base64
import contextlib
import json
import sys
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3

from local_stack.moto_server import RECORDING_FILE
from local_stack.stack import REPO_ROOT, boto_credentials


@dataclass(frozen=True, slots=True)
class WrittenRecord:
    table: str
    time: datetime
    dimensions: dict[str, str]
    measures: dict[str, float | int | str]
    version: int

    @property
    def key(self) -> tuple[str, datetime, tuple[tuple[str, str], ...]]:
        return self.table, self.time, tuple(sorted(self.dimensions.items()))


def create_tables(moto_url: str, region: str, database: str, tables: Iterable[str]) -> None:
    """What Terraform creates in AWS: the database and the job's tables (idempotent)."""
    client = boto3.client("timestream-write", endpoint_url=moto_url, region_name=region, **boto_credentials())
    with contextlib.suppress(client.exceptions.ConflictException):
        client.create_database(DatabaseName=database)
    for table in tables:
        with contextlib.suppress(client.exceptions.ConflictException):
            client.create_table(DatabaseName=database, TableName=table)


def stored_records(moto_url: str, table: str) -> list[dict[str, Any]]:
    """Records of `table` as moto keeps them: as sent, without their request's CommonAttributes."""
    with urllib.request.urlopen(f"{moto_url}/moto-api/data.json", timeout=10) as response:
        state = json.load(response)
    tables = state.get("timestreamwrite", {}).get("TimestreamTable", [])
    return [record for t in tables if t["name"] == table for record in t["records"]]


def _value(measure: dict[str, str]) -> float | int | str:
    kind, text = measure.get("Type"), measure["Value"]
    if kind == "BIGINT":
        return int(text)
    if kind == "DOUBLE":
        return float(text)
    return text


def _records_of(request: dict[str, Any]) -> list[WrittenRecord]:
    common = request.get("CommonAttributes") or {}
    written = []
    for record in request.get("Records", []):
        merged = {**common, **record}
        dimensions = {d["Name"]: d["Value"] for d in common.get("Dimensions", []) + record.get("Dimensions", [])}
        unit = merged.get("TimeUnit", "MILLISECONDS")
        scale = {"MILLISECONDS": 1e3, "SECONDS": 1, "MICROSECONDS": 1e6, "NANOSECONDS": 1e9}[unit]
        written.append(
            WrittenRecord(
                table=request["TableName"],
                time=datetime.fromtimestamp(int(merged["Time"]) / scale, UTC),
                dimensions=dimensions,
                measures={m["Name"]: _value(m) for m in merged.get("MeasureValues", [])},
                version=int(merged.get("Version", 0)),
            )
        )
    return written


def _documents(text: str) -> Iterator[dict[str, Any]]:
    """JSON documents one after another: moto's recorder is not thread-safe, so two requests in flight
    can share a line."""
    decoder, index = json.JSONDecoder(), 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return
        document, index = decoder.raw_decode(text, index)
        yield document


def write_requests(recording: Path) -> list[dict[str, Any]]:
    """The body of every `WriteRecords` request moto received, in order."""
    if not recording.exists():
        return []
    requests = []
    for entry in _documents(recording.read_text()):
        if not entry.get("headers", {}).get("X-Amz-Target", "").endswith(".WriteRecords"):
            continue
        body = entry.get("body") or ""
        encoded = entry.get("body_encoded", True)
        requests.append(json.loads(base64.b64decode(body) if encoded else body))
    return requests


def written_records(recording: Path) -> list[WrittenRecord]:
    """Every record of every `WriteRecords` request moto received, in order."""
    return [record for request in write_requests(recording) for record in _records_of(request)]


def final_state(records: Iterable[WrittenRecord]) -> dict[tuple[Any, ...], WrittenRecord]:
    """What Timestream keeps: per time and dimensions, the record with the highest version."""
    state: dict[tuple[Any, ...], WrittenRecord] = {}
    for record in records:
        kept = state.get(record.key)
        if kept is None or record.version >= kept.version:
            state[record.key] = record
    return state


def latest_per_queue(records: Iterable[WrittenRecord], table: str) -> list[WrittenRecord]:
    latest: dict[str, WrittenRecord] = {}
    for record in final_state(records).values():
        queue = record.dimensions.get("queue_name", "?")
        if record.table == table and (queue not in latest or latest[queue].time <= record.time):
            latest[queue] = record
    return [latest[q] for q in sorted(latest)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m local_stack.timestream", description="Print the latest rows per queue in the local Timestream."
    )
    parser.add_argument("--run-dir", type=Path, default=REPO_ROOT / ".run", help="the run's directory (default .run)")
    parser.add_argument("--table", default="agent_state_by_queue", help="table (default agent_state_by_queue)")
    args = parser.parse_args(argv)
    recording = args.run_dir / RECORDING_FILE
    if not recording.exists():
        print(f"no recording at {recording}: start `make run` first", file=sys.stderr)
        return 1
    rows = latest_per_queue(written_records(recording), args.table)
    if not rows:
        print(f"no {args.table} records written yet", file=sys.stderr)
        return 1
    for row in rows:
        measures = " ".join(f"{k}={v}" for k, v in sorted(row.measures.items()))
        print(f"{row.time:%Y-%m-%dT%H:%M:%SZ} {row.dimensions.get('queue_name', '?'):<12} v{row.version} {measures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Records the pipeline wrote, as `grafana.local.timestream.Row`s: from the job's replay output, from moto's
recording of a local run, or from the Lambdas' own record builders.

Column declarations come from the writers themselves: `flink_app.outputs.TABLES` for the job's tables; for the
Lambdas' tables, the columns of the records their code builds (see tests/grafana).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grafana.local.timestream import Row


def _job_tables() -> dict[str, Any]:
    from flink_app.outputs import TABLES

    return TABLES


def job_table_columns() -> dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]]:
    """Per job table: its dimensions and (measure, SQL type) pairs, as the job declares them."""
    return {name: (tuple(t.dimensions), t.measures) for name, t in _job_tables().items()}


def job_measure_names() -> dict[str, str]:
    """Timestream `measure_name` of each job table's multi-measure records (the sink's `measure_name`)."""
    return {name: table.measure_name for name, table in _job_tables().items()}


def _time(value: Any) -> datetime:
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value / 1000, UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)


def from_replay_dir(directory: Path) -> list[Row]:
    """`DIR/<table>.jsonl` of `python -m flink_app replay`: `{time, dimensions, measures, version}` per line."""
    names = job_measure_names()
    rows = []
    for table, measure_name in names.items():
        path = directory / f"{table}.jsonl"
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            if line.strip():
                doc = json.loads(line)
                rows.append(
                    Row(table, measure_name, _time(doc["time"]), doc["dimensions"], doc["measures"], doc["version"])
                )
    return rows


def from_recording(recording: Path) -> list[Row]:
    """What the job's Timestream sink sent to moto in a local run (`make run`: .run/moto-recording...)."""
    from local_stack.timestream import written_records

    names = job_measure_names()
    return [
        Row(r.table, names.get(r.table, r.table), r.time, r.dimensions, r.measures, r.version)
        for r in written_records(recording)
    ]


def from_write_requests(table: str, records: Iterable[dict[str, Any]]) -> list[Row]:
    """Timestream `WriteRecords` records (multi-measure, as lambdas.common.records builds them)."""
    rows = []
    for record in records:
        measures: dict[str, Any] = {}
        for m in record["MeasureValues"]:
            kind, text = m["Type"], m["Value"]
            if kind == "BIGINT":
                measures[m["Name"]] = int(text)
            elif kind == "DOUBLE":
                measures[m["Name"]] = float(text)
            elif kind == "BOOLEAN":
                measures[m["Name"]] = text == "true"
            elif kind == "TIMESTAMP":
                measures[m["Name"]] = datetime.fromtimestamp(int(text) / 1000, UTC)
            else:
                measures[m["Name"]] = text
        scale = {"MILLISECONDS": 1e3, "SECONDS": 1, "MICROSECONDS": 1e6, "NANOSECONDS": 1e9}[record["TimeUnit"]]
        rows.append(
            Row(
                table,
                record["MeasureName"],
                datetime.fromtimestamp(int(record["Time"]) / scale, UTC),
                {d["Name"]: d["Value"] for d in record["Dimensions"]},
                measures,
                int(record.get("Version", 1)),
            )
        )
    return rows


def lambda_table_columns() -> dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]]:
    """instance_metrics and instance_inventory as persist_instance_data declares them (grafana.local.names), typed,
    for a local Timestream where that function wrote nothing (a `make run` or a replay: no Connect)."""
    from grafana.local.names import INVENTORY_COLUMNS, timestream_tables

    metrics = timestream_tables()["instance_metrics"].columns
    dimensions = ("instance_id", "queue_id", "queue_name", "channel")
    typed = tuple((m, "DOUBLE" if m.endswith("_seconds") else "BIGINT") for m in metrics if m not in dimensions)
    inventory = tuple((c, "VARCHAR") for c in INVENTORY_COLUMNS if c not in ("instance_id", "queue_id"))
    return {"instance_metrics": (dimensions, typed), "instance_inventory": (("instance_id", "queue_id"), inventory)}

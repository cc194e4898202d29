"""The job's own output in a real InfluxDB: `python -m flink_app replay --write-stores` with `sink/types =
influxdb` writes every result table through the Java InfluxDB sink to a local influxd (`local_stack.influxdb`),
and what InfluxDB then holds equals the job's final state (per key, the highest version; test_replay.py holds
that equal to the independent reference): one measurement per table, the dimensions as tags, the measures as
fields, corrected windows overwritten in place.
"""

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flink_app.config import properties_document
from flink_app.outputs import TABLES
from local_stack.influxdb import InfluxDbServer
from tests.conftest import REPO_ROOT
from tests.final_state import influxdb_tables, latest
from traffic_generator import SimulationConfig, simulate

pytestmark = pytest.mark.integration


def test_the_replayed_job_output_lands_in_influxdb_as_its_final_state(influxdb: InfluxDbServer, tmp_path: Path) -> None:
    config = SimulationConfig(
        start=datetime(2026, 1, 5, 9, tzinfo=UTC),
        duration_seconds=900,
        seed=5,
        agents=20,
        queues=3,
        contact_events_on_stream=True,
    )
    lines = [e.data for e in simulate(config)[1] if e.on_stream]
    source = tmp_path / "input.jsonl"
    source.write_text("\n".join(lines) + "\n")
    properties = tmp_path / "properties.json"
    dead_letters = tmp_path / "influxdb-refused.jsonl"
    sink = {"types": "influxdb", "influxdb.url": influxdb.url, "influxdb.dead_letter.path": str(dead_letters)}
    properties.write_text(json.dumps(properties_document({"sink": sink})))
    output = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "flink_app", "replay", "--input", str(source), "--properties", str(properties),
         "--output", str(output), "--parallelism", "2", "--write-stores"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    assert set(influxdb.measurements()) == set(TABLES), "one measurement per result table"
    compared = corrected = 0
    stored_tables = influxdb_tables(influxdb)
    for name, table in TABLES.items():
        written = [json.loads(line) for line in (output / f"{name}.jsonl").read_text().splitlines()]
        keys = tuple(d for d in table.dimensions if d != "queue_name")
        expected = {
            key: {"queue_name": r["dimensions"].get("queue_name") or "", "measures": r["measures"]}
            for key, r in latest(written, keys).items()
        }
        stored = stored_tables[name]
        assert stored == expected, name
        compared += len(stored)
        corrected += sum(r["version"] > 1 for r in written)
    assert compared > 500 and not dead_letters.exists()
    assert corrected, "the run corrects windows: their later versions overwrote the earlier points"

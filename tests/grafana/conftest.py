"""One simulated hour of Connect traffic, fed to everything the dashboards read, once per session:

- the real job (`python -m flink_app replay`, the same graph as live) -> whatever tables it writes
  (agent_state_by_queue, queue_contact_metrics, and the rolling, daily and live-queue views once it writes them),
  loaded into a local Timestream (DuckDB) with Timestream's upsert semantics;
- Connect's own figures as persist_instance_data writes them (its real `metric_records` and `inventory_records`),
  for the minutes the job covers -> instance_metrics (per queue and instance-wide) and instance_inventory;
- the same stream records through the Terraform's Firehose layout -> CTR files -> the Glue table in DuckDB;
- the real job again, writing through its real InfluxDB sink (`replay --write-stores`, `sink/types = influxdb`) into
  a real `influxd` (local_stack.influxdb, `make influxdb`), which the InfluxDB dashboard's InfluxQL then reads as it is.

The simulated center (SIMULATION) has a routing profile serving two queues (its agents count in both: the
instance-wide figures must not add queues up) and a queue no profile serves (Retention: it only gets abandoned
contacts, the job never writes an agent row for it, and the dashboards must still list it).

Tables the job does not write yet have no rows: the tests that need them skip, naming the table
(`JobRun.require`), decided from the output, so they run as soon as the job writes them.

If the job's replay output has no queue_contact_metrics rows (the job before issue 3's contact metrics), those
rows are built from the issue 3 contract by the independent reference (tests/reference.py) instead, and every
test that reads them warns so (`ContractRecordsUsed`): nothing is skipped silently.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from grafana import datasources
from grafana.local import athena, records, timestream
from grafana.local.firehose import Arrival, simulated_history, write_history
from grafana.local.timestream import Row
from tests.conftest import REPO_ROOT

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
HOURS = 1.0
JOB_TIMEOUT_S = 300
# Routing profiles Sales+Support, Support, Billing; Retention staffed by none (see the docstring).
SIMULATION: dict[str, Any] = {"seed": 62, "agents": 30, "queues": 4}
MULTI_QUEUE_PROFILE = ("Sales", "Support")
UNSTAFFED_QUEUE = "Retention"


class ContractRecordsUsed(UserWarning):
    """queue_contact_metrics rows come from the issue 3 contract (tests/reference.py), not from the job."""


@dataclass
class JobRun:
    rows: list[Row]
    contact_rows_from: str  # "job" or "contract: <why>"
    output_dir: Path

    def warn_if_contract(self, table: str) -> None:
        if table == "queue_contact_metrics" and self.contact_rows_from != "job":
            warnings.warn(ContractRecordsUsed(self.contact_rows_from), stacklevel=2)

    def writes(self, table: str) -> bool:
        return any(r.table == table for r in self.rows)

    def require(self, *tables: str) -> None:
        """Skips the calling test while the job does not write one of `tables` (decided from its output)."""
        missing = [t for t in tables if not self.writes(t)]
        if missing:
            pytest.skip(f"the job does not write {', '.join(missing)} yet")


@pytest.fixture(scope="session")
def stream_records() -> list[Arrival]:
    return simulated_history(START, HOURS, **SIMULATION)


@pytest.fixture(scope="session")
def topology() -> Any:
    """The simulated center (its queues and routing profiles): what Connect's List APIs would answer."""
    from traffic_generator import SimulationConfig, simulate

    center, _ = simulate(SimulationConfig(start=START, duration_seconds=HOURS * 3600, **SIMULATION))
    served = [tuple(q.name for q in p.queues) for p in center.routing_profiles]
    assert MULTI_QUEUE_PROFILE in served and all(UNSTAFFED_QUEUE not in s for s in served), served
    return center


@pytest.fixture(scope="session")
def history_bucket(tmp_path_factory: pytest.TempPathFactory, stream_records: list[Arrival]) -> Path:
    bucket = tmp_path_factory.mktemp("history-bucket")
    write_history(stream_records, bucket)
    return bucket


def _contract_contact_rows(lines: list[str]) -> list[Row]:
    from tests import reference

    rows = []
    for (end, instance_id, queue_id, channel), value in reference.queue_contact_metrics(lines).items():
        dimensions = {"instance_id": instance_id, "queue_id": queue_id, "queue_name": value["queue_name"]}
        dimensions["channel"] = channel
        time = datetime.fromisoformat(end.replace("Z", "+00:00"))
        rows.append(Row("queue_contact_metrics", "contact_metrics", time, dimensions, value["measures"], 1))
    return rows


def replay(work: Path, stream_records: list[Arrival], *options: str) -> Path:
    """The real job over the simulated hour (one JVM, ~30 s), its output directory."""
    source = work / "stream.jsonl"
    source.write_text("".join(r.data + "\n" for r in stream_records))
    output = work / "out"
    command = [sys.executable, "-m", "flink_app", "replay", "--input", str(source), "--output", str(output), *options]
    done = subprocess.run(
        [*command, "--parallelism", "1"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=JOB_TIMEOUT_S,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    if done.returncode != 0 or not (output / "agent_state_by_queue.jsonl").exists():
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        pytest.fail(f"the job's replay failed (exit {done.returncode}): {' '.join(command)}\n{tail}")
    return output


def newest_snapshot_plus_30_s(rows: list[Row]) -> datetime:
    """The dashboards' "now" in the tests: just after the newest agent snapshot."""
    return max(r.time for r in rows if r.table == "agent_state_by_queue") + timedelta(seconds=30)


@pytest.fixture(scope="session")
def job_run(tmp_path_factory: pytest.TempPathFactory, stream_records: list[Arrival]) -> JobRun:
    """The real job over the simulated hour (one JVM for the whole session, ~30 s)."""
    output = replay(tmp_path_factory.mktemp("job"), stream_records)
    rows = records.from_replay_dir(output)
    if not any(r.table == "agent_state_by_queue" for r in rows):
        pytest.fail(f"the job wrote no agent_state_by_queue records to {output}")
    contact_from = "job"
    if not any(r.table == "queue_contact_metrics" for r in rows):
        contact_from = (
            "contract: the job's replay wrote no queue_contact_metrics records, so they were built from the "
            "issue 3 contract by tests/reference.py"
        )
        rows += _contract_contact_rows([r.data for r in stream_records])
    return JobRun(rows, contact_from, output)


def _last(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def instance_wide_counts(lines: list[str], instance_arn: str) -> dict[datetime, dict[str, int]]:
    """Connect's instance-wide agent counts (each agent once): the reference's per-queue counts over the same
    events with every routing profile reduced to one pseudo-queue, the whole instance."""
    from tests import reference

    whole = {"ARN": f"{instance_arn}/queue/whole-instance", "Name": "whole instance"}

    def one_queue(line: str) -> str:
        try:
            document = json.loads(line)
            profile = document["CurrentAgentSnapshot"]["Configuration"]["RoutingProfile"]
        except (ValueError, KeyError, TypeError):
            return line
        profile["InboundQueues"] = [whole]
        return json.dumps(document)

    counts = reference.agent_state_by_queue([one_queue(line) for line in lines])
    return {
        datetime.fromisoformat(t.replace("Z", "+00:00")): row["measures"]
        for (t, _, queue_id), row in counts.items()
        if queue_id == "whole-instance"
    }


def connect_current_rows(job_rows: list[Row], center: Any, lines: list[str]) -> list[Row]:
    """What persist_instance_data writes (its own `metric_records` and `inventory_records`), one run per minute the
    job covers. Per queue, every queue of the center: the job's snapshot at that minute (VOICE) and a smaller CHAT
    row, so the job-vs-Connect cross-check has a known answer (they agree); zero agents for the unstaffed queue;
    one contact in queue, 12 s old. Instance-wide: each agent once (`instance_wide_counts`). The inventory (queues,
    routing profiles and their queues) on INVENTORY_INTERVAL_MINUTES minutes, as the function does."""
    import tests.lambdas.support  # noqa: F401  (sets the functions' environment before they are imported)
    from flink_app.outputs import AGENT_STATE_MEASURES
    from lambdas.common.connect_api import CurrentMetrics, QueueSummary, RoutingProfileQueue, RoutingProfileSummary
    from lambdas.persist_instance_data import Collection, inventory_records, is_inventory_minute, metric_records

    instance_id = _last(center.instance_arn)
    queues = [QueueSummary(_last(q.arn), q.name) for q in center.queues]
    profiles = [RoutingProfileSummary(_last(p.arn), p.name) for p in center.routing_profiles]
    profile_queues = [
        RoutingProfileQueue(_last(p.arn), _last(q.arn), q.name, channel, 1, 0)
        for p in center.routing_profiles
        for q in p.queues
        for channel in q.channels
    ]
    instance_wide = instance_wide_counts(lines, center.instance_arn)
    by_minute: dict[datetime, list[Row]] = {}
    for row in job_rows:
        if row.table == "agent_state_by_queue" and row.time.second == 0:
            assert row.dimensions["instance_id"] == instance_id, "the simulated center is not the job's input"
            by_minute.setdefault(row.time, []).append(row)
    written: list[Row] = []
    for minute, snapshot in sorted(by_minute.items()):
        collection = Collection(instance_id=instance_id, at=minute, inventory=is_inventory_minute(minute, 15))
        collection.queues, collection.routing_profiles = queues, profiles
        collection.routing_profile_queues = profile_queues if collection.inventory else []
        staffed = {r.dimensions["queue_id"]: r.measures for r in snapshot}
        for queue in queues:
            agents = staffed.get(queue.id, {})
            voice = {name.upper(): float(agents.get(name, 0)) for name in AGENT_STATE_MEASURES}
            voice |= {"CONTACTS_IN_QUEUE": 1.0, "OLDEST_CONTACT_AGE": 12.0}
            chat = {k: float(int(v) // 2) for k, v in voice.items()}
            collection.queue_metrics += [
                CurrentMetrics(queue.id, "VOICE", voice),
                CurrentMetrics(queue.id, "CHAT", chat),
            ]
        wide = {name.upper(): float(v) for name, v in instance_wide.get(minute, {}).items()}
        collection.instance_metrics = [CurrentMetrics(None, None, wide)] if wide else []
        written += records.from_write_requests("instance_metrics", metric_records(collection, version=1))
        written += records.from_write_requests("instance_inventory", inventory_records(collection, version=1))
    return written


@pytest.fixture(scope="session")
def lambda_rows(job_run: JobRun, topology: Any, stream_records: list[Arrival]) -> list[Row]:
    return connect_current_rows(job_run.rows, topology, [r.data for r in stream_records])


@pytest.fixture(scope="session")
def engine(
    tmp_path_factory: pytest.TempPathFactory, job_run: JobRun, lambda_rows: list[Row], history_bucket: Path
) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    timestream.load_tables(
        con, datasources.TIMESTREAM_DATABASE, job_run.rows + lambda_rows, records.job_table_columns()
    )
    athena.load_ctr_table(con, history_bucket, tmp_path_factory.mktemp("athena"))
    yield con
    con.close()


@pytest.fixture(scope="session")
def data_end(job_run: JobRun) -> datetime:
    return newest_snapshot_plus_30_s(job_run.rows)


@dataclass(frozen=True)
class InfluxRun:
    """A real InfluxDB holding what the job's InfluxDB sink wrote over the simulated hour."""

    url: str
    database: str
    rows: list[Row]  # the same run's output records (its final state is what InfluxDB holds)
    data_end: datetime


@pytest.fixture(scope="session")
def influx_run(tmp_path_factory: pytest.TempPathFactory, stream_records: list[Arrival]) -> Iterator[InfluxRun]:
    """The real job over the simulated hour, written by its real InfluxDB sink into a real influxd (~30 s)."""
    from flink_app.config import properties_document
    from local_stack.influxdb import INFLUXD, InfluxDbServer

    if not INFLUXD.exists():
        pytest.fail(f"{INFLUXD} is missing: run `make influxdb` (make test does)")
    work = tmp_path_factory.mktemp("influxdb-job")
    refused = work / "influxdb-refused.jsonl"
    with InfluxDbServer(work / "influxd") as server:
        sink = {"types": "influxdb", "influxdb.url": server.url, "influxdb.dead_letter.path": str(refused)}
        properties = work / "properties.json"
        properties.write_text(json.dumps(properties_document({"sink": sink})))
        output = replay(work, stream_records, "--properties", str(properties), "--write-stores")
        assert not refused.exists(), f"InfluxDB refused points: {refused.read_text()[:2000]}"
        rows = records.from_replay_dir(output)
        yield InfluxRun(server.url, server.database, rows, newest_snapshot_plus_30_s(rows))


JOB_FIXTURES = {"job_run", "engine", "lambda_rows", "data_end", "influx_run"}


@pytest.fixture(scope="session")
def inventory_columns() -> dict[str, dict[str, Any]]:
    """Columns of each instance_inventory item as persist_instance_data's `inventory_records` builds them."""
    import tests.lambdas.support  # noqa: F401
    from lambdas.common.connect_api import (
        QueueSummary,
        RoutingProfileQueue,
        RoutingProfileSummary,
        UserContact,
        UserCurrentData,
        UserSummary,
    )
    from lambdas.persist_instance_data import Collection, inventory_records

    at = START
    collection = Collection(instance_id="i", at=at, inventory=True)
    collection.queues = [QueueSummary("q", "Q")]
    collection.routing_profiles = [RoutingProfileSummary("p", "P")]
    collection.routing_profile_queues = [RoutingProfileQueue("p", "q", "Q", "VOICE", 1, 0)]
    collection.users = [UserSummary("u", "user")]
    contact = UserContact("c", "VOICE", "CONNECTED", "q", at)
    collection.user_data = [UserCurrentData("u", "p", "Available", at, "Lunch", (contact,), 1, 0, 1)]
    return {
        r.measure_name: {"dimensions": r.dimensions, "measures": r.measures}
        for r in records.from_write_requests("instance_inventory", inventory_records(collection, version=1))
    }


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need the job's run (one Flink mini-cluster per session) are integration tests;
    `pytest tests/grafana -m "not integration"` runs the rest in seconds."""
    for item in items:
        if JOB_FIXTURES & set(getattr(item, "fixturenames", ())) and "tests/grafana" in item.nodeid:
            item.add_marker(pytest.mark.integration)

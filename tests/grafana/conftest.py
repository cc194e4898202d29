"""One simulated hour of Connect traffic, fed to everything the dashboards read, once per session:

- the real job (`python -m flink_app replay`, the same graph as live) -> agent_state_by_queue and
  queue_contact_metrics records, loaded into a local Timestream (DuckDB) with Timestream's upsert semantics;
- Connect's own figures as persist_instance_data writes them (its real `metric_records`), for the minutes the
  job covers -> instance_metrics;
- the same stream records through the Terraform's Firehose layout -> CTR files -> the Glue table in DuckDB.

If the job's replay output has no queue_contact_metrics rows (the job before issue 3's contact metrics), those
rows are built from the issue 3 contract by the independent reference (tests/reference.py) instead, and every
test that reads them warns so (`ContractRecordsUsed`): nothing is skipped silently.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


@pytest.fixture(scope="session")
def stream_records() -> list[Arrival]:
    return simulated_history(START, HOURS, seed=7, agents=30, queues=4)


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


@pytest.fixture(scope="session")
def job_run(tmp_path_factory: pytest.TempPathFactory, stream_records: list[Arrival]) -> JobRun:
    """The real job over the simulated hour (one JVM for the whole session, ~30 s)."""
    work = tmp_path_factory.mktemp("job")
    source = work / "stream.jsonl"
    source.write_text("".join(r.data + "\n" for r in stream_records))
    output = work / "out"
    command = [sys.executable, "-m", "flink_app", "replay", "--input", str(source), "--output", str(output)]
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
    rows = records.from_replay_dir(output)
    if not any(r.table == "agent_state_by_queue" for r in rows):
        pytest.fail(f"the job wrote no agent_state_by_queue records for {source}")
    contact_from = "job"
    if not any(r.table == "queue_contact_metrics" for r in rows):
        contact_from = (
            "contract: the job's replay wrote no queue_contact_metrics records, so they were built from the "
            "issue 3 contract by tests/reference.py"
        )
        rows += _contract_contact_rows([r.data for r in stream_records])
    return JobRun(rows, contact_from, output)


def connect_current_rows(job_rows: list[Row]) -> list[Row]:
    """instance_metrics as persist_instance_data writes them (its own `metric_records`), one run per minute the
    job covers. The figures are the job's snapshot at that minute (VOICE) and a smaller CHAT row, so the
    dashboards' job-vs-Connect cross-check has a known answer: they agree."""
    import tests.lambdas.support  # noqa: F401  (sets the functions' environment before they are imported)
    from lambdas.common.connect_api import CurrentMetrics, QueueSummary
    from lambdas.persist_instance_data import Collection, metric_records

    by_minute: dict[datetime, list[Row]] = {}
    for row in job_rows:
        if row.table == "agent_state_by_queue" and row.time.second == 0:
            by_minute.setdefault(row.time, []).append(row)
    written: list[Row] = []
    for minute, snapshot in sorted(by_minute.items()):
        queues = {r.dimensions["queue_id"]: r.dimensions["queue_name"] for r in snapshot}
        collection = Collection(instance_id=snapshot[0].dimensions["instance_id"], at=minute, inventory=False)
        collection.queues = [QueueSummary(q, name) for q, name in sorted(queues.items())]
        for r in snapshot:
            m = r.measures
            voice = {name.upper(): float(m.get(name, 0)) for name in m}
            voice |= {"CONTACTS_IN_QUEUE": 1.0, "OLDEST_CONTACT_AGE": 12.0}
            chat = {k: float(int(v) // 2) for k, v in voice.items()}
            collection.queue_metrics += [
                CurrentMetrics(r.dimensions["queue_id"], "VOICE", voice),
                CurrentMetrics(r.dimensions["queue_id"], "CHAT", chat),
            ]
        written += records.from_write_requests("instance_metrics", metric_records(collection, version=1))
    return written


@pytest.fixture(scope="session")
def lambda_rows(job_run: JobRun) -> list[Row]:
    return connect_current_rows(job_run.rows)


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
    """The dashboards' "now" in the tests: just after the newest agent snapshot."""
    newest = max(r.time for r in job_run.rows if r.table == "agent_state_by_queue")
    return newest + timedelta(seconds=30)


JOB_FIXTURES = {"job_run", "engine", "lambda_rows", "data_end"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need the job's run (one Flink mini-cluster per session) are integration tests;
    `pytest tests/grafana -m "not integration"` runs the rest in seconds."""
    for item in items:
        if JOB_FIXTURES & set(getattr(item, "fixturenames", ())) and "tests/grafana" in item.nodeid:
            item.add_marker(pytest.mark.integration)

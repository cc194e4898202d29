"""Sink faults: the real Timestream sink, driven from PyFlink SQL, through a fault-injecting proxy to moto.

The proxy (`fault_proxy.py`) throttles, answers 500, drops connections and answers too late, on a seeded
schedule; the sink must retry until every row is stored exactly as written. moto stores every request as
sent (duplicates from retries included, CommonAttributes not merged), so the checks rebuild Timestream's view
from moto's request recording: per time + dimensions, the record with the highest version.
"""

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from flink_app.timestream_sink import TimestreamSink
from local_stack.moto_server import MotoServer
from tests.moto_timestream import CREDENTIALS, DATABASE, REGION, MotoTimestream
from tests.reliability.fault_proxy import FAULTS, FaultProxy, fault_schedule

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
JAR = REPO_ROOT / "connectors" / "target" / "connect-monitor-connectors.jar"
MOTO_SERVER = REPO_ROOT / ".venv" / "bin" / "moto_server"
T0 = datetime(2026, 11, 24, 9, tzinfo=UTC)
SEED = 20261124
QUEUES = 20
MINUTES = 15  # QUEUES x MINUTES = 300 rows, plus 30 corrections with a higher version
REQUEST_TIMEOUT = timedelta(seconds=1)
SLOW = 2.5  # seconds: beyond the sink's request timeout
COLUMNS = [
    ("instance_id", "STRING"),
    ("queue_id", "STRING"),
    ("queue_name", "STRING"),
    ("time", "TIMESTAMP(3)"),
    ("version", "BIGINT"),
    ("agents_online", "BIGINT"),
    ("avg_wait", "DOUBLE"),
    ("status", "STRING"),
]


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoTimestream]:
    for path, fix in ((MOTO_SERVER, "run `make venv`"), (JAR, "build it with `make build`")):
        if not path.exists():
            pytest.fail(f"{path} is missing: {fix}")
    with MotoServer(tmp_path_factory.mktemp("moto")) as server:
        yield MotoTimestream(server.url, server.recording)


def expected_rows() -> dict[tuple[str, str], dict[str, Any]]:
    """(queue_id, epoch ms) -> the row that must win: 300 rows, 30 of them later corrected with version 2."""
    rows = {}
    for minute in range(MINUTES):
        for q in range(QUEUES):
            at = T0 + timedelta(minutes=minute)
            corrected = minute % 5 == 0 and q % 10 == 0
            rows[(f"q-{q:02d}", str(int(at.timestamp() * 1000)))] = {
                "queue_name": f"Queue {q} ✓",
                "time": at,
                "version": 2 if corrected else 1,
                "agents_online": q + minute + (100 if corrected else 0),
                "avg_wait": round(q * 1.5 + minute / 4, 2),
                "status": "corrected" if corrected else "first",
            }
    return rows


def write_input(path: Path) -> Path:
    """Every row at version 1, then the corrections at version 2 (the same point, other values), as JSON Lines.

    (A file source, not an `INSERT ... VALUES` of 330 rows, which takes Flink's planner about a minute.)"""
    lines = []
    corrections = []
    for (queue_id, _), row in expected_rows().items():
        for version in range(1, row["version"] + 1):
            final = version == row["version"]
            document = {
                "instance_id": "i-1",
                "queue_id": queue_id,
                "queue_name": row["queue_name"],
                "time": f"{row['time']:%Y-%m-%d %H:%M:%S}",
                "version": version,
                "agents_online": row["agents_online"] if final else row["agents_online"] - 100,
                "avg_wait": row["avg_wait"],
                "status": row["status"] if final else "first",
            }
            (lines if version == 1 else corrections).append(json.dumps(document, ensure_ascii=False))
    path.write_text("\n".join(lines + corrections) + "\n", encoding="utf-8")
    return path


def final_state(requests: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Timestream's view: CommonAttributes merged, one record per (queue, time), the highest version wins."""
    state: dict[tuple[str, str], dict[str, Any]] = {}
    for request in requests:
        common = request.get("CommonAttributes", {})
        for record in request["Records"]:
            dimensions = {d["Name"]: d["Value"] for d in common.get("Dimensions", []) + record.get("Dimensions", [])}
            merged = {**common, **record, "Dimensions": dimensions}
            merged["MeasureValues"] = {m["Name"]: (m["Type"], m["Value"]) for m in record["MeasureValues"]}
            key = (dimensions["queue_id"], merged["Time"])
            if key not in state or merged.get("Version", 1) > state[key].get("Version", 1):
                state[key] = merged
    return state


def run_insert(sink: TimestreamSink, source: Path) -> float:
    from pyflink.table import EnvironmentSettings, TableEnvironment

    t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    config = t_env.get_config()
    config.set("pipeline.jars", JAR.as_uri())
    config.set("parallelism.default", "1")
    config.set("table.local-time-zone", "UTC")
    columns = ", ".join(f"`{name}` {sql_type}" for name, sql_type in COLUMNS)
    t_env.execute_sql(
        f"CREATE TEMPORARY TABLE rows_in ({columns}) WITH "
        f"('connector' = 'filesystem', 'path' = '{source}', 'format' = 'json')"
    )
    t_env.execute_sql(sink.create_table_sql("ts_out", COLUMNS))
    started = time.monotonic()
    t_env.execute_sql("INSERT INTO ts_out SELECT * FROM rows_in").wait(180_000)
    return time.monotonic() - started


def sink_through(proxy: FaultProxy, table: str, dead_letters: Path, **overrides: Any) -> TimestreamSink:
    settings: dict[str, Any] = {
        "retry_max_attempts": 20,  # more than the faults in the schedule: a batch can meet every one and pass
        "retry_initial_backoff": timedelta(milliseconds=10),
        "retry_max_backoff": timedelta(milliseconds=100),
        "request_timeout": REQUEST_TIMEOUT,
        "batch_max_size": 25,
        "max_inflight_requests": 2,
        "flush_buffer_timeout": timedelta(milliseconds=100),
        **overrides,
    }
    return TimestreamSink(
        database=DATABASE,
        table=table,
        region=REGION,
        endpoint=proxy.url,
        access_key_id=CREDENTIALS["aws_access_key_id"],
        secret_access_key=CREDENTIALS["aws_secret_access_key"],
        measure_name="queue_state",
        dimension_columns=("instance_id", "queue_id", "queue_name"),
        time_column="time",
        version_column="version",
        dead_letter_path=str(dead_letters),
        **settings,
    )


def assert_landed_as_written(state: dict[tuple[str, str], dict[str, Any]], expected: dict) -> None:
    assert set(state) == set(expected), "every (queue, time) point is stored, and nothing else"
    for key, row in expected.items():
        record = state[key]
        assert record["Dimensions"] == {"instance_id": "i-1", "queue_id": key[0], "queue_name": row["queue_name"]}
        assert record["Version"] == row["version"]
        assert record["MeasureValues"] == {
            "agents_online": ("BIGINT", str(row["agents_online"])),
            "avg_wait": ("DOUBLE", repr(row["avg_wait"])),
            "status": ("VARCHAR", row["status"]),
        }, key


def test_throttling_5xx_dropped_and_slow_answers_lose_nothing(moto: MotoTimestream, tmp_path: Path) -> None:
    table = "faults"
    moto.create_table(table)
    counts = {"throttle": 4, "server_error": 3, "drop": 3, "slow": 2}
    schedule = fault_schedule(SEED, counts, passes=6)
    dead_letters = tmp_path / "dead-letters.jsonl"
    with FaultProxy(moto.url, schedule, slow_seconds=SLOW) as proxy:
        elapsed = run_insert(sink_through(proxy, table, dead_letters), write_input(tmp_path / "rows.jsonl"))
        time.sleep(SLOW)  # let the last late (slow) write land before reading moto
    log = proxy.log
    first = log.timeline[0][0]
    writes_took = log.timeline[-1][0] - first

    assert dict(log.injected) == counts, "the proxy injected every fault of the schedule"
    assert set(log.injected) == set(FAULTS)
    sent_batches = {body for body in log.request_bodies}
    assert log.write_requests >= len(sent_batches) + sum(counts.values()) - counts["slow"], "every fault was retried"
    assert log.write_requests > len(sent_batches), "more requests than batches: retries happened"
    assert_landed_as_written(final_state(moto.write_requests(table)), expected_rows())
    assert not dead_letters.exists(), "a transient fault never dead-letters a record"
    print(
        f"\nsink faults: {len(expected_rows())} points ({len(sent_batches)} distinct batches) written through "
        f"{log.write_requests} WriteRecords calls with {dict(log.injected)} injected, first to last call "
        f"{writes_took:.1f} s (job {elapsed:.1f} s with start-up); "
        f"moto holds {len(moto.stored(table))} raw records (duplicates from late writes included)"
    )


def test_rejected_records_go_to_the_dead_letter_file_and_the_rest_is_stored(
    moto: MotoTimestream, tmp_path: Path
) -> None:
    table = "rejections"
    moto.create_table(table)
    rejected_queues = {"q-03", "q-17"}
    dead_letters = tmp_path / "dead-letters-{subtask}.jsonl"
    with FaultProxy(
        moto.url,
        fault_schedule(SEED, {"throttle": 2}, passes=2),
        reject_where=lambda d: d["queue_id"] in rejected_queues,
    ) as proxy:
        run_insert(sink_through(proxy, table, dead_letters), write_input(tmp_path / "rows.jsonl"))

    expected = expected_rows()
    rejected = {k for k in expected if k[0] in rejected_queues}
    letters = [json.loads(line) for line in (tmp_path / "dead-letters-0.jsonl").read_text().splitlines()]
    # Both versions of a corrected point are rejected (each write separately), so count writes, not points.
    rejected_writes = sum(expected[k]["version"] for k in rejected)
    assert len(letters) == len(proxy.log.rejected_records) == rejected_writes
    for letter in letters:
        assert (letter["source"], letter["database"], letter["table"]) == ("service", DATABASE, table)
        assert letter["reason"] == proxy.reject_reason and letter["existingVersion"] == 2
        assert letter["record"]["dimensions"]["queue_id"] in rejected_queues
    assert {(x["record"]["dimensions"]["queue_id"], str(x["record"]["time"])) for x in letters} == rejected
    state = final_state(moto.write_requests(table))
    assert_landed_as_written(state, {k: v for k, v in expected.items() if k not in rejected})

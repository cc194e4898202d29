"""Sink faults: the real sinks (Timestream, InfluxDB), driven from PyFlink SQL, through a fault-injecting proxy
to the real local server (moto's Timestream, influxd).

The proxy (`fault_proxy.py`) throttles, answers 500, drops connections and answers too late, on a seeded
schedule; the sink must retry until every row is stored exactly as written. Each test runs once per store,
against that store's own view of what it holds:

- Timestream: moto stores every request as sent (duplicates from retries included, CommonAttributes not
  merged), so the checks rebuild Timestream's view from moto's request recording: per time + dimensions, the
  record with the highest version.
- InfluxDB: influxd is queried (InfluxQL over HTTP); it keeps one point per series and time, the last write.
"""

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from flink_app.async_sink import AsyncSinkSettings
from flink_app.influxdb_sink import InfluxDbSink
from flink_app.timestream_sink import TimestreamSink
from local_stack.influxdb import InfluxDbServer
from local_stack.moto_server import MotoServer
from tests.moto_timestream import CREDENTIALS, DATABASE, REGION, MotoTimestream
from tests.reliability.fault_proxy import FAULTS, INFLUXDB, TIMESTREAM, FaultProxy, fault_schedule

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


SINK_SETTINGS: dict[str, Any] = {
    "retry_max_attempts": 20,  # more than the faults in the schedule: a batch can meet every one and pass
    "retry_initial_backoff": timedelta(milliseconds=10),
    "retry_max_backoff": timedelta(milliseconds=100),
    "request_timeout": REQUEST_TIMEOUT,
    "batch_max_size": 25,
    "max_inflight_requests": 2,
    "flush_buffer_timeout": timedelta(milliseconds=100),
}
DIMENSIONS = ("instance_id", "queue_id", "queue_name")

# A stored point, whatever the store: dimensions, typed measures, and the version where the store keeps one.
Stored = dict[str, Any]


class TimestreamStore:
    """moto's Timestream: the view rebuilt from its request recording (see the module docstring)."""

    name = TIMESTREAM
    keeps_versions = True
    slow_lands_late = True  # a late write of an older version is refused by the version check

    def __init__(self, moto: MotoTimestream) -> None:
        self.moto = moto
        self.url = moto.url

    def create_table(self, table: str) -> None:
        self.moto.create_table(table)

    def sink(self, url: str, table: str, dead_letters: Path) -> TimestreamSink:
        return TimestreamSink(
            database=DATABASE,
            table=table,
            region=REGION,
            endpoint=url,
            access_key_id=CREDENTIALS["aws_access_key_id"],
            secret_access_key=CREDENTIALS["aws_secret_access_key"],
            measure_name="queue_state",
            dimension_columns=DIMENSIONS,
            time_column="time",
            version_column="version",
            dead_letter_path=str(dead_letters),
            **SINK_SETTINGS,
        )

    def final_state(self, table: str) -> dict[tuple[str, str], Stored]:
        """Timestream's view: CommonAttributes merged, one record per (queue, time), the highest version wins."""
        state: dict[tuple[str, str], Stored] = {}
        for request in self.moto.write_requests(table):
            common = request.get("CommonAttributes", {})
            for record in request["Records"]:
                dimensions = {
                    d["Name"]: d["Value"] for d in common.get("Dimensions", []) + record.get("Dimensions", [])
                }
                merged = {**common, **record}
                values = {m["Name"]: (m["Type"], m["Value"]) for m in record["MeasureValues"]}
                assert values["agents_online"][0] == "BIGINT" and values["avg_wait"][0] == "DOUBLE"
                assert values["status"][0] == "VARCHAR"
                point = {
                    "dimensions": dimensions,
                    "version": merged.get("Version", 1),
                    "measures": {
                        "agents_online": int(values["agents_online"][1]),
                        "avg_wait": float(values["avg_wait"][1]),
                        "status": values["status"][1],
                    },
                }
                key = (dimensions["queue_id"], merged["Time"])
                if key not in state or point["version"] > state[key]["version"]:
                    state[key] = point
        return state

    def raw_count(self, table: str) -> int:
        return len(self.moto.stored(table))

    def letter_key(self, letter: dict[str, Any]) -> tuple[str, str]:
        assert (letter["source"], letter["database"], letter["table"]) == ("service", DATABASE, letter["table"])
        assert letter["existingVersion"] == 2
        return letter["record"]["dimensions"]["queue_id"], str(letter["record"]["time"])


class InfluxDbStore:
    """influxd: what it answers to InfluxQL."""

    name = INFLUXDB
    keeps_versions = False  # InfluxDB keeps the last write of a series and time
    # No version refuses a stale write that overtakes its correction: a limit of the store, documented in
    # connectors/README.md ("Versions"), not something a sink can test away. The retry and duplicate are tested.
    slow_lands_late = False

    def __init__(self, server: InfluxDbServer) -> None:
        self.server = server
        self.url = server.url

    def create_table(self, table: str) -> None:
        """A measurement needs no creating; an earlier test's points of it would count, so none may exist."""
        assert table not in self.server.measurements()

    def sink(self, url: str, table: str, dead_letters: Path) -> InfluxDbSink:
        return InfluxDbSink(
            url=url,
            database=self.server.database,
            measurement=table,
            tag_columns=DIMENSIONS,
            time_column="time",
            version_column="version",
            dead_letter_path=str(dead_letters),
            **SINK_SETTINGS,
        )

    def final_state(self, table: str) -> dict[tuple[str, str], Stored]:
        return {
            (p.tags["queue_id"], str(int(p.time.timestamp() * 1000))): {
                "dimensions": p.tags,
                "version": None,
                "measures": p.fields,
            }
            for p in self.server.points(table)
        }

    def raw_count(self, table: str) -> int:
        return len(self.server.points(table))

    def letter_key(self, letter: dict[str, Any]) -> tuple[str, str]:
        assert (letter["source"], letter["database"], letter["status"]) == ("server", self.server.database, 400)
        return letter["line"].split("queue_id=", 1)[1].split(",", 1)[0], str(letter["time"])


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoTimestream]:
    for path, fix in ((MOTO_SERVER, "run `make venv`"), (JAR, "build it with `make build`")):
        if not path.exists():
            pytest.fail(f"{path} is missing: {fix}")
    with MotoServer(tmp_path_factory.mktemp("moto")) as server:
        yield MotoTimestream(server.url, server.recording)


@pytest.fixture(params=[TIMESTREAM, INFLUXDB])
def store(request: pytest.FixtureRequest) -> TimestreamStore | InfluxDbStore:
    if request.param == TIMESTREAM:
        return TimestreamStore(request.getfixturevalue("moto"))
    return InfluxDbStore(request.getfixturevalue("influxdb"))


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


def run_insert(sink: AsyncSinkSettings, source: Path) -> float:
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
    t_env.execute_sql(sink.create_table_sql("sink_out", COLUMNS))
    started = time.monotonic()
    t_env.execute_sql("INSERT INTO sink_out SELECT * FROM rows_in").wait(180_000)
    return time.monotonic() - started


def assert_landed_as_written(store: TimestreamStore | InfluxDbStore, state: dict, expected: dict) -> None:
    assert set(state) == set(expected), "every (queue, time) point is stored, and nothing else"
    for key, row in expected.items():
        point = state[key]
        assert point["dimensions"] == {"instance_id": "i-1", "queue_id": key[0], "queue_name": row["queue_name"]}
        if store.keeps_versions:
            assert point["version"] == row["version"]
        want = {"agents_online": row["agents_online"], "avg_wait": row["avg_wait"], "status": row["status"]}
        assert point["measures"] == want, key


def test_throttling_5xx_dropped_and_slow_answers_lose_nothing(store, tmp_path: Path) -> None:
    table = "faults"
    store.create_table(table)
    counts = {"throttle": 4, "server_error": 3, "drop": 3, "slow": 2}
    schedule = fault_schedule(SEED, counts, passes=6)
    dead_letters = tmp_path / "dead-letters.jsonl"
    with FaultProxy(
        store.url, schedule, slow_seconds=SLOW, store=store.name, slow_lands_late=store.slow_lands_late
    ) as proxy:
        elapsed = run_insert(store.sink(proxy.url, table, dead_letters), write_input(tmp_path / "rows.jsonl"))
        time.sleep(SLOW)  # let the last late (slow) write land before reading the store
    log = proxy.log
    first = log.timeline[0][0]
    writes_took = log.timeline[-1][0] - first

    assert dict(log.injected) == counts, "the proxy injected every fault of the schedule"
    assert set(log.injected) == set(FAULTS)
    sent_batches = {body for body in log.request_bodies}
    assert log.write_requests >= len(sent_batches) + sum(counts.values()) - counts["slow"], "every fault was retried"
    assert log.write_requests > len(sent_batches), "more requests than batches: retries happened"
    assert_landed_as_written(store, store.final_state(table), expected_rows())
    assert not dead_letters.exists(), "a transient fault never dead-letters a record"
    print(
        f"\nsink faults ({store.name}): {len(expected_rows())} points ({len(sent_batches)} distinct batches) written "
        f"through {log.write_requests} write calls with {dict(log.injected)} injected, first to last call "
        f"{writes_took:.1f} s (job {elapsed:.1f} s with start-up); the store holds {store.raw_count(table)} raw "
        "records (Timestream: duplicates from late writes included)"
    )


def test_rejected_records_go_to_the_dead_letter_file_and_the_rest_is_stored(store, tmp_path: Path) -> None:
    table = "rejections"
    store.create_table(table)
    rejected_queues = {"q-03", "q-17"}
    dead_letters = tmp_path / "dead-letters-{subtask}.jsonl"
    with FaultProxy(
        store.url,
        fault_schedule(SEED, {"throttle": 2}, passes=2),
        reject_where=lambda d: d["queue_id"] in rejected_queues,
        store=store.name,
    ) as proxy:
        run_insert(store.sink(proxy.url, table, dead_letters), write_input(tmp_path / "rows.jsonl"))

    expected = expected_rows()
    rejected = {k for k in expected if k[0] in rejected_queues}
    letters = [json.loads(line) for line in (tmp_path / "dead-letters-0.jsonl").read_text().splitlines()]
    # Both versions of a corrected point are rejected (each write separately), so count writes, not points.
    rejected_writes = sum(expected[k]["version"] for k in rejected)
    assert len(letters) == rejected_writes
    assert {json.dumps(r, sort_keys=True) for r in proxy.log.rejected_records} and all(
        proxy.reject_reason in letter["reason"] for letter in letters
    ), "each letter carries the store's own reason"
    assert {store.letter_key(letter) for letter in letters} == rejected
    assert_landed_as_written(store, store.final_state(table), {k: v for k, v in expected.items() if k not in rejected})

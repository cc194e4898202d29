"""What Timestream keeps of the job's output (per key, the highest version), compared with the reference."""

from typing import Any

from flink_app.outputs import TABLES
from local_stack.influxdb import InfluxDbServer
from local_stack.timestream import WrittenRecord, final_state
from tests import reference


def latest(records: list[dict[str, Any]], dimensions: tuple[str, ...]) -> dict[tuple, dict[str, Any]]:
    """Final state: per time and dimensions, the record with the highest version."""
    state: dict[tuple, dict[str, Any]] = {}
    for record in records:
        key = (record["time"], *(record["dimensions"][d] for d in dimensions))
        if key not in state or record["version"] > state[key]["version"]:
            state[key] = record
    return state


def agent_state(records: list[dict[str, Any]]) -> dict[tuple, dict[str, Any]]:
    """(time, instance_id, queue_id) -> {"queue_name", "measures"}, as `reference.agent_state_by_queue`."""
    return {
        key: {"queue_name": r["dimensions"]["queue_name"], "measures": r["measures"]}
        for key, r in latest(records, ("instance_id", "queue_id")).items()
    }


def contact_state(records: list[dict[str, Any]], table: str = "queue_contact_metrics") -> dict[tuple, dict[str, Any]]:
    """(time, instance_id, queue_id, channel) -> {"queue_name", "measures"}, as `reference.queue_contact_metrics`
    (or its rolling and daily views). Documents of other tables (print-sink output carries `table`) are skipped."""
    mine = [r for r in records if r.get("table", table) == table]
    return {
        key: {"queue_name": r["dimensions"]["queue_name"], "measures": r["measures"]}
        for key, r in latest(mine, ("instance_id", "queue_id", "channel")).items()
    }


def agent_state_matches_reference(records: list[dict[str, Any]], lines: list[str]) -> None:
    """Replay output: every row equals the reference, one row per boundary and queue, version 1; the rows
    the job stops short of at the end of the input are zeros after its last row."""
    actual = agent_state(records)
    assert all(r["version"] == 1 for r in records), "snapshots are written once, final"
    assert len(actual) == len(records), "exactly one row per boundary and queue"
    last: dict[str, str] = {}
    for time, instance, _ in actual:
        last[instance] = max(last.get(instance, time), time)
    expected = reference.agent_state_by_queue(lines, until_ms=reference._ms(max(last.values())))
    wrong = {k: (v, expected.get(k)) for k, v in actual.items() if expected.get(k) != v}
    assert not wrong, sorted(wrong.items())[:5]
    missing = {k: v for k, v in expected.items() if k not in actual}
    assert all(k[0] > last[k[1]] for k in missing), sorted(missing)[:5]
    assert all(not any(v["measures"].values()) for v in missing.values()), sorted(missing.items())[:5]


Stored = dict[str, dict[tuple, dict]]  # table -> (time, dimensions but the queue name) -> queue_name, measures


def timestream_tables(records: list[WrittenRecord]) -> Stored:
    """What moto's Timestream keeps: per time and dimensions, the record with the highest version. A dimension
    without a value (the live queue's rows of a queue whose name the job has not seen) is not sent."""
    tables: Stored = {}
    for r in final_state(records).values():
        dims = {d: r.dimensions.get(d, "") for d in TABLES[r.table].dimensions}
        key = (f"{r.time:%Y-%m-%dT%H:%M:%SZ}", *(dims[d] for d in TABLES[r.table].dimensions if d != "queue_name"))
        tables.setdefault(r.table, {})[key] = {"queue_name": dims["queue_name"], "measures": r.measures}
    return tables


def influxdb_tables(server: InfluxDbServer) -> Stored:
    """What InfluxDB keeps: per series and time, the last write. An empty dimension (a queue whose name the job
    has not seen yet) is no tag: InfluxDB refuses empty tag values."""
    tables: Stored = {}
    for name, table in TABLES.items():
        for p in server.points(name):
            tags = {d: p.tags.get(d, "") for d in table.dimensions}
            key = (f"{p.time:%Y-%m-%dT%H:%M:%SZ}", *(tags[d] for d in table.dimensions if d != "queue_name"))
            tables.setdefault(name, {})[key] = {"queue_name": tags["queue_name"], "measures": p.fields}
    return tables

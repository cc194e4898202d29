"""What Timestream keeps of the job's output (per key, the highest version), compared with the reference."""

from typing import Any

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


def influxdb_state(points: list[Any], dimensions: tuple[str, ...]) -> dict[tuple, dict[str, Any]]:
    """What InfluxDB holds (`local_stack.influxdb.Point`s: one per series and time, the last write winning),
    keyed and shaped as `latest` (without the version, which InfluxDB does not keep)."""
    return {
        (f"{p.time:%Y-%m-%dT%H:%M:%SZ}", *(p.tags[d] for d in dimensions)): {"dimensions": p.tags, "measures": p.fields}
        for p in points
    }

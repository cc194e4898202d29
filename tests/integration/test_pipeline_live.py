"""Generator -> kinesis-local -> the real PyFlink job (Kinesis connector, mini-cluster) -> output.

The generator's traffic has every case of Connect's definitions (outbound calls, callbacks, transfers,
rejected and concurrent chats, agent queues, ...) and its contact events on the stream. The job's final
state (highest version per key) must equal the independent references: agent-state snapshots for every
closed boundary (zeros included), the contact metrics of all three views (tumbling windows, a rolling
span other than the default, local days in a zone whose midnight falls inside the run), and the live
queue (exact where no late record can change a row, within the reference's bounds where one can);
every junk record must come out as a dead letter; both stores the job writes to at once, the local Timestream
(moto) and a local InfluxDB (influxd), must hold the same; and a replay of the same records must give the same
figures. Records are sent while the job runs, as Connect sends them
(a backlog read from TRIM_HORIZON is the subject of docs/ARCHITECTURE.md, "Event time").
"""

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from flink_app.config import properties_document
from flink_app.outputs import TABLES
from local_stack.influxdb import InfluxDbServer
from local_stack.timestream import create_tables, final_state, written_records
from tests import reference, reference_queue
from tests.conftest import REPO_ROOT
from tests.final_state import (
    agent_state,
    agent_state_matches_reference,
    contact_state,
    influxdb_tables,
    timestream_tables,
)
from tests.live_job import (
    TIMESTREAM_REGION,
    LiveJob,
    parse_time,
    send,
    send_paced,
    watermark_tick,
    write_properties,
)
from traffic_generator import SimulationConfig, simulate
from traffic_generator.simulation import Emission
from traffic_generator.sinks import KinesisSink

pytestmark = pytest.mark.integration

# Midnight in Pacific/Marquesas (UTC-09:30) is 09:30 UTC: the run's contacts end on both sides of it.
START = datetime(2026, 1, 5, 9, 27, tzinfo=UTC)
TIMEZONE = "Pacific/Marquesas"
ROLLING_S = 300
METRICS = {
    "contact.emit_interval.seconds": "1",
    "contact.rolling.seconds": str(ROLLING_S),
    "contact.daily.timezone": TIMEZONE,
}
CONTACT_VIEWS = ("queue_contact_metrics", "queue_contact_metrics_rolling", "queue_contact_metrics_daily")
WATERMARK_DELAY = timedelta(seconds=5)
TICK_AGENTS = 16
# Event time runs this much faster than wall-clock time while sending: a poll of every shard
# (each 200 ms) then spans ~2 s of event time, within the 5 s the watermark allows.
SPEEDUP = 10.0


STORES = ("timestream", "influxdb")


def test_live_job_matches_the_reference(local_stack, influxdb: InfluxDbServer, tmp_path) -> None:
    config = SimulationConfig(
        start=START,
        duration_seconds=300,
        seed=11,
        agents=30,
        queues=4,
        junk_probability=0.01,
        contact_events_on_stream=True,
    )
    emissions = [e for e in simulate(config)[1] if e.on_stream]
    newest = max(parse_time(json.loads(e.data)["EventTimestamp"]) for e in emissions if e.kind == "agent_event")
    # Queue-less heartbeats on every shard, after everything else, close all earlier windows.
    tick = newest + timedelta(minutes=10)
    ticks = [Emission(tick, "agent_event", f"tick-{i}", watermark_tick(i, tick)) for i in range(TICK_AGENTS)]
    warm_up = [Emission(START, "junk", f"warm-up-{i}", f"warm-up {i}") for i in range(TICK_AGENTS)]
    junk = [e for e in emissions if e.kind == "junk"] + warm_up
    lines = [e.data for e in warm_up + emissions + ticks]
    expected = reference.agent_state_by_queue(lines, until_ms=int((tick - WATERMARK_DELAY).timestamp() * 1000) - 1)
    last_boundary = max(t for t, _, _ in expected)
    expected_contacts = reference.queue_contact_metrics(lines)
    expected_views = {
        "queue_contact_metrics": expected_contacts,
        "queue_contact_metrics_rolling": reference.queue_contact_metrics_rolling(lines, rolling_s=ROLLING_S),
        "queue_contact_metrics_daily": reference.queue_contact_metrics_daily(lines, timezone=TIMEZONE),
    }
    days = {k[0] for k in expected_views["queue_contact_metrics_daily"]}
    both_days = {reference.local_midnight(day, TIMEZONE) for day in ("2026-01-04", "2026-01-05")}
    assert days == both_days, "contacts on both sides of the local midnight"

    recording = Path(local_stack.moto_recording)
    properties = write_properties(local_stack, tmp_path, METRICS, influxdb.url)
    create_tables(local_stack.moto_url, TIMESTREAM_REGION, "connect_monitor", TABLES)
    job = LiveJob(properties, tmp_path / "job.log")
    documents = job.documents
    try:
        sink = KinesisSink(local_stack.kinesis_client(), local_stack.stream_name)
        send(sink, warm_up)
        job.wait_for(lambda: any(d["table"] == "dead_letter" for d in documents), "the job reading the stream")
        send_paced(sink, emissions, START, SPEEDUP)
        send(sink, ticks)
        job.wait_for(
            lambda: (
                any(d["table"] == "agent_state_by_queue" and d.get("time") == last_boundary for d in documents)
                and sum(d["table"] == "dead_letter" for d in documents) >= len(junk)
            ),
            f"the snapshot at {last_boundary}",
        )
        job.wait_for(
            lambda: all(contact_state(documents, view) == expected_views[view] for view in CONTACT_VIEWS),
            "contact metrics of every view equal to the reference",
            timeout=60,
        )
        time.sleep(3)  # let the rest of that window's rows through
        job.wait_for(
            lambda: any(r.time == parse_time(last_boundary) for r in written_records(recording)),
            f"the Timestream records of {last_boundary}",
        )
        job.wait_for(
            lambda: any(k[0] == last_boundary for k in influxdb_tables(influxdb).get("agent_state_by_queue", {})),
            f"the InfluxDB points of {last_boundary}",
        )
        time.sleep(3)
        stored = {"timestream": timestream_tables(written_records(recording)), "influxdb": influxdb_tables(influxdb)}
    finally:
        job.stop()

    snapshots = [d for d in documents if d["table"] == "agent_state_by_queue" and d["time"] <= last_boundary]
    actual = agent_state(snapshots)
    assert set(actual) == set(expected), "a row for every queue at every closed boundary, zeros included"
    mismatches = {k: (actual[k], expected[k]) for k in expected if actual[k] != expected[k]}
    assert not mismatches, list(mismatches.items())[:5]
    assert any(not any(v["measures"].values()) for v in actual.values()), "the run has queues at zero"
    for view in CONTACT_VIEWS:
        assert contact_state(documents, view) == expected_views[view], view
    assert_live_queue_within_the_reference(documents, lines, last_boundary)

    # The same figures landed in both stores, through the project's sinks.
    printed_waiting = [d for d in documents if d["table"] == "queue_contacts_waiting" and d["time"] <= last_boundary]
    for store in STORES:
        tables = stored[store]
        snapshots = {k: v for k, v in tables["agent_state_by_queue"].items() if k[0] <= last_boundary}
        assert snapshots == actual, store
        for view in CONTACT_VIEWS:
            assert tables[view] == expected_views[view], (store, view)
        waiting = [k for k in tables["queue_contacts_waiting"] if k[0] <= last_boundary]
        assert waiting and len(waiting) == len(printed_waiting), store
    versions = {
        r.version
        for r in final_state(written_records(recording)).values()
        if r.table == "agent_state_by_queue" and f"{r.time:%Y-%m-%dT%H:%M:%SZ}" <= last_boundary
    }
    assert versions == {1}, "snapshots are written once, final"
    assert not (tmp_path / "timestream-rejected.jsonl").exists()
    assert not (tmp_path / "influxdb-refused.jsonl").exists()

    dead = [d for d in documents if d["table"] == "dead_letter"]
    assert sorted(d["record"] for d in dead) == sorted(e.data for e in junk)
    assert all(d["reason"] for d in dead)

    # A replay of the same records (same job graph, bounded file source) gives the same figures.
    replayed = replay(tmp_path, lines)
    replayed_snapshots = agent_state([r for r in replayed["agent_state_by_queue"] if r["time"] <= last_boundary])
    assert {k: actual[k] for k in replayed_snapshots} == replayed_snapshots
    # Live, zeros go on while the watermark moves; a replay ends each instance at its first all-zero row.
    ended = max(k[0] for k in replayed_snapshots)
    assert all(
        k[0] > ended and not any(v["measures"].values()) for k, v in actual.items() if k not in replayed_snapshots
    )
    agent_state_matches_reference(replayed["agent_state_by_queue"], lines)
    for view in CONTACT_VIEWS:
        assert contact_state(replayed[view], view) == expected_views[view], view


def assert_live_queue_within_the_reference(documents: list[dict], lines: list[str], last_boundary: str) -> None:
    rows = [d for d in documents if d["table"] == "queue_contacts_waiting" and d["time"] <= last_boundary]
    key = ("instance_id", "queue_id", "channel")
    actual = {(r["time"], *(r["dimensions"][d] for d in key)): r for r in rows}
    assert actual and len(actual) == len(rows), "one row per boundary, queue and channel"
    expected = reference_queue.queue_contacts_waiting(lines, until_ms=reference._ms(last_boundary))
    for k, row in actual.items():
        want, got = expected[k], row["measures"]
        assert want.low <= got["contacts_in_queue"] <= want.high, (k, got, want)
        if want.certain:
            assert (got["contacts_in_queue"], got["oldest_contact_age_seconds"]) == (want.low, want.oldest), (k, got)
    certain = sum(expected[k].certain for k in actual)
    assert certain >= 0.9 * len(actual), f"only {certain} of {len(actual)} rows are exact"
    assert any(r["measures"]["contacts_in_queue"] > 0 for r in rows), "contacts waited"
    missing = [k for k in expected if k not in actual and expected[k].high > 0]
    assert not missing, missing[:3]


def replay(tmp_path: Path, lines: list[str]) -> dict[str, list[dict]]:
    source = tmp_path / "replay-input.jsonl"
    source.write_text("\n".join(lines) + "\n")
    properties = tmp_path / "replay-properties.json"
    properties.write_text(json.dumps(properties_document({"metrics": METRICS})))
    output = tmp_path / "replay"
    command = [sys.executable, "-m", "flink_app", "replay", "--input", str(source), "--output", str(output)]
    result = subprocess.run(
        [*command, "--properties", str(properties), "--parallelism", "2"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return {
        name: [json.loads(line) for line in (output / f"{name}.jsonl").read_text().splitlines()]
        for name in ("agent_state_by_queue", *CONTACT_VIEWS)
    }

"""Catch-up after downtime: the job starts from TRIM_HORIZON on a stream that already holds an hour of records on
2 shards, and reads the backlog as fast as it can.

The legacy Kinesis consumer reads each shard on its own thread and counts a shard in the watermark only once it
has emitted a record, so one shard's backlog could be read (and its watermark run ahead) before the other
shard's first record, making that shard's events `too_late` (measured before the fix: 334 to 1,637 of 2,416
agent events, and CTRs beyond the hour's lateness, varying with how the threads were scheduled). The assigners
of one subtask's shards now hold the watermark until every shard has been read (`ShardGroup`). This test holds
the result exact: nothing is refused as too late, every snapshot and every contact window equals the
independent reference over all records (docs/ARCHITECTURE.md, "Event time").
"""

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests import reference
from tests.final_state import agent_state, contact_state
from tests.live_job import LiveJob, create_stream, open_shards, parse_time, print_job_properties, send, ticks_on_shards
from traffic_generator import SimulationConfig, simulate
from traffic_generator.sinks import KinesisSink

pytestmark = pytest.mark.integration

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
WATERMARK_DELAY = timedelta(seconds=5)


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def test_an_hour_of_backlog_on_two_shards_gives_the_reference_figures_and_nothing_late(
    local_stack, tmp_path: Path
) -> None:
    client = local_stack.kinesis_client()
    stream = "catch-up-stream"
    create_stream(client, stream, 2)
    shards = open_shards(client, stream)

    config = SimulationConfig(start=START, duration_seconds=3600, seed=23, agents=30, queues=4, junk_probability=0.005)
    emissions = [e for e in simulate(config)[1] if e.on_stream]
    newest = max(parse_time(json.loads(e.data)["EventTimestamp"]) for e in emissions if e.kind == "agent_event")
    tick = newest + timedelta(minutes=10)
    backlog = emissions + ticks_on_shards(shards, tick)
    lines = [e.data for e in backlog]
    expected = reference.agent_state_by_queue(lines, until_ms=_ms(tick - WATERMARK_DELAY) - 1)
    last_boundary = max(t for t, _, _ in expected)
    expected_contacts = reference.queue_contact_metrics(lines)
    send(KinesisSink(client, stream), backlog)  # written before the job starts

    job = LiveJob(print_job_properties(local_stack, tmp_path, stream), tmp_path / "job.log")
    documents = job.documents
    try:
        job.wait_for(
            lambda: any(d["table"] == "agent_state_by_queue" and d.get("time") == last_boundary for d in documents),
            f"the snapshot at {last_boundary}, the end of the backlog",
            timeout=300,
        )
        job.wait_for(
            lambda: contact_state(documents, "queue_contact_metrics") == expected_contacts,
            "contact windows equal to the reference",
            timeout=60,
        )
    finally:
        job.stop()

    dead = [d for d in documents if d["table"] == "dead_letter"]
    late = Counter(json.loads(d["record"]).get("kind") for d in dead if d["reason"] == "too_late")
    assert not late, f"too late after a catch-up: {dict(late)}"
    assert sorted(d["record"] for d in dead) == sorted(e.data for e in emissions if e.kind == "junk")
    snapshots = [d for d in documents if d["table"] == "agent_state_by_queue" and d["time"] <= last_boundary]
    actual = agent_state(snapshots)
    assert set(actual) == set(expected), "a row for every queue at every closed boundary, none twice"
    mismatches = {k: (actual[k], expected[k]) for k in expected if actual[k] != expected[k]}
    assert not mismatches, list(mismatches.items())[:5]
    print(f"\ncatch-up: {len(lines)} records (1 h, 2 shards) read from TRIM_HORIZON, none too late")

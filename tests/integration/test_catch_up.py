"""Catch-up after downtime: the job starts from TRIM_HORIZON on a stream that already holds an hour of records on
2 shards, and reads the backlog as fast as it can.

The legacy Kinesis consumer reads each shard on its own, as fast as that shard allows, so on a backlog one shard
can be read ahead of the other: the watermark (the minimum over the shards) holds, but the records of the shard
read ahead can make the other shard's agent events late for the snapshot they belong to, which the job then
refuses as `too_late` (dead letters, metric `agentEventsTooLate`). This test measures that, and holds the rest
exact: every snapshot equals the independent reference over the events the job did not refuse (no window lost,
none counted twice), every contact window the reference over all records. It prints the bound it found: how
many agent events came too late and how many snapshot rows differ from the reference over all records, the
error a supervisor would see (docs/ARCHITECTURE.md, "Event time", keeps the figures).
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


def test_an_hour_of_backlog_on_two_shards_is_exact_but_for_the_counted_late_events(local_stack, tmp_path: Path) -> None:
    client = local_stack.kinesis_client()
    stream = "catch-up-stream"
    create_stream(client, stream, 2)
    shards = open_shards(client, stream)

    config = SimulationConfig(start=START, duration_seconds=3600, seed=23, agents=30, queues=4, junk_probability=0.005)
    emissions = [e for e in simulate(config)[1] if e.on_stream]
    newest = max(parse_time(json.loads(e.data)["EventTimestamp"]) for e in emissions if e.kind == "agent_event")
    tick = newest + timedelta(minutes=10)
    ticks = ticks_on_shards(shards, tick)
    lines = [e.data for e in emissions + ticks]
    expected_all = reference.agent_state_by_queue(lines, until_ms=_ms(tick - WATERMARK_DELAY) - 1)
    last_boundary = max(t for t, _, _ in expected_all)
    expected_contacts = reference.queue_contact_metrics(lines)
    send(KinesisSink(client, stream), emissions + ticks)  # the backlog, written before the job starts

    properties = print_job_properties(local_stack, tmp_path, stream)
    job = LiveJob(properties, tmp_path / "job.log")
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
    too_late = [json.loads(d["record"]) for d in dead if d["reason"] == "too_late"]
    assert set(Counter(r["kind"] for r in too_late)) <= {"agent_event"}, "only agent events are ever too late"
    late_ids = {r["EventId"] for r in too_late}
    junk = sorted(e.data for e in emissions if e.kind == "junk")
    assert sorted(d["record"] for d in dead if d["reason"] != "too_late") == junk
    kept = [
        e.data for e in emissions + ticks if not (e.kind == "agent_event" and json.loads(e.data)["EventId"] in late_ids)
    ]
    expected = reference.agent_state_by_queue(kept, until_ms=_ms(tick - WATERMARK_DELAY) - 1)
    snapshots = [d for d in documents if d["table"] == "agent_state_by_queue" and d["time"] <= last_boundary]
    actual = agent_state(snapshots)
    assert set(actual) == set(expected), "a row for every queue at every closed boundary, none twice"
    mismatches = {k: (actual[k], expected[k]) for k in expected if actual[k] != expected[k]}
    assert not mismatches, list(mismatches.items())[:5]

    differ = sum(actual.get(k) != v for k, v in expected_all.items())
    agent_events = sum(e.kind == "agent_event" for e in emissions)
    print(
        f"\ncatch-up: {len(emissions)} records (1 h, 2 shards) read from TRIM_HORIZON; {len(too_late)} of "
        f"{agent_events} agent events too late (dead-lettered); {differ} of {len(expected_all)} snapshot rows "
        "differ from the reference over all records"
    )

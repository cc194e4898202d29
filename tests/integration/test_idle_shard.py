"""A shard without agent events must not hold the watermark back: 4 shards, live, one of them idle.

The agents whose ARN hashes to the last of 4 shards are left out of the generator's traffic, so that shard gets
CTRs (and junk) but never an agent event — a shard no agent hashes to at night, or a new one after a reshard.
Before its first agent event a shard holds the watermark back; with `source/shard.idle.seconds` set low here,
it stops doing so after that much wall-clock time, and the snapshots keep coming: every closed boundary equal
to the reference, the contact windows too, and no record refused as too late.
"""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests import reference
from tests.final_state import agent_state, contact_state
from tests.live_job import (
    LiveJob,
    create_stream,
    open_shards,
    parse_time,
    print_job_properties,
    send,
    send_paced,
    shard_of,
    ticks_on_shards,
)
from traffic_generator import SimulationConfig, simulate
from traffic_generator.simulation import Emission
from traffic_generator.sinks import KinesisSink

pytestmark = pytest.mark.integration

START = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
SHARDS = 4
IDLE_SECONDS = 4  # source/shard.idle.seconds: the default 130 would make the test minutes longer
SPEEDUP = 10.0
WATERMARK_DELAY = timedelta(seconds=5)


def test_a_shard_without_agent_events_does_not_stop_the_snapshots(local_stack, tmp_path: Path) -> None:
    client = local_stack.kinesis_client()
    stream = "idle-shard-stream"
    create_stream(client, stream, SHARDS)
    ranges = open_shards(client, stream)
    idle = ranges[-1][0]

    config = SimulationConfig(start=START, duration_seconds=240, seed=13, agents=40, queues=4, junk_probability=0.01)
    emissions = [
        e
        for e in simulate(config)[1]
        if e.on_stream and not (e.kind == "agent_event" and shard_of(e.partition_key, ranges) == idle)
    ]
    assert sum(e.kind == "ctr" and shard_of(e.partition_key, ranges) == idle for e in emissions) >= 3
    newest = max(parse_time(json.loads(e.data)["EventTimestamp"]) for e in emissions if e.kind == "agent_event")
    tick = newest + timedelta(minutes=10)
    ticks = ticks_on_shards(ranges, tick, skip=frozenset({idle}))
    lines = [e.data for e in emissions + ticks]
    expected = reference.agent_state_by_queue(lines, until_ms=int((tick - WATERMARK_DELAY).timestamp() * 1000) - 1)
    last_boundary = max(t for t, _, _ in expected)
    expected_contacts = reference.queue_contact_metrics(lines)

    properties = print_job_properties(local_stack, tmp_path, stream, **{"shard.idle.seconds": str(IDLE_SECONDS)})
    job = LiveJob(properties, tmp_path / "job.log")
    documents = job.documents
    try:
        sink = KinesisSink(client, stream)
        warm_up = [Emission(START, "junk", f"warm-up-{i}", f"warm-up {i}") for i in range(8)]
        send(sink, warm_up)
        job.wait_for(lambda: any(d["table"] == "dead_letter" for d in documents), "the job reading the stream")
        send_paced(sink, emissions, START, SPEEDUP)
        send(sink, ticks)
        job.wait_for(
            lambda: any(d["table"] == "agent_state_by_queue" and d.get("time") == last_boundary for d in documents),
            f"the snapshot at {last_boundary} although shard {idle} never had an agent event",
        )
        job.wait_for(
            lambda: contact_state(documents, "queue_contact_metrics") == expected_contacts,
            "contact windows equal to the reference",
            timeout=60,
        )
    finally:
        job.stop()

    # The idle shard really had records, and none of them an agent event.
    iterator = client.get_shard_iterator(StreamName=stream, ShardId=idle, ShardIteratorType="TRIM_HORIZON")
    on_idle = client.get_records(ShardIterator=iterator["ShardIterator"], Limit=10_000)["Records"]
    assert on_idle and not any(b'"EventType"' in r["Data"] for r in on_idle)

    snapshots = [d for d in documents if d["table"] == "agent_state_by_queue" and d["time"] <= last_boundary]
    actual = agent_state(snapshots)
    assert set(actual) == set(expected), "a row for every queue at every closed boundary"
    mismatches = {k: (actual[k], expected[k]) for k in expected if actual[k] != expected[k]}
    assert not mismatches, list(mismatches.items())[:5]
    assert not [d for d in documents if d["table"] == "dead_letter" and d["reason"] == "too_late"]

"""A shard split while the job reads: no window lost, none counted twice, and what the legacy consumer makes late
is counted, dead-lettered and nothing else.

2 shards on kinesis-local; the generator's traffic is sent paced while the job runs, and halfway through, shard 0
is split in two (`SplitShard`, as `UpdateShardCount` does under the hood). The parent is closed and its records
stay readable; the legacy consumer discovers the children on its next shard discovery
(`flink.shard.discovery.intervalmillis`, 10 s by default) and reads them from their start. Until then, records
written to the children wait while the other shard moves the watermark on, so some agent events can reach the
job after the snapshot they belong to is final: the job sends those to the dead letters as `too_late`, and they
are the measured limit (docs/ARCHITECTURE.md, "Event time").

The checks are exact either way: every snapshot of every closed boundary equals the independent reference over
the records the job did not refuse (so a lost or doubly counted window fails), every contact window equals the
reference over all records (a CTR is never too late within `contact.allowed_lateness.seconds`), and every
record the job refused is a dead letter with its reason.
"""

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from local_stack.stack import wait_stream_active
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

START = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)
SPEEDUP = 10.0
IDLE_SECONDS = 4  # a closed parent shard must not hold the watermark back for the default 130 s
WATERMARK_DELAY = timedelta(seconds=5)


def test_a_shard_split_while_the_job_reads_loses_and_doubles_nothing(local_stack, tmp_path: Path) -> None:
    client = local_stack.kinesis_client()
    stream = "reshard-stream"
    create_stream(client, stream, 2)

    config = SimulationConfig(start=START, duration_seconds=240, seed=17, agents=40, queues=4, junk_probability=0.01)
    emissions = [e for e in simulate(config)[1] if e.on_stream]
    half = len(emissions) // 2
    newest = max(parse_time(json.loads(e.data)["EventTimestamp"]) for e in emissions if e.kind == "agent_event")
    tick = newest + timedelta(minutes=10)

    properties = print_job_properties(local_stack, tmp_path, stream, **{"shard.idle.seconds": str(IDLE_SECONDS)})
    job = LiveJob(properties, tmp_path / "job.log")
    documents = job.documents
    try:
        sink = KinesisSink(client, stream)
        warm_up = [Emission(START, "junk", f"warm-up-{i}", f"warm-up {i}") for i in range(8)]
        send(sink, warm_up)
        job.wait_for(lambda: any(d["table"] == "dead_letter" for d in documents), "the job reading the stream")
        send_paced(sink, emissions[:half], START, SPEEDUP)
        before = {shard for shard, _, _ in open_shards(client, stream)}
        parent, low, high = open_shards(client, stream)[0]
        client.split_shard(StreamName=stream, ShardToSplit=parent, NewStartingHashKey=str((low + high) // 2 + 1))
        wait_stream_active(client, stream)
        ranges = open_shards(client, stream)
        assert len(ranges) == 3 and parent not in {shard for shard, _, _ in ranges}, ranges
        send_paced(sink, emissions[half:], emissions[half].arrival, SPEEDUP)
        ticks = ticks_on_shards(ranges, tick)
        send(sink, ticks)
        lines = [e.data for e in emissions + ticks]
        last_boundary = max(t for t, _, _ in reference.agent_state_by_queue(lines, until_ms=_ms(tick) - 1))
        expected_contacts = reference.queue_contact_metrics(lines)
        job.wait_for(
            lambda: any(d["table"] == "agent_state_by_queue" and d.get("time") == last_boundary for d in documents),
            f"the snapshot at {last_boundary} after the split",
        )
        job.wait_for(
            lambda: contact_state(documents, "queue_contact_metrics") == expected_contacts,
            "contact windows equal to the reference",
            timeout=60,
        )
    finally:
        job.stop()

    # Records went to the children after the split: the test split a shard that was in use.
    children = {shard for shard, _, _ in ranges} - before
    assert any(shard_of(e.partition_key, ranges) in children for e in emissions[half:])

    dead = [d for d in documents if d["table"] == "dead_letter"]
    # A too-late agent event is dead-lettered as its key fields (kind, instance, agent, EventId, time).
    too_late = [json.loads(d["record"]) for d in dead if d["reason"] == "too_late"]
    junk = sorted(e.data for e in emissions if e.kind == "junk") + [e.data for e in warm_up]
    assert sorted(d["record"] for d in dead if d["reason"] != "too_late") == sorted(junk)
    late_kinds = Counter(r["kind"] for r in too_late)
    assert set(late_kinds) <= {"agent_event"}, f"only agent events are ever too late: {dict(late_kinds)}"
    late_ids = {r["EventId"] for r in too_late}
    assert len(late_ids) == len(too_late), "each refused once"
    kept = [
        e.data for e in emissions + ticks if not (e.kind == "agent_event" and json.loads(e.data)["EventId"] in late_ids)
    ]
    assert len(kept) == len(lines) - len(late_ids), "every refused event is one of the traffic's"
    expected = reference.agent_state_by_queue(kept, until_ms=_ms(tick - WATERMARK_DELAY) - 1)
    snapshots = [d for d in documents if d["table"] == "agent_state_by_queue" and d["time"] <= last_boundary]
    actual = agent_state(snapshots)
    assert set(actual) == set(expected), "a row for every queue at every closed boundary, none twice"
    mismatches = {k: (actual[k], expected[k]) for k in expected if actual[k] != expected[k]}
    assert not mismatches, list(mismatches.items())[:5]
    agent_events = sum(e.kind == "agent_event" for e in emissions)
    print(f"\nreshard: {len(too_late)} of {agent_events} agent events too late after the split (dead-lettered)")


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)

"""A shard split while the job reads: no window lost, none counted twice, nothing too late.

2 shards on kinesis-local; the generator's traffic is sent paced while the job runs, and halfway through, shard 0
is split in two (`SplitShard`, as `UpdateShardCount` does under the hood). The parent is closed and its records
stay readable; the legacy consumer finds the children on its next shard discovery
(`source/shard.discovery.interval.millis`) and reads them from their start. From then on, the children hold the
watermark back until they are read (the assigner's `ShardGroup`); before then, records written to them wait while
the other shard moves the watermark on. So the discovery interval must stay below the out-of-orderness: here
200 ms, 2 s of event time at 10x (the default 1 s is 1 s live, against 5 s). With the connector's 10 s default,
19 of these 200 agent events came too late.

The checks are exact: every snapshot of every closed boundary and every contact window equals the independent
reference over all records (so a lost or doubly counted window fails), nothing is too late, and the dead letters
are exactly the junk records.
"""

import json
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
DISCOVERY_MILLIS = 200  # at 10x, 2 s of event time: below the 5 s out-of-orderness, as the default 1 s is live
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

    source = {"shard.idle.seconds": str(IDLE_SECONDS), "shard.discovery.interval.millis": str(DISCOVERY_MILLIS)}
    properties = print_job_properties(local_stack, tmp_path, stream, **source)
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
    too_late = [d["record"] for d in dead if d["reason"] == "too_late"]
    assert not too_late, f"{len(too_late)} records too late after the split, e.g. {too_late[:3]}"
    junk = sorted(e.data for e in emissions if e.kind == "junk") + [e.data for e in warm_up]
    assert sorted(d["record"] for d in dead) == sorted(junk)
    expected = reference.agent_state_by_queue(lines, until_ms=_ms(tick - WATERMARK_DELAY) - 1)
    snapshots = [d for d in documents if d["table"] == "agent_state_by_queue" and d["time"] <= last_boundary]
    actual = agent_state(snapshots)
    assert set(actual) == set(expected), "a row for every queue at every closed boundary, none twice"
    mismatches = {k: (actual[k], expected[k]) for k in expected if actual[k] != expected[k]}
    assert not mismatches, list(mismatches.items())[:5]


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)

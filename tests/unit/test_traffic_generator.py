"""The traffic generator: realistic, deterministic, and parseable by the shared model."""

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from connect_model import AgentEvent, ContactTraceRecord, RejectedRecord, parse_contact_event, parse_stream_record
from traffic_generator import SimulationConfig, simulate
from traffic_generator.__main__ import main, parse_args
from traffic_generator.simulation import Emission
from traffic_generator.sinks import KinesisSink

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def run(**overrides) -> list[Emission]:
    config = SimulationConfig(start=START, duration_seconds=1800, agents=40, **overrides)
    return list(simulate(config)[1])


def test_same_seed_same_records_and_another_seed_differs() -> None:
    first, second = run(seed=3), run(seed=3)
    assert [e.data for e in first] == [e.data for e in second]
    assert [e.data for e in run(seed=4)] != [e.data for e in first]


def test_every_stream_record_parses_and_covers_the_connect_behaviours() -> None:
    emissions = run(mean_shift_seconds=600)
    agent_events = [parse_stream_record(e.data) for e in emissions if e.kind == "agent_event"]
    ctrs = [parse_stream_record(e.data) for e in emissions if e.kind == "ctr"]
    assert all(isinstance(e, AgentEvent) for e in agent_events)
    assert all(isinstance(c, ContactTraceRecord) for c in ctrs)
    types = Counter(e.event_type.value for e in agent_events)
    assert {"LOGIN", "LOGOUT", "STATE_CHANGE", "HEART_BEAT"} <= set(types)
    states = {c.state for e in agent_events if e.snapshot for c in e.snapshot.contacts}
    assert {"CONNECTING", "CONNECTED", "CONNECTED_ONHOLD", "ENDED", "MISSED"} <= states
    statuses = {e.snapshot.status.name for e in agent_events if e.snapshot}
    assert {"Available", "Offline"} <= statuses and statuses & {"Break", "Lunch", "Training", "Meeting"}
    assert {c.channel for c in ctrs} == {"VOICE", "CHAT", "TASK"}
    assert (
        any(c.handled for c in ctrs) and any(c.queue and not c.handled for c in ctrs) and any(not c.queue for c in ctrs)
    )
    redelivered = Counter(c.contact_id for c in ctrs)
    assert any(n > 1 for n in redelivered.values()), "some CTRs are re-delivered"
    event_ids = Counter(e.event_id for e in agent_events)
    assert any(n > 1 for n in event_ids.values()), "some agent events are duplicated (same EventId)"


def test_redeliveries_carry_a_newer_last_update_timestamp() -> None:
    copies: dict[str, list[ContactTraceRecord]] = {}
    for e in run():
        if e.kind == "ctr":
            record = parse_stream_record(e.data)
            copies.setdefault(record.contact_id, []).append(record)
    for records in copies.values():
        stamps = [r.last_updated for r in records]
        assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_heartbeats_come_only_after_120_seconds_without_another_event() -> None:
    last: dict[str, datetime] = {}
    seen_heartbeat = False
    unique = {a.event_id: a for a in (parse_stream_record(e.data) for e in run() if e.kind == "agent_event")}
    for e in sorted(unique.values(), key=lambda a: a.event_time):
        if e.event_type.value == "HEART_BEAT":
            seen_heartbeat = True
            assert (e.event_time - last[e.agent_arn]).total_seconds() >= 119.999
        last[e.agent_arn] = e.event_time
    assert seen_heartbeat


def test_arrival_order_and_bounded_disorder_of_agent_events() -> None:
    emissions = run()
    arrivals = [e.arrival for e in emissions]
    assert arrivals == sorted(arrivals)
    newest = None
    for e in emissions:
        if e.kind == "agent_event":
            t = parse_stream_record(e.data).event_time
            newest = max(newest or t, t)
            assert (newest - t).total_seconds() <= 2.0


def test_partition_keys_are_agent_arn_and_contact_id() -> None:
    for e in run()[:500]:
        if e.kind == "agent_event":
            assert e.partition_key == json.loads(e.data)["AgentARN"]
        elif e.kind == "ctr":
            assert e.partition_key == json.loads(e.data)["ContactId"]


def test_junk_is_rejected_by_the_model_and_contact_events_parse() -> None:
    emissions = run(junk_probability=0.05)
    junk = [e for e in emissions if e.kind == "junk"]
    assert junk
    for e in junk:
        with pytest.raises(RejectedRecord):
            parse_stream_record(e.data)
    events = [parse_contact_event(json.loads(e.data)) for e in emissions if e.kind == "contact_event"]
    assert {"INITIATED", "QUEUED", "CONNECTED_TO_AGENT", "DISCONNECTED", "COMPLETED"} <= {e.event_type for e in events}


class FlakyKinesis:
    """PutRecords that fails the first record of every first attempt, as a throttled shard does."""

    def __init__(self) -> None:
        self.calls: list[int] = []
        self.delivered: list[bytes] = []

    def put_records(self, StreamName: str, Records: list[dict]) -> dict:
        self.calls.append(len(Records))
        results = []
        for index, record in enumerate(Records):
            if index == 0 and len(self.calls) % 2 == 1:
                results.append({"ErrorCode": "ProvisionedThroughputExceededException"})
            else:
                self.delivered.append(record["Data"])
                results.append({"SequenceNumber": "1"})
        return {"FailedRecordCount": sum("ErrorCode" in r for r in results), "Records": results}


def test_kinesis_sink_batches_at_most_500_and_retries_partial_failures() -> None:
    client = FlakyKinesis()
    sink = KinesisSink(client, "s", batch_size=500)
    emissions = [e for e in run() if e.on_stream][:1200]
    for e in emissions:
        sink.write(e)
    sink.close()
    assert max(client.calls) <= 500
    assert sorted(client.delivered) == sorted(e.data.encode() for e in emissions)
    with pytest.raises(ValueError, match="batch-size"):
        KinesisSink(client, "s", batch_size=501)


def test_cli_writes_jsonl_and_rejects_an_endless_fast_run(tmp_path, capsys) -> None:
    out, events = tmp_path / "records.jsonl", tmp_path / "events.jsonl"
    assert (
        main(
            [
                "--duration",
                "300",
                "--start",
                "2026-01-05T09:00:00Z",
                "--output",
                str(out),
                "--contact-events",
                str(events),
                "--quiet",
            ]
        )
        == 0
    )
    lines = out.read_text().splitlines()
    assert lines and all(parse_stream_record(line) for line in lines)
    assert events.read_text().splitlines()
    with pytest.raises(SystemExit):
        parse_args(["--pace", "max"])
    assert "--duration" in capsys.readouterr().err

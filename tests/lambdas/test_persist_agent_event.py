"""persist_agent_event: Kinesis batches -> `agent_events`, CTRs and junk skipped, failures reported per record."""

import copy
import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.stub import ANY, Stubber

from connect_model import AgentEvent
from lambdas import persist_agent_event as function
from tests.lambdas.support import (
    INSTANCE_ID,
    FakeLambdaContext,
    TimestreamStore,
    dimensions,
    emitted_metrics,
    kinesis_event,
    load_fixture,
    measures,
    sequence_numbers,
)

AGENT_ID = "0c5f1e2d-3b4a-4c5d-8e6f-7a8b9c0d1e2f"


def agent_event(minute: int) -> dict[str, Any]:
    """The fixture's STATE_CHANGE, `minute` minutes after 10:00 (distinct minutes are distinct rows)."""
    event = load_fixture("agent_event_state_change.json")
    event["EventTimestamp"] = f"2026-01-05T{10 + minute // 60:02d}:{minute % 60:02d}:00.000Z"
    event["EventId"] = f"event-{minute}"
    return event


def rejection(*indexes: int, existing_version: int | None = None) -> dict[str, Any]:
    items = [{"RecordIndex": i, "Reason": "The record timestamp is outside the time range"} for i in indexes]
    for item in items:
        if existing_version is not None:
            item["ExistingVersion"] = existing_version
    return {"RejectedRecords": items}


def test_state_change_row_is_the_agents_whole_state_without_queues() -> None:
    record = function.agent_event_record(AgentEvent.from_json(load_fixture("agent_event_state_change.json")))
    assert (record["MeasureName"], record["Time"], record["Version"]) == ("STATE_CHANGE", "1767603720123", 1)
    assert dimensions(record) == {"instance_id": INSTANCE_ID, "agent_id": AGENT_ID}
    assert measures(record) == {
        "events": ("BIGINT", "1"),
        "username": ("VARCHAR", "ana.garcia"),
        "status_name": ("VARCHAR", "Available"),
        "status_type": ("VARCHAR", "ROUTABLE"),
        "status_start_time": ("TIMESTAMP", "1767603600000"),
        "routing_profile_id": ("VARCHAR", "7e6d5c4b-3a29-4f18-8e07-d6c5b4a39281"),
        "routing_profile_name": ("VARCHAR", "Sales + Support"),
        "contact_count": ("BIGINT", "1"),
        "contact_states": ("VARCHAR", "VOICE:CONNECTED_ONHOLD"),
        "contact_ids": ("VARCHAR", "c4b3a291-8f7e-4d6c-9b5a-4f3e2d1c0b9a"),
        "on_contact": ("BOOLEAN", "true"),
        "after_contact_work": ("BOOLEAN", "false"),
        "error": ("BOOLEAN", "false"),
    }


def test_logout_without_snapshot_is_still_a_row() -> None:
    record = function.agent_event_record(AgentEvent.from_json(load_fixture("agent_event_logout.json")))
    assert record["MeasureName"] == "LOGOUT"
    assert measures(record) == {"events": ("BIGINT", "1")}


def test_agent_events_are_written_and_ctrs_skipped_and_counted(
    timestream: TimestreamStore, context: FakeLambdaContext, capsys: pytest.CaptureFixture[str]
) -> None:
    event = kinesis_event(
        [
            load_fixture("agent_event_state_change.json"),
            load_fixture("ctr.json"),
            load_fixture("agent_event_logout.json"),
        ]
    )
    assert function.handler(event, context) == {"batchItemFailures": []}
    stored = timestream.records("agent_events")
    assert [r["MeasureName"] for r in stored] == ["STATE_CHANGE", "LOGOUT"]
    assert all(dimensions(r) == {"instance_id": INSTANCE_ID, "agent_id": AGENT_ID} for r in stored)
    assert emitted_metrics(capsys.readouterr().out)["SkippedContactTraceRecords"] == 1


def test_a_large_batch_is_written_in_full(timestream: TimestreamStore, context: FakeLambdaContext) -> None:
    events = [agent_event(minute) for minute in range(250)]
    assert function.handler(kinesis_event(events), context) == {"batchItemFailures": []}
    assert len(timestream.records("agent_events")) == 250


JUNK: list[tuple[str, bytes]] = [
    ("not_json", b"\x00\x01 binary garbage"),
    ("not_json", b'{"EventType": "STATE_CHANGE",'),
    ("not_an_object", b"[1, 2, 3]"),
    ("unknown_kind", b'{"hello": "world"}'),
    ("unknown_event_type", json.dumps({**load_fixture("agent_event_logout.json"), "EventType": "BREAK"}).encode()),
    (
        "missing_CurrentAgentSnapshot",
        json.dumps({**load_fixture("agent_event_logout.json"), "EventType": "LOGIN"}).encode(),
    ),
    ("bad_EventTimestamp", json.dumps({**load_fixture("agent_event_logout.json"), "EventTimestamp": 5}).encode()),
]


@pytest.mark.parametrize(("reason", "data"), JUNK, ids=[f"{r}-{i}" for i, (r, _) in enumerate(JUNK)])
def test_junk_is_logged_and_counted_but_never_blocks_the_shard(
    reason: str,
    data: bytes,
    timestream: TimestreamStore,
    context: FakeLambdaContext,
    log_records: list,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event = kinesis_event([load_fixture("agent_event_state_change.json"), data, agent_event(5)])
    assert function.handler(event, context) == {"batchItemFailures": []}
    assert len(timestream.records("agent_events")) == 2  # the records around the junk are written
    assert emitted_metrics(capsys.readouterr().out)["RejectedRecords"] == 1
    [logged] = [r for r in log_records if r.getMessage().startswith("Unusable stream record skipped")]
    assert (logged.reason, logged.sequence_number) == (reason, sequence_numbers(event, 1)[0])


def test_data_that_is_not_base64_is_junk_too(context: FakeLambdaContext, log_records: list) -> None:
    event = kinesis_event([b"x"])
    event["Records"][0]["kinesis"]["data"] = "not-base64!"
    with Stubber(function.WRITER.client) as stub:
        assert function.handler(event, context) == {"batchItemFailures": []}
        stub.assert_no_pending_responses()
    assert [r.reason for r in log_records if hasattr(r, "sequence_number")] == ["not_base64"]


def test_a_rejected_row_fails_exactly_its_stream_record(context: FakeLambdaContext, log_records: list) -> None:
    # CTR and junk between the agent events: row index 1 is stream record 3.
    event = kinesis_event([agent_event(1), load_fixture("ctr.json"), b"junk", agent_event(2), agent_event(3)])
    with Stubber(function.WRITER.client) as stub:
        stub.add_client_error(
            "write_records",
            service_error_code="RejectedRecordsException",
            modeled_fields=rejection(1),
            expected_params={"DatabaseName": ANY, "TableName": "agent_events", "Records": ANY},
        )
        response = function.handler(event, context)
    assert response == {"batchItemFailures": [{"itemIdentifier": sequence_numbers(event, 3)[0]}]}
    assert any(r.getMessage() == "Timestream rejected a record" for r in log_records)


def test_a_failed_write_call_fails_every_record_it_carried_and_only_those(context: FakeLambdaContext) -> None:
    event = kinesis_event([load_fixture("ctr.json"), *(agent_event(minute) for minute in range(120))])
    with Stubber(function.WRITER.client) as stub:
        stub.add_response("write_records", {})  # rows 0-99: stream records 1-100
        stub.add_client_error("write_records", service_error_code="ThrottlingException", http_status_code=429)
        response = function.handler(event, context)
    assert response["batchItemFailures"] == [{"itemIdentifier": s} for s in sequence_numbers(event, *range(101, 121))]


def test_when_every_record_fails_the_invocation_fails(context: FakeLambdaContext) -> None:
    event = kinesis_event([agent_event(1), agent_event(2)])
    with Stubber(function.WRITER.client) as stub:
        stub.add_client_error("write_records", service_error_code="ResourceNotFoundException", http_status_code=404)
        with pytest.raises(BatchProcessingError):
            function.handler(event, context)


def test_a_newer_version_already_stored_is_not_a_failure(context: FakeLambdaContext) -> None:
    event = kinesis_event([agent_event(1), agent_event(2)])
    with Stubber(function.WRITER.client) as stub:
        stub.add_client_error(
            "write_records",
            service_error_code="RejectedRecordsException",
            modeled_fields=rejection(0, existing_version=9),
        )
        assert function.handler(event, context) == {"batchItemFailures": []}


def test_a_record_delivered_twice_in_one_batch_is_written_once(context: FakeLambdaContext) -> None:
    state_change = load_fixture("agent_event_state_change.json")
    event = kinesis_event([state_change, copy.deepcopy(state_change)])
    expected = [function.agent_event_record(AgentEvent.from_json(state_change))]
    with Stubber(function.WRITER.client) as stub:
        stub.add_response("write_records", {}, {"DatabaseName": ANY, "TableName": "agent_events", "Records": expected})
        assert function.handler(event, context) == {"batchItemFailures": []}
        stub.assert_no_pending_responses()

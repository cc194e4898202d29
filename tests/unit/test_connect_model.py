"""The shared Connect data model: agent events and CTRs told apart, bad records rejected with a reason."""

import json
from datetime import UTC, datetime

import pytest

from connect_model import (
    AgentEvent,
    ContactTraceRecord,
    EventType,
    RejectedRecord,
    StatusType,
    parse_contact_event,
    parse_stream_record,
)
from connect_model.agent_event import status_type_for
from tests.conftest import load_fixture


def as_bytes(document: object) -> bytes:
    return json.dumps(document).encode()


def test_agent_event_is_parsed_with_snapshot_queues_and_contacts() -> None:
    event = parse_stream_record(as_bytes(load_fixture("agent_event_state_change.json")))
    assert isinstance(event, AgentEvent)
    assert event.event_type is EventType.STATE_CHANGE
    assert event.event_time == datetime(2026, 1, 5, 9, 2, tzinfo=UTC)
    assert event.agent_id == "bbbb1111-2222-3333-4444-555566667777"
    assert event.instance_id == "aaaa1111-2222-3333-4444-555566667777"
    assert event.snapshot is not None
    assert event.snapshot.status.type is StatusType.ROUTABLE
    assert [q.queue_id for q in event.snapshot.routing_profile.inbound_queues] == ["q-sales", "q-support"]
    assert event.snapshot.on_contact and not event.snapshot.in_after_contact_work and not event.snapshot.in_error


def test_ctr_is_parsed_with_queue_agent_and_handle_time() -> None:
    record = parse_stream_record(as_bytes(load_fixture("ctr_handled.json")))
    assert isinstance(record, ContactTraceRecord)
    assert record.handled
    assert record.queue is not None and record.queue.queue_id == "q-sales" and record.queue.duration_seconds == 15
    assert record.agent is not None and record.agent.handle_seconds == 200 + 40 + 30
    assert record.last_updated == datetime(2026, 1, 5, 9, 5, 31, tzinfo=UTC)


def test_ctr_without_agent_is_not_handled_and_missing_durations_count_zero() -> None:
    document = load_fixture("ctr_handled.json")
    document["Agent"] = None
    assert not parse_stream_record(as_bytes(document)).handled
    document = load_fixture("ctr_handled.json")
    del document["Agent"]["CustomerHoldDuration"]
    assert parse_stream_record(as_bytes(document)).agent.handle_seconds == 230


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d.update(EventType="PING"), "unknown_event_type"),
        (lambda d: d.pop("AgentARN"), "missing_AgentARN"),
        (lambda d: d.pop("EventTimestamp"), "bad_EventTimestamp"),
        (lambda d: d.update(EventTimestamp="yesterday"), "bad_EventTimestamp"),
        (lambda d: d.pop("CurrentAgentSnapshot"), "missing_CurrentAgentSnapshot"),
        (lambda d: d["CurrentAgentSnapshot"].update(Contacts="none"), "bad_Contacts"),
    ],
)
def test_invalid_agent_events_are_rejected_with_a_reason(mutate, reason: str) -> None:
    document = load_fixture("agent_event_state_change.json")
    mutate(document)
    with pytest.raises(RejectedRecord) as caught:
        parse_stream_record(as_bytes(document))
    assert caught.value.reason == reason


def test_logout_may_come_without_a_snapshot() -> None:
    document = load_fixture("agent_event_state_change.json")
    document.update(EventType="LOGOUT")
    del document["CurrentAgentSnapshot"]
    event = parse_stream_record(as_bytes(document))
    assert event.event_type is EventType.LOGOUT and event.snapshot is None


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d.pop("ContactId"), "unknown_kind"),  # no format version, no ContactId: unknown
        (lambda d: d.pop("DisconnectTimestamp"), "bad_DisconnectTimestamp"),
        (lambda d: d.pop("InstanceARN"), "missing_InstanceARN"),
        (lambda d: d["Queue"].update(Duration="15"), "bad_Duration"),
        (lambda d: d["Queue"].update(Duration=True), "bad_Duration"),
    ],
)
def test_invalid_ctrs_are_rejected_with_a_reason(mutate, reason: str) -> None:
    document = load_fixture("ctr_handled.json")
    if reason == "unknown_kind":
        document.pop("AWSContactTraceRecordFormatVersion")
    mutate(document)
    with pytest.raises(RejectedRecord) as caught:
        parse_stream_record(as_bytes(document))
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not json", "not_json"),
        (b"\xff\xfe", "not_json"),
        (b"[1, 2]", "not_an_object"),
        (b'{"hello": "world"}', "unknown_kind"),
        (b"[" * 100_000, "not_json"),
        (b" " * 1_048_577, "too_large"),
    ],
)
def test_junk_is_rejected_never_raised_as_something_else(data: bytes, reason: str) -> None:
    with pytest.raises(RejectedRecord) as caught:
        parse_stream_record(data)
    assert caught.value.reason == reason


def test_status_type_falls_back_to_connect_names() -> None:
    assert status_type_for("Available", None) is StatusType.ROUTABLE
    assert status_type_for("Offline", None) is StatusType.OFFLINE
    assert status_type_for("Lunch", None) is StatusType.CUSTOM
    assert status_type_for("Available", "CUSTOM") is StatusType.CUSTOM


@pytest.mark.parametrize("casing", ["camel", "pascal"])
def test_contact_events_accept_both_detail_casings(casing: str) -> None:
    detail = {
        "eventType": "CONNECTED_TO_AGENT",
        "contactId": "c1",
        "channel": "CHAT",
        "instanceArn": "arn:aws:connect:eu-west-2:1:instance/i1",
        "queueInfo": {"queueArn": "arn:aws:connect:eu-west-2:1:instance/i1/queue/q1", "enqueueTimestamp": None},
        "agentInfo": {"agentArn": "arn:aws:connect:eu-west-2:1:instance/i1/agent/a1"},
    }
    if casing == "pascal":
        detail = json.loads(
            json.dumps(detail)
            .replace('"eventType"', '"EventType"')
            .replace('"contactId"', '"ContactId"')
            .replace('"instanceArn"', '"InstanceArn"')
            .replace('"queueInfo"', '"QueueInfo"')
            .replace('"queueArn"', '"QueueArn"')
            .replace('"agentInfo"', '"AgentInfo"')
        )
    envelope = {
        "id": "e1",
        "time": "2026-01-05T09:00:00Z",
        "source": "aws.connect",
        "detail-type": "Amazon Connect Contact Event",
        "detail": detail,
    }
    event = parse_contact_event(envelope)
    assert (event.event_type, event.contact_id, event.queue_id, event.agent_id) == (
        "CONNECTED_TO_AGENT",
        "c1",
        "q1",
        "a1",
    )


def test_reject_future_allows_fifteen_minutes_of_clock_skew() -> None:
    from datetime import timedelta

    from connect_model import reject_future

    event = parse_stream_record(as_bytes(load_fixture("agent_event_state_change.json")))
    assert reject_future(event, event.event_time - timedelta(minutes=14)) is event
    with pytest.raises(RejectedRecord) as caught:
        reject_future(event, event.event_time - timedelta(minutes=16))
    assert caught.value.reason == "future_timestamp"

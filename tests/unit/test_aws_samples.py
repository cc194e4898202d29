"""AWS's own published samples (tests/fixtures/aws_samples), each with the figures it must produce."""

from datetime import UTC, datetime

import pytest

from connect_model import AgentEvent, ContactEvent, parse_stream_record
from flink_app.parsing import PARSED_COLUMNS, parsed_row
from tests import aws_samples


def row(name: str) -> dict:
    return dict(zip(PARSED_COLUMNS, parsed_row(aws_samples.repaired(name)), strict=True))


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def test_every_sample_parses_as_its_kind() -> None:
    kinds = {name: row(name)["kind"] for name in aws_samples.names()}
    assert all(kind in ("agent_event", "contact_event") for kind in kinds.values()), kinds
    assert len(kinds) == 8


def test_an_offline_agent_counts_nowhere_and_its_own_queue_is_not_a_queue() -> None:
    parsed = row("sample-agent-event-stream.txt")
    assert parsed["status_type"] == "OFFLINE"  # "Offline" without a Type: Connect's built-in name
    assert (parsed["queue_ids"], parsed["queue_names"]) == (["queue-ARN"], ["Omni-channel-queue"])
    event = parse_stream_record(aws_samples.repaired("sample-agent-event-stream.txt"))
    assert isinstance(event, AgentEvent) and event.snapshot and event.snapshot.routing_profile
    assert [q.is_agent_queue for q in event.snapshot.routing_profile.inbound_queues] == [True, False]


def test_after_contact_work_on_an_outbound_call_is_on_contact_and_not_available() -> None:
    entered, left = row("agent-event-streams-acw-entered.txt"), row("agent-event-streams-acw-left.txt")
    assert entered["status_type"] == "ROUTABLE"  # "Available", no Type in this older sample
    assert (entered["on_contact"], entered["in_acw"], entered["has_contacts"]) == (True, True, True)
    assert (left["on_contact"], left["in_acw"], left["has_contacts"]) == (False, False, False)
    assert entered["queue_ids"] == ["queue-ARN-for-BasicQueue", "queue-ARN-for-PrimaryQueue"]
    # The guide's own reading: ACW from 18:55:27.027 to 18:55:32.032, 5.005 s.
    assert left["event_ms"] - entered["event_ms"] == 5005


@pytest.mark.parametrize(
    ("name", "event_type", "step", "channel", "queue"),
    [
        ("contact-events-connected-to-agent.txt", "CONNECTED_TO_AGENT", "2021-08-04T17:29:09", "VOICE",
         "12345678-1234-1234-1234-123456789012"),
        # outbound: no queueInfo; "Voice" upper-cased; the disconnect time is the step
        ("contact-events-disconnected.txt", "DISCONNECTED", "2021-08-04T17:18:37", "VOICE", None),
        # not connected yet (1970 placeholder): the envelope's time
        ("contact-events-data-updated.txt", "CONTACT_DATA_UPDATED", "2021-08-04T17:43:48", "CHAT", "`the queue ID`"),
        # instanceARN, AgentInfo, no connected time at all: the envelope's time
        ("contact-events-connected-to-agent-2021-05.txt", "CONNECTED_TO_AGENT", "2021-05-01T18:43:48", "VOICE", "arn"),
        ("contact-events-routing-criteria-connected.txt", "CONNECTED_TO_AGENT", "2021-08-04T17:29:09", "VOICE",
         "12345678-1234-1234-1234-123456789012"),
    ],
)  # fmt: skip
def test_contact_events_step_times_channels_and_queues(
    name: str, event_type: str, step: str, channel: str, queue: str | None
) -> None:
    parsed = row(name)
    assert (parsed["event_type"], parsed["event_ms"], parsed["channel"], parsed["queue_id"]) == (
        event_type,
        at(step),
        channel,
        queue,
    )
    event = parse_stream_record(aws_samples.repaired(name))
    assert isinstance(event, ContactEvent)
    assert event.instance_id == "12345678-1234-1234-1234-123456789012" or "the instance ID" in event.instance_id

"""Connect-shaped JSON documents, field for field as Connect writes them (see connect_model)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from connect_model import format_timestamp
from traffic_generator.topology import ACCOUNT_ID, REGION, Agent, Queue, RoutingProfile, Topology

STATUS_TYPES = {"Available": "ROUTABLE", "Offline": "OFFLINE"}


@dataclass(slots=True)
class LiveContact:
    """A contact on an agent's snapshot while it rings, talks, holds and wraps up."""

    contact_id: str
    channel: str
    queue: Queue
    state: str
    state_start: datetime
    queued_at: datetime
    connected_at: datetime | None = None


def _queue_json(queue: Queue) -> dict[str, Any]:
    return {"ARN": queue.arn, "Name": queue.name, "Channels": list(queue.channels)}


def _profile_json(profile: RoutingProfile) -> dict[str, Any]:
    return {
        "ARN": profile.arn,
        "Name": profile.name,
        "Concurrency": [{"Channel": "VOICE", "MaximumSlots": 1, "AvailableSlots": 1}],
        "DefaultOutboundQueue": _queue_json(profile.queues[0]),
        "InboundQueues": [_queue_json(q) for q in profile.queues],
    }


def agent_snapshot(
    topology: Topology,
    agent: Agent,
    status: str,
    status_since: datetime,
    profile: RoutingProfile,
    contacts: list[LiveContact],
) -> dict[str, Any]:
    return {
        "AgentStatus": {
            "ARN": topology.arn("agent-state", status.lower()),
            "Name": status,
            "StartTimestamp": format_timestamp(status_since),
            "Type": STATUS_TYPES.get(status, "CUSTOM"),
        },
        "Configuration": {
            "AgentHierarchyGroups": None,
            "FirstName": agent.first_name,
            "LastName": agent.last_name,
            "RoutingProfile": _profile_json(profile),
            "Username": agent.username,
        },
        "Contacts": [
            {
                "Channel": c.channel,
                "ConnectedToAgentTimestamp": format_timestamp(c.connected_at) if c.connected_at else None,
                "ContactId": c.contact_id,
                "InitialContactId": None,
                "InitiationMethod": "INBOUND",
                "Queue": {"ARN": c.queue.arn, "Name": c.queue.name},
                "QueueTimestamp": format_timestamp(c.queued_at),
                "State": c.state,
                "StateStartTimestamp": format_timestamp(c.state_start),
            }
            for c in contacts
        ],
        "NextAgentStatus": None,
    }


def agent_event(
    topology: Topology,
    agent: Agent,
    event_id: str,
    event_type: str,
    at: datetime,
    snapshot: dict[str, Any] | None,
    previous: dict[str, Any] | None,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "AWSAccountId": ACCOUNT_ID,
        "AgentARN": agent.arn,
        "CurrentAgentSnapshot": snapshot,
        "EventId": event_id,
        "EventTimestamp": format_timestamp(at),
        "EventType": event_type,
        "InstanceARN": topology.instance_arn,
        "PreviousAgentSnapshot": previous,
        "Version": "2019-05-25",
    }
    if snapshot is None:
        del document["CurrentAgentSnapshot"]
    return document


@dataclass(frozen=True, slots=True)
class ContactOutcome:
    """Everything a CTR says about one contact segment."""

    contact_id: str
    channel: str
    queue: Queue | None
    initiated: datetime
    enqueued: datetime | None
    dequeued: datetime | None
    disconnected: datetime
    agent: Agent | None = None
    profile: RoutingProfile | None = None
    connected: datetime | None = None
    talk_seconds: int = 0
    hold_seconds: int = 0
    holds: int = 0
    acw_seconds: int = 0


def contact_trace_record(topology: Topology, outcome: ContactOutcome, last_update: datetime) -> dict[str, Any]:
    o = outcome
    record: dict[str, Any] = {
        "AWSAccountId": ACCOUNT_ID,
        "AWSContactTraceRecordFormatVersion": "2017-03-10",
        "Agent": None,
        "AgentConnectionAttempts": 1 if o.agent else 0,
        "Attributes": {},
        "Channel": o.channel,
        "ConnectedToSystemTimestamp": format_timestamp(o.initiated + timedelta(seconds=1)),
        "ContactId": o.contact_id,
        "CustomerEndpoint": {"Address": "+447700900123", "Type": "TELEPHONE_NUMBER"} if o.channel == "VOICE" else None,
        "DisconnectReason": "AGENT_DISCONNECT" if o.agent else "CUSTOMER_DISCONNECT",
        "DisconnectTimestamp": format_timestamp(o.disconnected),
        "InitialContactId": None,
        "InitiationMethod": "INBOUND",
        "InitiationTimestamp": format_timestamp(o.initiated),
        "InstanceARN": topology.instance_arn,
        "LastUpdateTimestamp": format_timestamp(last_update),
        "NextContactId": None,
        "PreviousContactId": None,
        "Queue": None,
        "Recording": None,
        "SystemEndpoint": {"Address": "+442079460000", "Type": "TELEPHONE_NUMBER"} if o.channel == "VOICE" else None,
    }
    if o.queue and o.enqueued and o.dequeued:
        record["Queue"] = {
            "ARN": o.queue.arn,
            "Name": o.queue.name,
            "Duration": int((o.dequeued - o.enqueued).total_seconds()),
            "EnqueueTimestamp": format_timestamp(o.enqueued),
            "DequeueTimestamp": format_timestamp(o.dequeued),
        }
    if o.agent and o.profile and o.connected:
        acw_start = o.disconnected
        record["Agent"] = {
            "ARN": o.agent.arn,
            "AfterContactWorkDuration": o.acw_seconds,
            "AfterContactWorkStartTimestamp": format_timestamp(acw_start),
            "AfterContactWorkEndTimestamp": format_timestamp(acw_start + timedelta(seconds=o.acw_seconds)),
            "AgentInteractionDuration": o.talk_seconds,
            "ConnectedToAgentTimestamp": format_timestamp(o.connected),
            "CustomerHoldDuration": o.hold_seconds,
            "HierarchyGroups": None,
            "LongestHoldDuration": o.hold_seconds,
            "NumberOfHolds": o.holds,
            "RoutingProfile": {"ARN": o.profile.arn, "Name": o.profile.name},
            "Username": o.agent.username,
        }
    return record


def contact_event(
    topology: Topology, outcome: ContactOutcome, event_id: str, event_type: str, at: datetime
) -> dict[str, Any]:
    """An EventBridge envelope of an "Amazon Connect Contact Event" (current camelCase detail)."""
    o = outcome
    detail: dict[str, Any] = {
        "eventType": event_type,
        "contactId": o.contact_id,
        "channel": o.channel,
        "instanceArn": topology.instance_arn,
        "initiationMethod": "INBOUND",
        "initiationTimestamp": format_timestamp(o.initiated),
    }
    if o.queue and o.enqueued and event_type != "INITIATED":
        detail["queueInfo"] = {
            "queueArn": o.queue.arn,
            "queueType": "STANDARD",
            "enqueueTimestamp": format_timestamp(o.enqueued),
        }
    if o.agent and o.connected and event_type in ("CONNECTED_TO_AGENT", "DISCONNECTED", "COMPLETED"):
        detail["agentInfo"] = {"agentArn": o.agent.arn, "connectedToAgentTimestamp": format_timestamp(o.connected)}
    if event_type in ("DISCONNECTED", "COMPLETED"):
        detail["disconnectTimestamp"] = format_timestamp(o.disconnected)
    return {
        "version": "0",
        "id": event_id,
        "detail-type": "Amazon Connect Contact Event",
        "source": "aws.connect",
        "account": ACCOUNT_ID,
        "time": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [topology.instance_arn, f"{topology.instance_arn}/contact/{o.contact_id}"],
        "detail": detail,
    }

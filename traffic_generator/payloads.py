"""Connect-shaped JSON documents, field for field as Connect writes them (see connect_model)."""

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from connect_model import format_timestamp as _format_timestamp
from traffic_generator.contacts import Contact, Leg
from traffic_generator.topology import ACCOUNT_ID, REGION, VOICE, Agent, Queue, RoutingProfile, Topology

STATUS_TYPES = {"Available": "ROUTABLE", "Offline": "OFFLINE"}

# A snapshot repeats the same few times (status start, queue and connect times) event after event: seven
# in eight formattings are repeats.
format_timestamp = lru_cache(maxsize=4096)(_format_timestamp)


def _ts(moment: datetime | None) -> str | None:
    return format_timestamp(moment) if moment else None


def _queue_json(queue: Queue) -> dict[str, Any]:
    return {"ARN": queue.arn, "Name": queue.name, "Channels": list(queue.channels)}


def _profile_json(profile: RoutingProfile, agent_queue: Queue | None, legs: list[Leg]) -> dict[str, Any]:
    channels = {leg.contact.channel for leg in legs}
    concurrency = []
    for channel, slots in profile.concurrency:
        # One channel at a time: slots of the other channels are not available while it works one.
        used = sum(leg.contact.channel == channel for leg in legs)
        free = 0 if channels - {channel} else slots - used
        concurrency.append({"Channel": channel, "MaximumSlots": slots, "AvailableSlots": free})
    inbound = ([agent_queue] if agent_queue else []) + list(profile.queues)
    return {
        "ARN": profile.arn,
        "Name": profile.name,
        "Concurrency": concurrency,
        "DefaultOutboundQueue": {**_queue_json(profile.outbound_queue), "Channels": [VOICE]},
        "InboundQueues": [_queue_json(q) for q in inbound],
    }


def _snapshot_contact(leg: Leg) -> dict[str, Any]:
    c, queue = leg.contact, leg.contact.queue
    declined = leg.state in ("MISSED", "REJECTED")  # connected to another agent since, if at all
    return {
        "Channel": c.channel,
        "ConnectedToAgentTimestamp": None if declined else _ts(c.connected),
        "ContactId": c.contact_id,
        "InitialContactId": c.initial_id,
        "InitiationMethod": c.method,
        "Queue": {"ARN": queue.arn, "Name": queue.name} if queue else None,
        "QueueTimestamp": _ts(c.enqueued),
        "State": leg.state,
        "StateStartTimestamp": format_timestamp(leg.state_start),
    }


def agent_snapshot(
    topology: Topology,
    agent: Agent,
    status: str,
    status_since: datetime,
    profile: RoutingProfile,
    legs: list[Leg],
    *,
    next_status: tuple[str, datetime] | None = None,
    with_status_type: bool = True,
    with_agent_queue: bool = True,
) -> dict[str, Any]:
    status_json: dict[str, Any] = {
        "ARN": topology.arn("agent-state", status.lower()),
        "Name": status,
        "StartTimestamp": format_timestamp(status_since),
    }
    if with_status_type:
        status_json["Type"] = STATUS_TYPES.get(status, "CUSTOM")
    agent_queue = topology.agent_queue(agent) if with_agent_queue else None
    snapshot: dict[str, Any] = {
        "AgentStatus": status_json,
        "Configuration": {
            "AgentHierarchyGroups": None,
            "FirstName": agent.first_name,
            "LastName": agent.last_name,
            "RoutingProfile": _profile_json(profile, agent_queue, legs),
            "Username": agent.username,
        },
        "Contacts": [_snapshot_contact(leg) for leg in legs],
        "NextAgentStatus": None,
    }
    if next_status:  # chosen while working: no new offers until the agent is free
        name, since = next_status
        snapshot["NextAgentStatus"] = {
            "ARN": topology.arn("agent-state", name.lower()),
            "EnqueuedTimestamp": format_timestamp(since),
            "Name": name,
        }
    return snapshot


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


def _ms(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _whole_seconds(start: datetime, end: datetime) -> int:
    """Whole seconds between two times as written (to the millisecond), so a record agrees with itself."""
    return max(0, round((_ms(end) - _ms(start)).total_seconds()))


def contact_trace_record(
    topology: Topology, c: Contact, last_update: datetime, acw_correction: int = 0
) -> dict[str, Any]:
    """The CTR of a finished segment; `acw_correction` seconds are added to ACW by a later update."""
    assert c.disconnected is not None
    voice = c.channel == VOICE
    record: dict[str, Any] = {
        "AWSAccountId": ACCOUNT_ID,
        "AWSContactTraceRecordFormatVersion": "2017-03-10",
        "Agent": None,
        "AgentConnectionAttempts": c.offers,
        "Attributes": {"disposition": "updated"} if acw_correction else {},
        "Channel": c.channel,
        "ConnectedToSystemTimestamp": _ts(c.connected_to_system),
        "ContactId": c.contact_id,
        "CustomerEndpoint": {"Address": "+447700900123", "Type": "TELEPHONE_NUMBER"} if voice else None,
        "DisconnectReason": c.disconnect_reason,
        "DisconnectTimestamp": format_timestamp(c.disconnected),
        "InitialContactId": c.initial_id,
        "InitiationMethod": c.method,
        "InitiationTimestamp": format_timestamp(c.initiated),
        "InstanceARN": topology.instance_arn,
        "LastUpdateTimestamp": format_timestamp(last_update),
        "NextContactId": c.next_id,
        "PreviousContactId": c.previous_id,
        "Queue": None,
        "Recording": None,
        "SystemEndpoint": {"Address": "+442079460000", "Type": "TELEPHONE_NUMBER"} if voice else None,
    }
    if not c.reason_recorded:
        del record["DisconnectReason"]
    if c.queue:
        queue: dict[str, Any] = {"ARN": c.queue.arn, "Name": c.queue.name, "Duration": 0}
        if c.enqueued and c.dequeued:  # outbound calls name their queue but were never in it
            queue.update(
                Duration=_whole_seconds(c.enqueued, c.dequeued),
                EnqueueTimestamp=format_timestamp(c.enqueued),
                DequeueTimestamp=format_timestamp(c.dequeued),
            )
        record["Queue"] = queue
    if c.agent and c.profile and c.connected and c.acw_end:
        acw = _whole_seconds(c.disconnected, c.acw_end) + acw_correction
        record["Agent"] = {
            "ARN": c.agent.arn,
            "AfterContactWorkDuration": acw,
            "AfterContactWorkStartTimestamp": format_timestamp(c.disconnected),
            "AfterContactWorkEndTimestamp": format_timestamp(c.acw_end + timedelta(seconds=acw_correction)),
            "AgentInteractionDuration": max(0, _whole_seconds(c.connected, c.disconnected) - c.hold_seconds),
            "ConnectedToAgentTimestamp": format_timestamp(c.connected),
            "CustomerHoldDuration": c.hold_seconds,
            "HierarchyGroups": None,
            "LongestHoldDuration": max(c.holds, default=0),
            "NumberOfHolds": len(c.holds),
            "RoutingProfile": {"ARN": c.profile.arn, "Name": c.profile.name},
            "Username": c.agent.username,
        }
    return record


def contact_event(topology: Topology, c: Contact, event_id: str, event_type: str, at: datetime) -> dict[str, Any]:
    """An EventBridge envelope of an "Amazon Connect Contact Event" (current camelCase detail), as the
    contact stands at `at`: a field appears once its step has happened."""
    detail: dict[str, Any] = {
        "eventType": event_type,
        "contactId": c.contact_id,
        "channel": c.channel,
        "instanceArn": topology.instance_arn,
        "initiationMethod": c.method,
        "initiationTimestamp": format_timestamp(c.initiated),
    }
    if c.previous_id:
        detail["previousContactId"] = c.previous_id
        detail["initialContactId"] = c.initial_id
    if c.connected_to_system:
        detail["connectedToSystemTimestamp"] = format_timestamp(c.connected_to_system)
    if c.queue and (c.enqueued or c.connected):
        queue_info = {"queueArn": c.queue.arn, "queueType": "STANDARD"}
        if c.enqueued:
            queue_info["enqueueTimestamp"] = format_timestamp(c.enqueued)
        detail["queueInfo"] = queue_info
    if c.agent and c.connected:
        agent_info: dict[str, Any] = {
            "agentArn": c.agent.arn,
            "connectedToAgentTimestamp": format_timestamp(c.connected),
        }
        if event_type == "COMPLETED" and c.disconnected and c.acw_end:
            agent_info.update(
                afterContactWorkStartTimestamp=format_timestamp(c.disconnected),
                afterContactWorkEndTimestamp=format_timestamp(c.acw_end),
                afterContactWorkDuration=_whole_seconds(c.disconnected, c.acw_end),
            )
        detail["agentInfo"] = agent_info
    if c.disconnected:
        detail["disconnectTimestamp"] = format_timestamp(c.disconnected)
    return {
        "version": "0",
        "id": event_id,
        "detail-type": "Amazon Connect Contact Event",
        "source": "aws.connect",
        "account": ACCOUNT_ID,
        "time": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [topology.instance_arn, f"{topology.instance_arn}/contact/{c.contact_id}"],
        "detail": detail,
    }

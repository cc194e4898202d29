"""Agent event stream records (Amazon Connect Admin Guide, "Agent event streams" data model).

Every LOGIN, STATE_CHANGE and HEART_BEAT event carries the agent's full `CurrentAgentSnapshot`,
so the latest event of an agent is its whole state; LOGOUT may come without one.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from connect_model.arns import is_agent_queue, last_segment
from connect_model.errors import RejectedRecord
from connect_model.fields import (
    JsonObject,
    optional_list,
    optional_object,
    optional_str,
    require_object,
    require_str,
)
from connect_model.timestamps import parse_optional_timestamp, parse_timestamp


class EventType(StrEnum):
    LOGIN = "LOGIN"
    LOGOUT = "LOGOUT"
    STATE_CHANGE = "STATE_CHANGE"
    HEART_BEAT = "HEART_BEAT"


class StatusType(StrEnum):
    ROUTABLE = "ROUTABLE"
    CUSTOM = "CUSTOM"
    OFFLINE = "OFFLINE"


class ContactState(StrEnum):
    INCOMING = "INCOMING"
    PENDING = "PENDING"
    CONNECTING = "CONNECTING"
    CONNECTED = "CONNECTED"
    CONNECTED_ONHOLD = "CONNECTED_ONHOLD"
    MISSED = "MISSED"
    ERROR = "ERROR"
    ENDED = "ENDED"
    REJECTED = "REJECTED"


# States in which the agent is working a contact: ENDED is after-contact work. Connect's "On contact"
# also counts outbound ring: a contact the agent dials out on is CONNECTING until the customer answers.
ON_CONTACT_STATES = frozenset({ContactState.CONNECTED, ContactState.CONNECTED_ONHOLD, ContactState.ENDED})
# Connect's "Error": a missed call, a rejected chat or task, or a failed connection.
ERROR_STATES = frozenset({ContactState.MISSED, ContactState.REJECTED, ContactState.ERROR})
OUTBOUND = "OUTBOUND"


def is_on_contact(state: str, initiation_method: str | None) -> bool:
    """Connected, on hold, in after-contact work, or ringing out on an outbound call."""
    return state in ON_CONTACT_STATES or (state == ContactState.CONNECTING and initiation_method == OUTBOUND)


def status_type_for(name: str, declared_type: str | None) -> StatusType:
    """`AgentStatus.Type` when present; otherwise Connect's built-in names, anything else is custom."""
    if declared_type:
        try:
            return StatusType(declared_type)
        except ValueError:
            return StatusType.CUSTOM
    if name == "Available":
        return StatusType.ROUTABLE
    if name == "Offline":
        return StatusType.OFFLINE
    return StatusType.CUSTOM


@dataclass(frozen=True, slots=True)
class QueueRef:
    arn: str
    name: str
    channels: tuple[str, ...] = ()

    @property
    def queue_id(self) -> str:
        return last_segment(self.arn)

    @property
    def is_agent_queue(self) -> bool:
        return is_agent_queue(self.arn)

    @classmethod
    def from_json(cls, obj: object, field: str) -> "QueueRef":
        queue = require_object(obj, field)
        channels = tuple(c for c in optional_list(queue, "Channels") if isinstance(c, str))  # others: noise
        arn = require_str(queue, "ARN", f"{field}.ARN")
        return cls(arn=arn, name=optional_str(queue, "Name") or "", channels=channels)


@dataclass(frozen=True, slots=True)
class RoutingProfile:
    arn: str
    name: str
    inbound_queues: tuple[QueueRef, ...]

    @classmethod
    def from_json(cls, obj: object) -> "RoutingProfile":
        profile = require_object(obj, "RoutingProfile")
        queues = tuple(
            QueueRef.from_json(q, "RoutingProfile.InboundQueues") for q in optional_list(profile, "InboundQueues")
        )
        arn = require_str(profile, "ARN", "RoutingProfile.ARN")
        return cls(arn=arn, name=optional_str(profile, "Name") or "", inbound_queues=queues)

    @property
    def standard_queues(self) -> tuple[QueueRef, ...]:
        """The inbound queues without the agent's own queue: the queues the agent counts in."""
        return tuple(q for q in self.inbound_queues if not q.is_agent_queue)


@dataclass(frozen=True, slots=True)
class AgentStatus:
    name: str
    type: StatusType
    arn: str | None = None
    start: datetime | None = None

    @classmethod
    def from_json(cls, obj: object) -> "AgentStatus":
        status = require_object(obj, "AgentStatus")
        name = require_str(status, "Name", "AgentStatus.Name")
        return cls(
            name=name,
            type=status_type_for(name, optional_str(status, "Type")),
            arn=optional_str(status, "ARN"),
            start=parse_optional_timestamp(status.get("StartTimestamp"), "AgentStatus.StartTimestamp"),
        )


@dataclass(frozen=True, slots=True)
class AgentContact:
    contact_id: str
    channel: str
    state: str
    queue: QueueRef | None
    initiation_method: str | None = None
    state_start: datetime | None = None

    @classmethod
    def from_json(cls, obj: object) -> "AgentContact":
        contact = require_object(obj, "Contacts[]")
        queue = contact.get("Queue")
        return cls(
            contact_id=require_str(contact, "ContactId", "Contacts.ContactId"),
            channel=optional_str(contact, "Channel") or "VOICE",
            state=require_str(contact, "State", "Contacts.State"),
            queue=QueueRef.from_json(queue, "Contacts.Queue") if queue is not None else None,
            initiation_method=optional_str(contact, "InitiationMethod"),
            state_start=parse_optional_timestamp(contact.get("StateStartTimestamp"), "Contacts.StateStartTimestamp"),
        )


@dataclass(frozen=True, slots=True)
class AgentSnapshot:
    status: AgentStatus
    routing_profile: RoutingProfile | None
    contacts: tuple[AgentContact, ...]
    username: str | None = None

    @classmethod
    def from_json(cls, obj: object) -> "AgentSnapshot":
        snapshot = require_object(obj, "CurrentAgentSnapshot")
        configuration = optional_object(snapshot.get("Configuration"), "Configuration") or {}
        profile = configuration.get("RoutingProfile")
        return cls(
            status=AgentStatus.from_json(snapshot.get("AgentStatus")),
            routing_profile=RoutingProfile.from_json(profile) if profile is not None else None,
            contacts=tuple(AgentContact.from_json(c) for c in optional_list(snapshot, "Contacts")),
            username=optional_str(configuration, "Username"),
        )

    @property
    def on_contact(self) -> bool:
        return any(is_on_contact(c.state, c.initiation_method) for c in self.contacts)

    @property
    def in_after_contact_work(self) -> bool:
        return any(c.state == ContactState.ENDED for c in self.contacts)

    @property
    def in_error(self) -> bool:
        return any(c.state in ERROR_STATES for c in self.contacts)


@dataclass(frozen=True, slots=True)
class AgentEvent:
    event_id: str
    event_type: EventType
    event_time: datetime
    agent_arn: str
    instance_arn: str | None
    snapshot: AgentSnapshot | None

    @property
    def agent_id(self) -> str:
        return last_segment(self.agent_arn)

    @property
    def instance_id(self) -> str:
        """From `InstanceARN`, else from the agent ARN (`…:instance/<id>/agent/<agent>`)."""
        if self.instance_arn:
            return last_segment(self.instance_arn)
        parts = self.agent_arn.split("/")
        return parts[1] if len(parts) >= 4 else ""

    @classmethod
    def from_json(cls, obj: JsonObject) -> "AgentEvent":
        raw_type = require_str(obj, "EventType")
        try:
            event_type = EventType(raw_type)
        except ValueError as exc:
            known = ", ".join(EventType)
            raise RejectedRecord("unknown_event_type", f"EventType {raw_type!r:.40} is not one of {known}") from exc
        snapshot_json = obj.get("CurrentAgentSnapshot")
        if snapshot_json is None and event_type is not EventType.LOGOUT:
            raise RejectedRecord("missing_CurrentAgentSnapshot", f"{event_type} events carry the agent snapshot")
        return cls(
            event_id=require_str(obj, "EventId"),
            event_type=event_type,
            event_time=parse_timestamp(obj.get("EventTimestamp"), "EventTimestamp"),
            agent_arn=require_str(obj, "AgentARN"),
            instance_arn=optional_str(obj, "InstanceARN"),
            snapshot=AgentSnapshot.from_json(snapshot_json) if snapshot_json is not None else None,
        )

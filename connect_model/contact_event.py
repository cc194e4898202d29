"""EventBridge "Amazon Connect Contact Event" (best effort: may be lost, duplicated or unordered).

Current events use camelCase detail keys, older samples PascalCase and even `instanceARN`: keys of
`detail`, `queueInfo` and `agentInfo` are read without regard to case. Connect writes
`1970-01-01T00:00:00.001Z` for a step that has not happened yet (e.g. `connectedToAgentTimestamp` in a
CONTACT_DATA_UPDATED while queued): any time on 1970-01-01 reads as absent.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from connect_model.arns import is_agent_queue, last_segment
from connect_model.errors import RejectedRecord
from connect_model.fields import (
    JsonObject,
    ascii_lower,
    ascii_upper,
    optional_object,
    optional_str,
    require_object,
    require_str,
)
from connect_model.timestamps import parse_optional_timestamp, parse_timestamp

DETAIL_TYPE = "Amazon Connect Contact Event"
SOURCE = "aws.connect"
UNSET_TIME_PREFIX = "1970-01-01T"


class ContactEventType(StrEnum):
    """The event types of the contact events data model (Administrator Guide, "Contact events")."""

    AMD_DISABLED = "AMD_DISABLED"
    INITIATED = "INITIATED"
    CONNECTED_TO_SYSTEM = "CONNECTED_TO_SYSTEM"
    CONTACT_DATA_UPDATED = "CONTACT_DATA_UPDATED"
    QUEUED = "QUEUED"
    CONNECTED_TO_AGENT = "CONNECTED_TO_AGENT"
    DISCONNECTED = "DISCONNECTED"
    COMPLETED = "COMPLETED"
    PAUSED = "PAUSED"
    RESUMED = "RESUMED"
    WEBRTC_API = "WEBRTC_API"


def _folded(value: Any, levels: int = 2) -> Any:
    """Keys lower-cased (ASCII letters only) in `detail` and the objects directly inside it (`queueInfo`,
    `agentInfo`): the only levels read. Not recursive beyond that, so a deeply nested detail costs nothing.
    Of two keys that fold to the same name, the later one wins (as for a duplicate key in JSON)."""
    if not isinstance(value, dict):
        return value
    return {
        (ascii_lower(k) if isinstance(k, str) else k): (_folded(v, levels - 1) if levels > 1 else v)
        for k, v in value.items()
    }


def _time(obj: JsonObject, key: str, field: str) -> datetime | None:
    value = obj.get(key)
    if isinstance(value, str) and value.startswith(UNSET_TIME_PREFIX):
        return None
    return parse_optional_timestamp(value, field)


@dataclass(frozen=True, slots=True)
class ContactEvent:
    event_id: str
    event_type: str
    event_time: datetime
    contact_id: str
    instance_arn: str
    channel: str
    initiation_method: str | None
    queue_arn: str | None
    agent_arn: str | None
    initiated: datetime | None
    enqueued: datetime | None
    connected_to_agent: datetime | None
    disconnected: datetime | None
    # Later additions keep defaults, so positional construction stays valid.
    connected_to_system: datetime | None = None
    queue_type: str | None = None
    initial_contact_id: str | None = None
    previous_contact_id: str | None = None
    after_contact_work_start: datetime | None = None
    after_contact_work_end: datetime | None = None

    @property
    def instance_id(self) -> str:
        return last_segment(self.instance_arn)

    @property
    def queue_id(self) -> str | None:
        return last_segment(self.queue_arn) if self.queue_arn else None

    @property
    def standard_queue_id(self) -> str | None:
        """The queue, unless it is an agent's own queue (a transfer to that agent)."""
        return self.queue_id if self.queue_arn and not is_agent_queue(self.queue_arn) else None

    @property
    def agent_id(self) -> str | None:
        return last_segment(self.agent_arn) if self.agent_arn else None

    @property
    def known_type(self) -> bool:
        return self.event_type in ContactEventType.__members__

    @property
    def step_time(self) -> datetime:
        """When the step this event reports happened, the same in every copy of the event: the contact's own
        timestamp for it, else the envelope's `time` (whole seconds, when EventBridge published it)."""
        step = {
            ContactEventType.INITIATED: self.initiated,
            ContactEventType.CONNECTED_TO_SYSTEM: self.connected_to_system,
            ContactEventType.QUEUED: self.enqueued,
            ContactEventType.CONNECTED_TO_AGENT: self.connected_to_agent,
            ContactEventType.DISCONNECTED: self.disconnected,
            ContactEventType.COMPLETED: self.after_contact_work_end or self.disconnected,
        }.get(self.event_type)  # type: ignore[call-overload]
        return step or self.event_time


def parse_contact_event(envelope: JsonObject) -> ContactEvent:
    """Parse an EventBridge envelope whose `detail` is a Connect contact event. Event types Connect adds
    later are kept (`known_type` tells them apart)."""
    envelope = require_object(envelope, "event")
    if envelope.get("source") != SOURCE or envelope.get("detail-type") != DETAIL_TYPE:
        raise RejectedRecord("not_a_contact_event", f"expected source {SOURCE!r}, detail-type {DETAIL_TYPE!r}")
    detail: JsonObject = _folded(require_object(envelope.get("detail"), "detail"))
    queue = optional_object(detail.get("queueinfo"), "queueInfo") or {}
    agent = optional_object(detail.get("agentinfo"), "agentInfo") or {}
    return ContactEvent(
        event_id=require_str(envelope, "id"),
        event_type=require_str(detail, "eventtype", "eventType"),
        event_time=parse_timestamp(envelope.get("time"), "time"),
        contact_id=require_str(detail, "contactid", "contactId"),
        instance_arn=require_str(detail, "instancearn", "instanceArn"),
        channel=ascii_upper(optional_str(detail, "channel") or "VOICE"),
        initiation_method=optional_str(detail, "initiationmethod", "initiationMethod"),
        queue_arn=optional_str(queue, "queuearn", "queueArn"),
        agent_arn=optional_str(agent, "agentarn", "agentArn"),
        initiated=_time(detail, "initiationtimestamp", "initiationTimestamp"),
        enqueued=_time(queue, "enqueuetimestamp", "enqueueTimestamp"),
        connected_to_agent=_time(agent, "connectedtoagenttimestamp", "connectedToAgentTimestamp"),
        disconnected=_time(detail, "disconnecttimestamp", "disconnectTimestamp"),
        connected_to_system=_time(detail, "connectedtosystemtimestamp", "connectedToSystemTimestamp"),
        queue_type=optional_str(queue, "queuetype", "queueType"),
        initial_contact_id=optional_str(detail, "initialcontactid", "initialContactId"),
        previous_contact_id=optional_str(detail, "previouscontactid", "previousContactId"),
        after_contact_work_start=_time(agent, "aftercontactworkstarttimestamp", "afterContactWorkStartTimestamp"),
        after_contact_work_end=_time(agent, "aftercontactworkendtimestamp", "afterContactWorkEndTimestamp"),
    )

"""EventBridge "Amazon Connect Contact Event" (best effort: may be lost, duplicated or unordered).

Current events use camelCase detail keys, older samples PascalCase; both are read by folding the
first letter of every key to lower case.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connect_model.arns import last_segment
from connect_model.fields import JsonObject, optional_object, optional_str, require_object, require_str
from connect_model.timestamps import parse_optional_timestamp, parse_timestamp

DETAIL_TYPE = "Amazon Connect Contact Event"
SOURCE = "aws.connect"


def _camel(value: Any, levels: int = 2) -> Any:
    """Keys folded to camelCase in `detail` and the objects directly inside it (`queueInfo`, `agentInfo`):
    the only levels read. Not recursive beyond that, so a deeply nested detail costs nothing."""
    if not isinstance(value, dict):
        return value
    return {
        (k[:1].lower() + k[1:] if isinstance(k, str) else k): (_camel(v, levels - 1) if levels > 1 else v)
        for k, v in value.items()
    }


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

    @property
    def instance_id(self) -> str:
        return last_segment(self.instance_arn)

    @property
    def queue_id(self) -> str | None:
        return last_segment(self.queue_arn) if self.queue_arn else None

    @property
    def agent_id(self) -> str | None:
        return last_segment(self.agent_arn) if self.agent_arn else None


def parse_contact_event(envelope: JsonObject) -> ContactEvent:
    """Parse an EventBridge envelope whose `detail` is a Connect contact event."""
    envelope = require_object(envelope, "event")
    detail: JsonObject = _camel(require_object(envelope.get("detail"), "detail"))
    queue = optional_object(detail.get("queueInfo"), "queueInfo") or {}
    agent = optional_object(detail.get("agentInfo"), "agentInfo") or {}
    return ContactEvent(
        event_id=require_str(envelope, "id"),
        event_type=require_str(detail, "eventType"),
        event_time=parse_timestamp(envelope.get("time"), "time"),
        contact_id=require_str(detail, "contactId"),
        instance_arn=require_str(detail, "instanceArn"),
        channel=optional_str(detail, "channel") or "VOICE",
        initiation_method=optional_str(detail, "initiationMethod"),
        queue_arn=optional_str(queue, "queueArn"),
        agent_arn=optional_str(agent, "agentArn"),
        initiated=parse_optional_timestamp(detail.get("initiationTimestamp"), "initiationTimestamp"),
        enqueued=parse_optional_timestamp(queue.get("enqueueTimestamp"), "enqueueTimestamp"),
        connected_to_agent=parse_optional_timestamp(
            agent.get("connectedToAgentTimestamp"), "connectedToAgentTimestamp"
        ),
        disconnected=parse_optional_timestamp(detail.get("disconnectTimestamp"), "disconnectTimestamp"),
        connected_to_system=parse_optional_timestamp(
            detail.get("connectedToSystemTimestamp"), "connectedToSystemTimestamp"
        ),
        queue_type=optional_str(queue, "queueType"),
        initial_contact_id=optional_str(detail, "initialContactId"),
    )

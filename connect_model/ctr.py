"""Contact trace records (Amazon Connect Admin Guide, "Contact records data model").

Connect delivers a CTR at least once, after the contact's last update, and again whenever it is
updated: the copy with the highest `LastUpdateTimestamp` for a `ContactId` is the true one.
"""

from dataclasses import dataclass
from datetime import datetime

from connect_model.arns import last_segment
from connect_model.fields import JsonObject, ascii_upper, optional_number, optional_object, optional_str, require_str
from connect_model.timestamps import parse_optional_timestamp, parse_timestamp


@dataclass(frozen=True, slots=True)
class CtrQueue:
    arn: str
    name: str
    duration_seconds: float
    enqueued: datetime | None
    dequeued: datetime | None

    @property
    def queue_id(self) -> str:
        return last_segment(self.arn)

    @classmethod
    def from_json(cls, obj: JsonObject) -> "CtrQueue":
        return cls(
            arn=require_str(obj, "ARN", "Queue.ARN"),
            name=optional_str(obj, "Name") or "",
            duration_seconds=optional_number(obj, "Duration") or 0.0,
            enqueued=parse_optional_timestamp(obj.get("EnqueueTimestamp"), "Queue.EnqueueTimestamp"),
            dequeued=parse_optional_timestamp(obj.get("DequeueTimestamp"), "Queue.DequeueTimestamp"),
        )


@dataclass(frozen=True, slots=True)
class CtrAgent:
    arn: str | None
    username: str | None
    connected: datetime | None
    interaction_seconds: float
    hold_seconds: float
    after_contact_work_seconds: float
    number_of_holds: int

    @property
    def handle_seconds(self) -> float:
        """Connect's handle time: talk + hold + after-contact work; a missing part counts 0."""
        return self.interaction_seconds + self.hold_seconds + self.after_contact_work_seconds

    @classmethod
    def from_json(cls, obj: JsonObject) -> "CtrAgent":
        return cls(
            arn=optional_str(obj, "ARN"),
            username=optional_str(obj, "Username"),
            connected=parse_optional_timestamp(obj.get("ConnectedToAgentTimestamp"), "Agent.ConnectedToAgentTimestamp"),
            interaction_seconds=optional_number(obj, "AgentInteractionDuration") or 0.0,
            hold_seconds=optional_number(obj, "CustomerHoldDuration") or 0.0,
            after_contact_work_seconds=optional_number(obj, "AfterContactWorkDuration") or 0.0,
            number_of_holds=int(optional_number(obj, "NumberOfHolds") or 0),
        )


# Connect counts a contact as abandoned when the customer hung up in queue; older records carry no reason.
CUSTOMER_DISCONNECT = "CUSTOMER_DISCONNECT"


@dataclass(frozen=True, slots=True)
class ContactTraceRecord:
    contact_id: str
    instance_arn: str
    channel: str
    initiation_method: str | None
    initiated: datetime | None
    disconnected: datetime
    last_updated: datetime
    queue: CtrQueue | None
    agent: CtrAgent | None
    # Later additions keep defaults, so positional construction stays valid.
    next_contact_id: str | None = None
    disconnect_reason: str | None = None

    @property
    def instance_id(self) -> str:
        return last_segment(self.instance_arn)

    @property
    def queued(self) -> bool:
        """Waited in a queue: an outbound call carries its outbound queue, but no enqueue time."""
        return self.queue is not None and self.queue.enqueued is not None

    @property
    def handled(self) -> bool:
        """An agent was connected."""
        return self.agent is not None and self.agent.connected is not None

    @property
    def abandoned(self) -> bool:
        """The customer hung up while queued: not handled, not moved on to another contact (a callback or a
        queue transfer sets `NextContactId`), and not disconnected for another reason (a flow, say)."""
        return (
            self.queued
            and not self.handled
            and not self.next_contact_id
            and (self.disconnect_reason is None or self.disconnect_reason == CUSTOMER_DISCONNECT)
        )

    @property
    def went_on_hold(self) -> bool:
        return self.agent is not None and self.agent.number_of_holds > 0

    @classmethod
    def from_json(cls, obj: JsonObject) -> "ContactTraceRecord":
        disconnected = parse_timestamp(obj.get("DisconnectTimestamp"), "DisconnectTimestamp")
        queue = optional_object(obj.get("Queue"), "Queue")
        agent = optional_object(obj.get("Agent"), "Agent")
        last_update = parse_optional_timestamp(obj.get("LastUpdateTimestamp"), "LastUpdateTimestamp")
        return cls(
            contact_id=require_str(obj, "ContactId"),
            instance_arn=require_str(obj, "InstanceARN"),
            channel=ascii_upper(optional_str(obj, "Channel") or "VOICE"),
            initiation_method=optional_str(obj, "InitiationMethod"),
            initiated=parse_optional_timestamp(obj.get("InitiationTimestamp"), "InitiationTimestamp"),
            disconnected=disconnected,
            # Older records lack it; then the disconnect time orders the copies.
            last_updated=last_update or disconnected,
            queue=CtrQueue.from_json(queue) if queue is not None else None,
            agent=CtrAgent.from_json(agent) if agent is not None else None,
            next_contact_id=optional_str(obj, "NextContactId"),
            disconnect_reason=optional_str(obj, "DisconnectReason"),
        )

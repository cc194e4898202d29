"""One contact segment from initiation to the end of after-contact work: what its CTR and events report."""

from dataclasses import dataclass, field
from datetime import datetime

from traffic_generator.topology import Agent, Queue, RoutingProfile

# InitiationMethod values (contact records data model). Chats and tasks started by StartChatContact /
# StartTaskContact are "API", not "INBOUND".
INBOUND, OUTBOUND, API, CALLBACK, QUEUE_TRANSFER = "INBOUND", "OUTBOUND", "API", "CALLBACK", "QUEUE_TRANSFER"
# DisconnectReason values used here.
CUSTOMER_DISCONNECT, AGENT_DISCONNECT, CONTACT_FLOW_DISCONNECT = (
    "CUSTOMER_DISCONNECT",
    "AGENT_DISCONNECT",
    "CONTACT_FLOW_DISCONNECT",
)
# The customer queue flow's actions on a waiting contact.
FLOW_CALLBACK, FLOW_TRANSFER, FLOW_DISCONNECT = "callback", "transfer", "disconnect"


@dataclass(slots=True, eq=False)
class Contact:
    contact_id: str
    channel: str
    method: str
    initiated: datetime
    seq: int  # creation order: breaks ties between equal enqueue times, so FIFO is total
    queue: Queue | None = None
    connected_to_system: datetime | None = None
    enqueued: datetime | None = None
    dequeued: datetime | None = None
    previous_id: str | None = None
    initial_id: str | None = None
    next_id: str | None = None
    agent: Agent | None = None
    profile: RoutingProfile | None = None
    connected: datetime | None = None
    holds: list[int] = field(default_factory=list)  # whole seconds of each hold, in order
    disconnected: datetime | None = None
    acw_end: datetime | None = None
    disconnect_reason: str | None = None
    reason_recorded: bool = True  # False: the CTR has no DisconnectReason key at all (older records)
    offers: int = 0  # AgentConnectionAttempts
    # While queued: when the customer hangs up (None: never, e.g. a callback or a task), what the flow does.
    gives_up_at: datetime | None = None
    flow_action: str | None = None
    declined_by: set[int] = field(default_factory=set)  # agents that rejected it: offered to others first
    token: int = 0  # bumped when it leaves the queue, so the queue's timers of that stay do nothing

    @property
    def handled(self) -> bool:
        return self.connected is not None

    @property
    def hold_seconds(self) -> int:
        return sum(self.holds)

    def follow_up(self, contact_id: str, method: str, at: datetime, seq: int) -> "Contact":
        """The next segment (callback or queue transfer): linked both ways, as CTRs link them."""
        self.next_id = contact_id
        return Contact(
            contact_id,
            self.channel,
            method,
            at,
            seq,
            previous_id=self.contact_id,
            initial_id=self.initial_id or self.contact_id,
        )


@dataclass(slots=True, eq=False)
class Leg:
    """A contact on one agent's snapshot, in its state there: a missed call stays MISSED on that agent's
    snapshot until cleared, while the contact itself is back in the queue or ringing another agent."""

    contact: Contact
    state: str
    state_start: datetime

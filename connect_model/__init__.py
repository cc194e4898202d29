"""The Amazon Connect data model, shared by the Flink job, the Lambdas, the generator and the tests.

Agent events, contact trace records (CTRs) and contact events arrive on one Kinesis stream;
`parse_stream_record` tells them apart and returns a typed record, or raises `RejectedRecord` with a reason.
"""

from connect_model.agent_event import (
    AgentContact,
    AgentEvent,
    AgentSnapshot,
    AgentStatus,
    ContactState,
    EventType,
    QueueRef,
    RoutingProfile,
    StatusType,
)
from connect_model.arns import last_segment
from connect_model.contact_event import ContactEvent, ContactEventType, parse_contact_event
from connect_model.ctr import ContactTraceRecord, CtrAgent, CtrQueue
from connect_model.errors import RejectedRecord
from connect_model.stream_record import StreamRecord, parse_stream_record, reject_future
from connect_model.timestamps import format_timestamp, parse_timestamp

__all__ = [
    "AgentContact",
    "AgentEvent",
    "AgentSnapshot",
    "AgentStatus",
    "ContactEvent",
    "ContactEventType",
    "ContactState",
    "ContactTraceRecord",
    "CtrAgent",
    "CtrQueue",
    "EventType",
    "QueueRef",
    "RejectedRecord",
    "RoutingProfile",
    "StatusType",
    "StreamRecord",
    "format_timestamp",
    "last_segment",
    "parse_contact_event",
    "parse_stream_record",
    "parse_timestamp",
    "reject_future",
]

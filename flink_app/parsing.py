"""The job's one Python step: parse each raw stream record with the shared `connect_model`.

A table function yields exactly one row per record: `kind` is agent_event, ctr or dead_letter
(with `reason`), so nothing is dropped between the source and the three branches.
"""

from collections.abc import Iterator
from typing import Any

from pyflink.table import DataTypes, Row
from pyflink.table.udf import udtf

from connect_model import AgentEvent, RejectedRecord, parse_stream_record

MAX_DEAD_LETTER_CHARS = 4096  # enough to inspect a bad record, bounded for hostile ones

QUEUE_ROW = DataTypes.ROW(
    [DataTypes.FIELD("queue_id", DataTypes.STRING()), DataTypes.FIELD("queue_name", DataTypes.STRING())]
)

PARSED_FIELDS: list[tuple[str, Any]] = [
    ("kind", DataTypes.STRING()),
    ("reason", DataTypes.STRING()),
    ("raw_record", DataTypes.STRING()),
    ("event_id", DataTypes.STRING()),
    ("event_type", DataTypes.STRING()),
    ("event_ms", DataTypes.BIGINT()),
    ("agent_id", DataTypes.STRING()),
    ("instance_id", DataTypes.STRING()),
    ("status_name", DataTypes.STRING()),
    ("status_type", DataTypes.STRING()),
    ("has_contacts", DataTypes.BOOLEAN()),
    ("on_contact", DataTypes.BOOLEAN()),
    ("in_acw", DataTypes.BOOLEAN()),
    ("in_error", DataTypes.BOOLEAN()),
    ("queues", DataTypes.ARRAY(QUEUE_ROW)),
]
PARSED_COLUMNS = [name for name, _ in PARSED_FIELDS]


def parsed_row(data: str | None) -> tuple[Any, ...]:
    """The row for one record (pure Python, unit-tested without Flink)."""
    empty = (None,) * (len(PARSED_FIELDS) - 3)
    if data is None:
        return ("dead_letter", "null_record", None, *empty)
    try:
        record = parse_stream_record(data)
    except RejectedRecord as rejected:
        return ("dead_letter", rejected.reason, data[:MAX_DEAD_LETTER_CHARS], *empty)
    if not isinstance(record, AgentEvent):
        return ("ctr", None, None, *empty)  # CTR metrics come with the contact-metrics issue
    snapshot = record.snapshot
    queues: list[Row] = []
    if snapshot is not None and snapshot.routing_profile is not None:
        queues = [Row(q.queue_id, q.name) for q in snapshot.routing_profile.inbound_queues]
    return (
        "agent_event",
        None,
        None,
        record.event_id,
        record.event_type.value,
        int(record.event_time.timestamp() * 1000),
        record.agent_id,
        record.instance_id,
        snapshot.status.name if snapshot else None,
        snapshot.status.type.value if snapshot else None,
        bool(snapshot.contacts) if snapshot else False,
        snapshot.on_contact if snapshot else False,
        snapshot.in_after_contact_work if snapshot else False,
        snapshot.in_error if snapshot else False,
        queues,
    )


@udtf(result_types=[t for _, t in PARSED_FIELDS])
def parse_connect_record(data: str | None) -> Iterator[tuple[Any, ...]]:
    yield parsed_row(data)

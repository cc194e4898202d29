"""The job's one Python step: parse each raw stream record with the shared `connect_model`.

A table function yields exactly one row per record: `kind` is agent_event, ctr or dead_letter
(with `reason`), so nothing is dropped between the source and the three branches. Agent-event
columns are null on CTR rows and the other way round; the Java operators behind this step
(`io.github.connectmonitor.metrics.ParsedRowRouter`) find the columns by name.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from pyflink.table import DataTypes
from pyflink.table.udf import udtf

from connect_model import AgentEvent, ContactTraceRecord, RejectedRecord, parse_stream_record, reject_future

MAX_DEAD_LETTER_CHARS = 4096  # enough to inspect a bad record, bounded for hostile ones


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
    # The routing profile's inbound queues as two arrays of equal length (not an array of rows: PyFlink's
    # thread mode reuses one row object for every element of such an array).
    ("queue_ids", DataTypes.ARRAY(DataTypes.STRING())),
    ("queue_names", DataTypes.ARRAY(DataTypes.STRING())),
    # CTRs
    ("contact_id", DataTypes.STRING()),
    ("channel", DataTypes.STRING()),
    ("queue_id", DataTypes.STRING()),
    ("queue_name", DataTypes.STRING()),
    ("disconnect_ms", DataTypes.BIGINT()),
    ("last_update_ms", DataTypes.BIGINT()),
    ("handled", DataTypes.BOOLEAN()),
    ("handle_seconds", DataTypes.DOUBLE()),
    ("queue_wait_seconds", DataTypes.DOUBLE()),
    ("hold_seconds", DataTypes.DOUBLE()),
    ("acw_seconds", DataTypes.DOUBLE()),
]
PARSED_COLUMNS = [name for name, _ in PARSED_FIELDS]
_AGENT_COLUMNS = PARSED_COLUMNS.index("contact_id")  # agent-event columns come first
_NO_CTR = (None,) * (len(PARSED_FIELDS) - _AGENT_COLUMNS)
# Every column after kind/reason/raw_record, empty; arrays are never null (PyFlink's thread mode cannot
# convert a null array).
_EMPTY = tuple([] if name in ("queue_ids", "queue_names") else None for name in PARSED_COLUMNS[3:])


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ms(moment: datetime) -> int:
    """Epoch milliseconds, exactly (a float product can be off by one)."""
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _ctr_row(record: ContactTraceRecord) -> tuple[Any, ...]:
    agent, queue = record.agent, record.queue
    handled = record.handled
    return (
        "ctr",
        None,
        None,
        *(None,) * 4,
        record.instance_id,
        *(None,) * (_AGENT_COLUMNS - 10),
        [],  # queue_ids and queue_names: never null (thread mode cannot convert a null array)
        [],
        record.contact_id,
        record.channel,
        queue.queue_id if queue else None,
        queue.name if queue else None,
        _ms(record.disconnected),
        _ms(record.last_updated),
        handled,
        agent.handle_seconds if agent else 0.0,
        queue.duration_seconds if queue else 0.0,
        agent.hold_seconds if agent else 0.0,
        agent.after_contact_work_seconds if agent else 0.0,
    )


def parsed_row(data: str | None) -> tuple[Any, ...]:
    """The row for one record (pure Python, unit-tested without Flink)."""
    empty = _EMPTY
    if data is None:
        return ("dead_letter", "null_record", None, *empty)
    try:
        record = reject_future(parse_stream_record(data), datetime.now(UTC))
    except RejectedRecord as rejected:
        return ("dead_letter", rejected.reason, data[:MAX_DEAD_LETTER_CHARS], *empty)
    if not isinstance(record, AgentEvent):
        return _ctr_row(record)
    snapshot = record.snapshot
    queues = snapshot.routing_profile.inbound_queues if snapshot is not None and snapshot.routing_profile else ()
    return (
        "agent_event",
        None,
        None,
        record.event_id,
        record.event_type.value,
        _ms(record.event_time),
        record.agent_id,
        record.instance_id,
        snapshot.status.name if snapshot else None,
        snapshot.status.type.value if snapshot else None,
        bool(snapshot.contacts) if snapshot else False,
        snapshot.on_contact if snapshot else False,
        snapshot.in_after_contact_work if snapshot else False,
        snapshot.in_error if snapshot else False,
        [q.queue_id for q in queues],
        [q.name for q in queues],
        *_NO_CTR,
    )


@udtf(result_types=[t for _, t in PARSED_FIELDS])
def parse_connect_record(data: str | None) -> Iterator[tuple[Any, ...]]:
    yield parsed_row(data)

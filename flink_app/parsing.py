"""The parse step's row, specified in Python from the shared `connect_model`.

The job parses in the JVM (`connectors/.../parse/ConnectRecordParser.java`): one row per raw record, in
the column order of `PARSED_COLUMNS`. This module says what that row must be for any input, by the
rules of the model the Lambdas and the generator use; tests/reliability/test_parser_conformance.py
holds the JVM parser equal to it, column for column, on the bad-input corpus, generated traffic and
fuzzed documents. Nothing here runs in the job.

`kind` is agent_event, ctr, contact_event or dead_letter (with `reason`). Columns of another kind are
null; the arrays are never null.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from connect_model import (
    AgentEvent,
    ContactEvent,
    ContactTraceRecord,
    RejectedRecord,
    parse_stream_record,
    reject_future,
)

MAX_DEAD_LETTER_CHARS = 4096  # enough to inspect a bad record, bounded for hostile ones

# (name, type) in the JVM parser's order; types as Flink names them.
PARSED_FIELDS: list[tuple[str, str]] = [
    ("kind", "STRING"),
    ("reason", "STRING"),
    ("raw_record", "STRING"),
    ("instance_id", "STRING"),
    # Agent events; contact events reuse event_id (the envelope's id), event_type and event_ms (step time).
    ("event_id", "STRING"),
    ("event_type", "STRING"),
    ("event_ms", "BIGINT"),
    ("agent_id", "STRING"),
    ("status_name", "STRING"),
    ("status_type", "STRING"),
    ("has_contacts", "BOOLEAN"),
    ("on_contact", "BOOLEAN"),
    ("in_acw", "BOOLEAN"),
    ("in_error", "BOOLEAN"),
    # The routing profile's standard inbound queues (agent queues left out), ids and names in the same order.
    ("queue_ids", "ARRAY<STRING>"),
    ("queue_names", "ARRAY<STRING>"),
    # CTRs and contact events. For a contact event queue_id is null for an agent's own queue.
    ("contact_id", "STRING"),
    ("channel", "STRING"),
    ("queue_id", "STRING"),
    ("queue_name", "STRING"),
    # CTRs
    ("disconnect_ms", "BIGINT"),
    ("last_update_ms", "BIGINT"),
    ("queued", "BOOLEAN"),
    ("handled", "BOOLEAN"),
    ("abandoned", "BOOLEAN"),
    ("held", "BOOLEAN"),
    ("handle_seconds", "DOUBLE"),
    ("queue_wait_seconds", "DOUBLE"),
    ("hold_seconds", "DOUBLE"),
    ("acw_seconds", "DOUBLE"),
]
PARSED_COLUMNS = [name for name, _ in PARSED_FIELDS]
_ARRAYS = ("queue_ids", "queue_names")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ms(moment: datetime) -> int:
    """Epoch milliseconds, exactly (a float product can be off by one)."""
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _row(kind: str, **columns: Any) -> tuple[Any, ...]:
    values = {name: ([] if name in _ARRAYS else None) for name in PARSED_COLUMNS}
    values.update(kind=kind, **columns)
    return tuple(values[name] for name in PARSED_COLUMNS)


def _agent_event_row(record: AgentEvent) -> tuple[Any, ...]:
    snapshot = record.snapshot
    profile = snapshot.routing_profile if snapshot else None
    queues = profile.standard_queues if profile else ()
    return _row(
        "agent_event",
        instance_id=record.instance_id,
        event_id=record.event_id,
        event_type=record.event_type.value,
        event_ms=_ms(record.event_time),
        agent_id=record.agent_id,
        status_name=snapshot.status.name if snapshot else None,
        status_type=snapshot.status.type.value if snapshot else None,
        has_contacts=bool(snapshot.contacts) if snapshot else False,
        on_contact=snapshot.on_contact if snapshot else False,
        in_acw=snapshot.in_after_contact_work if snapshot else False,
        in_error=snapshot.in_error if snapshot else False,
        queue_ids=[q.queue_id for q in queues],
        queue_names=[q.name for q in queues],
    )


def _ctr_row(record: ContactTraceRecord) -> tuple[Any, ...]:
    agent, queue = record.agent, record.queue
    return _row(
        "ctr",
        instance_id=record.instance_id,
        contact_id=record.contact_id,
        channel=record.channel,
        queue_id=queue.queue_id if queue else None,
        queue_name=queue.name if queue else None,
        disconnect_ms=_ms(record.disconnected),
        last_update_ms=_ms(record.last_updated),
        queued=record.queued,
        handled=record.handled,
        abandoned=record.abandoned,
        held=record.went_on_hold,
        handle_seconds=agent.handle_seconds if agent else 0.0,
        queue_wait_seconds=queue.duration_seconds if queue else 0.0,
        hold_seconds=agent.hold_seconds if agent else 0.0,
        acw_seconds=agent.after_contact_work_seconds if agent else 0.0,
    )


def _contact_event_row(record: ContactEvent) -> tuple[Any, ...]:
    return _row(
        "contact_event",
        instance_id=record.instance_id,
        event_id=record.event_id,
        event_type=record.event_type,
        event_ms=_ms(record.step_time),
        contact_id=record.contact_id,
        channel=record.channel,
        queue_id=record.standard_queue_id,
    )


def parsed_row(data: str | None, now: datetime | None = None) -> tuple[Any, ...]:
    """The row for one record; `now` bounds future timestamps (default: the wall clock)."""
    if data is None:
        return _row("dead_letter", reason="null_record")
    try:
        record = reject_future(parse_stream_record(data), now or datetime.now(UTC))
    except RejectedRecord as rejected:
        return _row("dead_letter", reason=rejected.reason, raw_record=data[:MAX_DEAD_LETTER_CHARS])
    if isinstance(record, AgentEvent):
        return _agent_event_row(record)
    if isinstance(record, ContactEvent):
        return _contact_event_row(record)
    return _ctr_row(record)

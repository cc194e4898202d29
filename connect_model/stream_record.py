"""One record of the shared Kinesis stream: an agent event, a CTR, a contact event (an EventBridge rule
puts Connect's contact events on the stream too), or rejected with a reason."""

import json
from datetime import datetime, timedelta

from connect_model.agent_event import AgentEvent
from connect_model.contact_event import ContactEvent, parse_contact_event
from connect_model.ctr import ContactTraceRecord
from connect_model.errors import RejectedRecord

StreamRecord = AgentEvent | ContactTraceRecord | ContactEvent

# Larger than any real Connect record (CTRs with many attributes stay well under 100 KiB); the bound
# keeps a hostile payload from costing the job unbounded memory and time.
MAX_RECORD_BYTES = 1_048_576


def _no_constants(name: str) -> float:
    # RFC 8259 has no NaN or Infinity; Python's json takes them by default, the JVM parser does not.
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_no_constants)


def parse_stream_record(data: bytes | str) -> StreamRecord:
    """Decode one stream record. Raises `RejectedRecord` for anything that is neither kind."""
    size = _utf8_size(data)
    if size > MAX_RECORD_BYTES:
        raise RejectedRecord("too_large", f"{size} bytes > {MAX_RECORD_BYTES}")
    try:
        # Bytes are read as UTF-8 only, as the job's Kinesis source decodes them: json.loads(bytes) would
        # also take UTF-16/32 and a byte order mark, so the Lambdas and the job would disagree on a record.
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        if text.startswith("\ufeff"):
            raise ValueError("starts with a byte order mark")
        obj = _DECODER.decode(text)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise RejectedRecord("not_json", str(exc)[:120]) from exc
    if not isinstance(obj, dict):
        raise RejectedRecord("not_an_object", f"top level is {type(obj).__name__}")
    kind = record_kind(obj)
    if kind == "ctr":
        return ContactTraceRecord.from_json(obj)
    if kind == "agent_event":
        return AgentEvent.from_json(obj)
    if kind == "contact_event":
        event = parse_contact_event(obj)
        if not event.known_type:
            raise RejectedRecord("unknown_event_type", f"contact event type {event.event_type!r:.40} is not known")
        return event
    raise RejectedRecord(
        "unknown_kind",
        "neither an agent event (EventType, AgentARN), a CTR (ContactId) nor a contact event (detail-type)",
    )


def _utf8_size(data: bytes | str) -> int:
    """Bytes as on the stream, also for text (the job gets records decoded); encodes only when it matters."""
    if isinstance(data, bytes) or len(data) > MAX_RECORD_BYTES or len(data) * 4 <= MAX_RECORD_BYTES:
        return len(data)  # for text: already too large in characters, or small even at 4 bytes each
    if data.isascii():
        return len(data)
    return len(data.encode("utf-8", "surrogatepass"))


def record_kind(obj: dict[str, object]) -> str | None:
    """Agent events have `EventType`; CTRs have a format version or a `ContactId` and no `EventType`; contact
    events are EventBridge envelopes (`detail-type`)."""
    if "AWSContactTraceRecordFormatVersion" in obj:
        return "ctr"
    if "EventType" in obj or "AgentARN" in obj:
        return "agent_event"
    if "ContactId" in obj:
        return "ctr"
    if "detail-type" in obj:
        return "contact_event"
    return None


# Timestream refuses records more than 15 minutes ahead, and a clock that far off is wrong: one such
# event would otherwise drag the job's event time (and every later window) years ahead.
MAX_FUTURE = timedelta(minutes=15)


def reject_future(record: StreamRecord, now: datetime, tolerance: timedelta = MAX_FUTURE) -> StreamRecord:
    """The record itself, or `RejectedRecord("future_timestamp")` if a time it is counted by is ahead of `now`."""
    latest = now + tolerance
    if isinstance(record, AgentEvent):
        moments = {"EventTimestamp": record.event_time}
    elif isinstance(record, ContactEvent):
        moments = {"time": record.event_time, "step time": record.step_time}
    else:
        moments = {"DisconnectTimestamp": record.disconnected, "LastUpdateTimestamp": record.last_updated}
    for field, moment in moments.items():
        if moment > latest:
            raise RejectedRecord("future_timestamp", f"{field} {moment.isoformat()} is more than {tolerance} ahead")
    return record

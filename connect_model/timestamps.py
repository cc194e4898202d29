"""Connect timestamps: ISO-8601 UTC strings such as `2026-11-24T10:00:00.123Z`."""

from datetime import UTC, datetime

from connect_model.errors import RejectedRecord

# Amazon Connect launched in 2017; a time outside these bounds is corruption, not data. Taking it would put
# a record years away from every window (or a far-future one ahead of the watermark) and cannot be written
# to Timestream (which takes times from the epoch to 15 minutes ahead of now).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def parse_timestamp(value: object, field: str) -> datetime:
    """Parse a Connect timestamp into an aware UTC datetime, or reject the record naming the field."""
    if not isinstance(value, str) or not value:
        raise RejectedRecord(f"bad_{field}", f"{field} must be an ISO-8601 string, got {value!r:.80}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        parsed = parsed.astimezone(UTC)  # OverflowError for year 1 or 9999 shifted past the range
    except (ValueError, OverflowError) as exc:
        raise RejectedRecord(f"bad_{field}", f"{field} is not ISO-8601: {value!r:.80}") from exc
    if not EARLIEST <= parsed < LATEST:
        raise RejectedRecord(f"bad_{field}", f"{field} {value!r:.40} is outside {EARLIEST.year}-{LATEST.year - 1}")
    return parsed


def parse_optional_timestamp(value: object, field: str) -> datetime | None:
    return None if value is None or value == "" else parse_timestamp(value, field)


def format_timestamp(moment: datetime) -> str:
    """The inverse of `parse_timestamp`, with millisecond precision as Connect writes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

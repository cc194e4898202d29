"""Connect timestamps: ISO-8601 UTC strings such as `2026-11-24T10:00:00.123Z`."""

from datetime import UTC, datetime

from connect_model.errors import RejectedRecord


def parse_timestamp(value: object, field: str) -> datetime:
    """Parse a Connect timestamp into an aware UTC datetime, or reject the record naming the field."""
    if not isinstance(value, str) or not value:
        raise RejectedRecord(f"bad_{field}", f"{field} must be an ISO-8601 string, got {value!r:.80}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise RejectedRecord(f"bad_{field}", f"{field} is not ISO-8601: {value!r:.80}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_optional_timestamp(value: object, field: str) -> datetime | None:
    return None if value is None or value == "" else parse_timestamp(value, field)


def format_timestamp(moment: datetime) -> str:
    """The inverse of `parse_timestamp`, with millisecond precision as Connect writes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

"""Connect timestamps: ISO-8601 UTC strings such as `2026-11-24T10:00:00.123Z`.

One strict profile, as Connect writes them (RFC 3339 with the offset optional): `YYYY-MM-DDThh:mm:ss`,
an optional fraction of 1-9 digits (kept to the microsecond), then `Z`, `±hh:mm` or nothing (UTC).
The job's JVM parser (`connectors/.../parse/ConnectTimestamps.java`) implements the same rule, and a
conformance test holds the two equal; Python's lenient `fromisoformat` (dates alone, week dates, any
separator) would let the two disagree on a record.
"""

import re
from datetime import UTC, datetime, timedelta

from connect_model.errors import RejectedRecord

# Amazon Connect launched in 2017; a time outside these bounds is corruption, not data. Taking it would put
# a record years away from every window (or a far-future one ahead of the watermark) and cannot be written
# to Timestream (which takes times from the epoch to 15 minutes ahead of now).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)

# [0-9], not \d: \d also matches other scripts' digits.
_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
    r"(Z|([+-])([01][0-9]|2[0-3]):([0-5][0-9]))?"
)


def parse_timestamp(value: object, field: str) -> datetime:
    """Parse a Connect timestamp into an aware UTC datetime, or reject the record naming the field."""
    if not isinstance(value, str) or not value:
        raise RejectedRecord(f"bad_{field}", f"{field} must be an ISO-8601 string, got {value!r:.80}")
    match = _TIMESTAMP.fullmatch(value)
    if match is None:
        raise RejectedRecord(f"bad_{field}", f"{field} is not YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm]: {value!r:.80}")
    year, month, day, hour, minute, second, fraction, _, sign, offset_hours, offset_minutes = match.groups()
    try:
        local = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=UTC)
    except ValueError as exc:  # month 13, February 30, hour 24, second 60
        raise RejectedRecord(f"bad_{field}", f"{field} is not a valid time: {value!r:.80}") from exc
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    offset = timedelta(hours=int(offset_hours or 0), minutes=int(offset_minutes or 0))
    if sign == "-":
        offset = -offset
    # Range-checked before the shift, so no datetime arithmetic can overflow (years 1 and 9999).
    if not EARLIEST - timedelta(days=1) <= local <= LATEST + timedelta(days=1):
        raise RejectedRecord(f"bad_{field}", f"{field} {value!r:.40} is outside {EARLIEST.year}-{LATEST.year - 1}")
    parsed = local + timedelta(microseconds=micros) - offset
    if not EARLIEST <= parsed < LATEST:
        raise RejectedRecord(f"bad_{field}", f"{field} {value!r:.40} is outside {EARLIEST.year}-{LATEST.year - 1}")
    return parsed


def parse_optional_timestamp(value: object, field: str) -> datetime | None:
    return None if value is None or value == "" else parse_timestamp(value, field)


def format_timestamp(moment: datetime) -> str:
    """The inverse of `parse_timestamp`, with millisecond precision as Connect writes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

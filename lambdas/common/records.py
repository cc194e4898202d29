"""Timestream multi-measure records built from typed Python values.

The Timestream type follows the Python type (str VARCHAR, bool BOOLEAN, int BIGINT, float DOUBLE, datetime
TIMESTAMP in epoch milliseconds), so a measure keeps one type across every record. Absent values (None, "")
are left out rather than written as empty strings, which Timestream refuses.

A record's identity is (time, dimensions, measure_name); writing the same identity again with the same values
and version is a harmless no-op, which is what makes re-delivered events safe.
"""

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

# Timestream's limit for a dimension or VARCHAR measure value.
MAX_VALUE_BYTES = 2048

Record = dict[str, Any]
Value = str | bool | int | float | datetime | None


def epoch_millis(moment: datetime) -> int:
    """Whole milliseconds since the epoch; `moment` must be timezone-aware."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: Connect times are UTC, parse them with connect_model")
    return int(moment.timestamp() * 1000)


def _fit(text: str) -> str:
    encoded = text.encode()
    if len(encoded) <= MAX_VALUE_BYTES:
        return text
    return encoded[: MAX_VALUE_BYTES - 3].decode(errors="ignore") + "..."


def _measure(name: str, value: Value) -> dict[str, str] | None:
    if value is None or value == "":
        return None
    # bool before int: bool is an int subclass.
    if isinstance(value, bool):
        return {"Name": name, "Value": "true" if value else "false", "Type": "BOOLEAN"}
    if isinstance(value, int):
        return {"Name": name, "Value": str(value), "Type": "BIGINT"}
    if isinstance(value, float):
        if not math.isfinite(value):
            return None  # Timestream cannot store NaN or infinity
        return {"Name": name, "Value": repr(value), "Type": "DOUBLE"}
    if isinstance(value, datetime):
        return {"Name": name, "Value": str(epoch_millis(value)), "Type": "TIMESTAMP"}
    if isinstance(value, str):
        return {"Name": name, "Value": _fit(value), "Type": "VARCHAR"}
    raise TypeError(f"measure {name}: unsupported type {type(value).__name__}")


def multi_measure_record(
    *,
    time: datetime,
    measure_name: str,
    dimensions: Mapping[str, str | None],
    measures: Mapping[str, Value],
    version: int,
) -> Record:
    """One multi-measure record in milliseconds; raises ValueError when no measure has a value."""
    values = [m for name, value in measures.items() if (m := _measure(name, value)) is not None]
    if not values:
        raise ValueError(f"record {measure_name!r} has no measure with a value")
    return {
        "Dimensions": [{"Name": name, "Value": _fit(value)} for name, value in dimensions.items() if value],
        "MeasureName": measure_name,
        "MeasureValueType": "MULTI",
        "MeasureValues": values,
        "Time": str(epoch_millis(time)),
        "TimeUnit": "MILLISECONDS",
        "Version": version,
    }


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    """`end - start` in seconds, or None when either is missing or the order is impossible (clock skew)."""
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds()

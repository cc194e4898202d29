"""Timestream for LiveAnalytics write metering, from `WriteRecords` bodies as sent.

AWS's documented rule (Timestream developer guide, "Metering and cost optimization > Writes"): the
write size of a record is 8 bytes of time plus the UTF-8 lengths of dimension names and values and of
the measure name, plus each measure value (8 bytes for BIGINT and DOUBLE, 1 for BOOLEAN, the UTF-8
length for VARCHAR); writes are counted in units of 1 KiB, a batch of records in one request
together. Here `CommonAttributes` count once per request (what they are for) and every record's own
attributes count in full, an upper bound: the service also charges repeated dimensions only once.
For multi-measure records each measure's name counts too (it is a column name, like a dimension's).
"""

import math
from typing import Any

KIB = 1024
TIME_BYTES = 8
VALUE_BYTES = {"BIGINT": 8, "DOUBLE": 8, "BOOLEAN": 1, "TIMESTAMP": 8}


def _utf8(text: str) -> int:
    return len(text.encode())


def _value_bytes(kind: str | None, value: str) -> int:
    return VALUE_BYTES.get(kind or "", _utf8(value))


def attribute_bytes(record: dict[str, Any]) -> int:
    """Bytes of the attributes present in `record` (a record or the request's CommonAttributes)."""
    size = TIME_BYTES if "Time" in record else 0
    size += sum(_utf8(d["Name"]) + _utf8(d["Value"]) for d in record.get("Dimensions", []))
    size += _utf8(record.get("MeasureName", ""))
    if "MeasureValue" in record:
        size += _value_bytes(record.get("MeasureValueType"), record["MeasureValue"])
    for measure in record.get("MeasureValues", []):
        size += _utf8(measure["Name"]) + _value_bytes(measure.get("Type"), measure["Value"])
    return size


def request_bytes(body: dict[str, Any]) -> int:
    return attribute_bytes(body.get("CommonAttributes") or {}) + sum(attribute_bytes(r) for r in body["Records"])


def write_units(body: dict[str, Any]) -> int:
    """Billed 1 KiB writes of one `WriteRecords` request."""
    return math.ceil(request_bytes(body) / KIB)


def record_bytes_alone(body: dict[str, Any], index: int) -> int:
    """Bytes of record `index` written on its own (its request's common attributes merged in)."""
    return attribute_bytes(body.get("CommonAttributes") or {}) + attribute_bytes(body["Records"][index])

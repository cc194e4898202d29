"""Typed access to fields of decoded JSON, rejecting the record with the field's name on a mismatch."""

import math
from typing import Any

from connect_model.errors import RejectedRecord

JsonObject = dict[str, Any]


def require_object(value: object, field: str) -> JsonObject:
    if not isinstance(value, dict):
        raise RejectedRecord(f"bad_{field}", f"{field} must be an object, got {type(value).__name__}")
    return value


def optional_object(value: object, field: str) -> JsonObject | None:
    return None if value is None else require_object(value, field)


def _unicode(value: str, name: str) -> str:
    """JSON escapes can decode to lone surrogates (`"\\ud800"`), which no UTF-8 encoder takes: such a
    string would fail later, far from here (Flink's serializer, a Timestream request), so reject it now."""
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError as exc:
            raise RejectedRecord(f"bad_{name}", f"{name} is not valid Unicode: {exc.reason}") from exc
    return value


def require_str(obj: JsonObject, key: str, field: str | None = None) -> str:
    value = obj.get(key)
    name = field or key
    if value is None or value == "":
        raise RejectedRecord(f"missing_{name}", f"{name} is required")
    if not isinstance(value, str):
        raise RejectedRecord(f"bad_{name}", f"{name} must be a string, got {type(value).__name__}")
    return _unicode(value, name)


def optional_str(obj: JsonObject, key: str, field: str | None = None) -> str | None:
    value = obj.get(key)
    name = field or key
    if value is None:
        return None
    if isinstance(value, str):
        return _unicode(value, name)
    raise RejectedRecord(f"bad_{name}", f"{name} must be a string, got {type(value).__name__}")


_LOWER, _UPPER = "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_UPPER, _ASCII_LOWER = str.maketrans(_LOWER, _UPPER), str.maketrans(_UPPER, _LOWER)


def ascii_upper(value: str) -> str:
    """Upper case for codes such as channels (`Voice` in an old sample): ASCII letters only, so that the
    JVM parser, on another Unicode version, maps every string the same way."""
    return value.translate(_ASCII_UPPER)


def ascii_lower(value: str) -> str:
    return value.translate(_ASCII_LOWER)


def optional_number(obj: JsonObject, key: str) -> float | None:
    value = obj.get(key)
    # bool is an int subclass; a boolean duration is a type error, not 0/1.
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RejectedRecord(f"bad_{key}", f"{key} must be a number, got {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:  # an integer literal beyond any float
        number = math.inf
    # Python's json takes NaN, Infinity and 1e999 (inf); no Connect field holds them, and they would
    # crash an int() downstream or poison an average.
    if not math.isfinite(number):
        raise RejectedRecord(f"bad_{key}", f"{key} must be a finite number, got {value!r:.40}")
    return number


def optional_list(obj: JsonObject, key: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RejectedRecord(f"bad_{key}", f"{key} must be a list, got {type(value).__name__}")
    return value

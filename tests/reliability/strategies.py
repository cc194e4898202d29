"""Hypothesis strategies for hostile stream records, shared by the bad-input fuzzing and the parser
conformance test (the Python model and the JVM parse step must agree on every one)."""

import json
import math
from typing import Any

from hypothesis import strategies as st

from tests.reliability import corpus

# Text as hostile input has it: any code point, lone surrogates and NUL included.
ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=64)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
)
OFFSETS = st.sampled_from(["", "Z", "+00:00", "+01:00", "-01:00", "+14:00", "-12:00", "+23:59", "+24:00"])
TIMESTAMP_LIKE = st.one_of(
    st.builds(lambda d, offset: d.isoformat() + offset, st.datetimes(), OFFSETS),
    st.from_regex(
        r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})?\Z"
    ),
)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, ANY_TEXT, TIMESTAMP_LIKE, st.sampled_from(["LOGIN", "LOGOUT", ""])),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(ANY_TEXT, children, max_size=4)),
    max_leaves=6,
)


def field_paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += field_paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += field_paths(child, (*prefix, index))
    return found


def replace(document: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, *rest = path
    if isinstance(document, dict):
        return {**document, head: replace(document[head], tuple(rest), value)}
    return [replace(item, tuple(rest), value) if i == head else item for i, item in enumerate(document)]


@st.composite
def mutated_documents(draw: st.DrawFn, base: Any) -> Any:
    """A valid document with one to three fields replaced by arbitrary JSON values (or removed)."""
    document = base
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = field_paths(document)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        if draw(st.booleans()) and len(path) >= 1 and isinstance(parent_of(document, path), dict):
            parent = parent_of(document, path)
            document = replace(document, path[:-1], {k: v for k, v in parent.items() if k != path[-1]})
        else:
            document = replace(document, path, draw(JSON_VALUES))
    return document


def parent_of(document: Any, path: tuple) -> Any:
    for key in path[:-1]:
        document = document[key]
    return document


def text_of(document: Any) -> str:
    return json.dumps(document, allow_nan=True)  # NaN/Infinity on purpose: Python's json reads them back


def field_path(dotted: str) -> tuple:
    return tuple(int(part[1:-1]) if part.startswith("[") else part for part in dotted.split("."))


READ_FIELDS = (
    [(corpus.agent_event, field_path(p)) for p in corpus.AGENT_EVENT_FIELDS]
    + [(corpus.ctr, field_path(p)) for p in corpus.CTR_FIELDS]
    + [(corpus.contact_event, field_path(p)) for p in corpus.CONTACT_EVENT_FIELDS]
)


SPECIAL_NUMBERS = st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -0.0, 2**63, -(2**63) - 1, 10**400])


def kind_of(path: tuple) -> str:
    name = str(path[-1])
    if name in corpus.NUMBER_FIELDS:
        return "number"
    return "timestamp" if name.endswith("Timestamp") else "other"


def right_typed_hostile(path: tuple) -> st.SearchStrategy[Any]:
    """Values of the type the field should have, chosen to break what comes after the type check."""
    kind = kind_of(path)
    if kind == "number":
        return st.one_of(SPECIAL_NUMBERS, NUMBERS)
    if kind == "timestamp":
        return TIMESTAMP_LIKE
    return ANY_TEXT


CONNECT_KEYS = sorted(
    {
        part.strip("[]0")
        for table in (corpus.AGENT_EVENT_FIELDS, corpus.CTR_FIELDS, corpus.CONTACT_EVENT_FIELDS)
        for p in table
        for part in p.split(".")
    }
    - {""}
    | {"AWSContactTraceRecordFormatVersion", "detail-type", "source"}
)
CONNECT_SHAPED = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, ANY_TEXT, TIMESTAMP_LIKE),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.sampled_from(CONNECT_KEYS), children, max_size=4)
    ),
    max_leaves=8,
)
